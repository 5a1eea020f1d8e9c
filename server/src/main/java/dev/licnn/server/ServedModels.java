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

    private static ModelCard variant(ModelCard base, String fullName, String params) {
        java.util.List<String> modules = new java.util.ArrayList<>();
        long seed = 0;
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
                    for (String m : v.split(",")) {
                        if (!m.isEmpty()) {
                            modules.add(m);
                        }
                    }
                    break;
                case "seed":
                    try {
                        seed = Long.parseLong(v);
                    } catch (NumberFormatException e) {
                        throw new InvalidInputException(
                                "seed must be a number in '" + fullName + "'");
                    }
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
        return base.withReinitialised(fullName, modules, seed);
    }

    public String defaultName() {
        return defaultName;
    }

    public List<ModelCard> all() {
        return List.copyOf(models.values());
    }
}
