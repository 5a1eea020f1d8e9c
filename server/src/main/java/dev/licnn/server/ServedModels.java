package dev.licnn.server;

import dev.licnn.engine.InvalidInputException;
import dev.licnn.engine.model.ModelCard;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The models a server serves, by name, and which one is the default. Immutable. */
public final class ServedModels {

    private final Map<String, ModelCard> models;
    private final String defaultName;

    public ServedModels(List<ModelCard> cards) {
        if (cards.isEmpty()) {
            throw new IllegalArgumentException("at least one model must be served");
        }
        Map<String, ModelCard> m = new LinkedHashMap<>();
        for (ModelCard c : cards) {
            if (m.put(c.name(), c) != null) {
                throw new IllegalArgumentException("model name '" + c.name() + "' is used twice");
            }
        }
        this.models = Collections.unmodifiableMap(m);
        this.defaultName = cards.get(0).name();
    }

    /** Separates a base model's name from its variant parameters. */
    public static final String VARIANT_MARK = "?";

    /**
     * The model called {@code name}; the default model for an empty name. A variant of a served
     * model is named {@code BASE?reinit=MODULE,MODULE&seed=N}: the base model with the parameters
     * of those modules re-initialised (seeded), as the sanity checks need.
     *
     * <p>A variant's card carries its canonical name, so every spelling of one variant is one entry
     * of a worker's variant cache: modules sorted and once each, the seed as a plain number ({@code
     * seed=01} is {@code seed=1}), a parameter given twice with one value counted once. A variant
     * that re-initialises nothing is its base model.
     */
    public ModelCard get(String name) {
        String n = name == null || name.isEmpty() ? defaultName : name;
        int q = n.indexOf(VARIANT_MARK);
        if (q >= 0) {
            return variant(get(n.substring(0, q)), n, n.substring(q + 1));
        }
        ModelCard c = models.get(n);
        if (c == null) {
            throw new UnknownModelException(
                    "model '" + n + "' is not served (served: " + models.keySet() + ")");
        }
        return c;
    }

    /**
     * A parsed variant: the modules to re-initialise (sorted, once each) and the seed.
     *
     * @param name the canonical spelling, {@code BASE?reinit=A,B&seed=N}, or the base name alone
     *     when nothing is re-initialised
     */
    record Variant(String name, List<String> modules, long seed) {}

    /**
     * Parses a variant's parameters.
     *
     * @throws InvalidInputException naming a bad or conflicting parameter
     */
    static Variant variant(String base, String fullName, String params) {
        java.util.SortedSet<String> modules = new java.util.TreeSet<>();
        Long seed = null;
        boolean reinitSeen = false;
        for (String kv : params.split("&")) {
            int eq = kv.indexOf('=');
            if (eq < 0) {
                throw new InvalidInputException(
                        "bad model variant parameter '" + kv + "' in '" + fullName + "'");
            }
            String k = kv.substring(0, eq);
            String v = kv.substring(eq + 1);
            switch (k) {
                case "reinit":
                    java.util.SortedSet<String> these = new java.util.TreeSet<>();
                    for (String m : v.split(",")) {
                        if (!m.isEmpty()) {
                            these.add(m);
                        }
                    }
                    if (reinitSeen && !these.equals(modules)) {
                        throw new InvalidInputException(
                                "reinit is given twice with different modules in '"
                                        + fullName
                                        + "'");
                    }
                    reinitSeen = true;
                    modules = these;
                    break;
                case "seed":
                    long parsed;
                    try {
                        parsed = Long.parseLong(v);
                    } catch (NumberFormatException e) {
                        throw new InvalidInputException(
                                "seed must be a number in '" + fullName + "'");
                    }
                    if (seed != null && seed != parsed) {
                        throw new InvalidInputException(
                                "seed is given twice with different values in '" + fullName + "'");
                    }
                    seed = parsed;
                    break;
                default:
                    throw new InvalidInputException(
                            "unknown model variant parameter '"
                                    + k
                                    + "' in '"
                                    + fullName
                                    + "' (known: reinit, seed)");
            }
        }
        long s = seed == null ? 0 : seed;
        if (modules.isEmpty()) {
            return new Variant(base, List.of(), s);
        }
        String name = base + VARIANT_MARK + "reinit=" + String.join(",", modules) + "&seed=" + s;
        return new Variant(name, List.copyOf(modules), s);
    }

    private static ModelCard variant(ModelCard base, String fullName, String params) {
        Variant v = variant(base.name(), fullName, params);
        if (v.modules().isEmpty()) {
            return base;
        }
        return base.withReinitialised(v.name(), v.modules(), v.seed());
    }

    public String defaultName() {
        return defaultName;
    }

    public List<ModelCard> all() {
        return List.copyOf(models.values());
    }
}
