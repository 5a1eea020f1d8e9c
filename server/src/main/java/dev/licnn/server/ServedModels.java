package dev.licnn.server;

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

    /** The model called {@code name}; the default model for an empty name. */
    public ModelCard get(String name) {
        String n = name == null || name.isEmpty() ? defaultName : name;
        ModelCard c = models.get(n);
        if (c == null) {
            throw new UnknownModelException("model '" + n + "' is not served (served: " + models.keySet() + ")");
        }
        return c;
    }

    public String defaultName() {
        return defaultName;
    }

    public List<ModelCard> all() {
        return List.copyOf(models.values());
    }
}
