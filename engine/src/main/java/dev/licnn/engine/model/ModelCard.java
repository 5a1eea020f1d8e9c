package dev.licnn.engine.model;

import ai.djl.ndarray.NDManager;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.licnn.engine.InvalidInputException;
import dev.licnn.engine.image.PreprocessConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Everything needed to serve a model: name, architecture, labels, pre-processing and where the
 * weights come from (a safetensors or TorchScript file, or seeded random initialisation).
 *
 * <p>On disk a model is a folder with {@code model.json}, the weights and {@code labels.json}:
 *
 * <pre>{@code
 * {"name": "shapes-vgg16", "architecture": {"name": "vgg16", "layers": [16, 16, "M", ...],
 *   "batch_norm": false, "hidden": 128, "num_classes": 10, "input_size": 224},
 *  "weights": "weights.safetensors", "labels": "labels.json",
 *  "preprocessing": {"resize_shorter": 256, "crop": 224, "mean": [...], "std": [...]},
 *  "info": {"seed": 1, "epochs": 5}}
 * }</pre>
 *
 * <pre>{@code
 * ModelCard card = ModelCard.load(Path.of("models/shapes-vgg16"));
 * try (StateDict w = card.loadWeights(manager)) { ... }
 * }</pre>
 */
public final class ModelCard {

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

    private final String name;
    private final VggSpec spec;
    private final Labels labels;
    private final PreprocessConfig preprocess;
    private final Path weights;
    private final long randomSeed;
    private final Map<String, Object> info;
    private final java.util.List<String> reinitModules;
    private final long reinitSeed;

    private ModelCard(
            String name,
            VggSpec spec,
            Labels labels,
            PreprocessConfig preprocess,
            Path weights,
            long randomSeed,
            Map<String, Object> info) {
        this(name, spec, labels, preprocess, weights, randomSeed, info, java.util.List.of(), 0);
    }

    private ModelCard(
            String name,
            VggSpec spec,
            Labels labels,
            PreprocessConfig preprocess,
            Path weights,
            long randomSeed,
            Map<String, Object> info,
            java.util.List<String> reinitModules,
            long reinitSeed) {
        this.reinitModules = java.util.List.copyOf(reinitModules);
        this.reinitSeed = reinitSeed;
        this.name = Objects.requireNonNull(name);
        this.spec = Objects.requireNonNull(spec);
        this.labels = Objects.requireNonNull(labels);
        this.preprocess = Objects.requireNonNull(preprocess);
        this.weights = weights;
        this.randomSeed = randomSeed;
        this.info = info;
        if (labels.size() != spec.numClasses()) {
            throw new IllegalArgumentException(
                    "model "
                            + name
                            + " has "
                            + spec.numClasses()
                            + " classes but "
                            + labels.size()
                            + " labels");
        }
    }

    /** A model with seeded random weights (torchvision's initialisation scheme). */
    public static ModelCard random(String name, VggSpec spec, long seed, Labels labels) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("weights", "random (torchvision init), seed " + seed);
        return new ModelCard(name, spec, labels, defaultPreprocess(spec), null, seed, info);
    }

    /** A model whose weights are in a safetensors or TorchScript ({@code .pt}) file. */
    public static ModelCard ofFile(String name, VggSpec spec, Path weights, Labels labels) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("weights", weights.getFileName().toString());
        return new ModelCard(name, spec, labels, defaultPreprocess(spec), weights, 0, info);
    }

    private static PreprocessConfig defaultPreprocess(VggSpec spec) {
        int crop = spec.inputSize();
        return PreprocessConfig.builder()
                .optCropSize(crop)
                .optResizeShorter(Math.max(crop, crop * 256 / 224))
                .build();
    }

    /** Reads {@code dir/model.json}. */
    public static ModelCard load(Path dir) throws IOException {
        Path json = dir.resolve("model.json");
        if (!Files.isRegularFile(json)) {
            throw new IOException("no model.json in " + dir);
        }
        JsonObject o;
        try {
            o =
                    JsonParser.parseString(Files.readString(json, StandardCharsets.UTF_8))
                            .getAsJsonObject();
        } catch (RuntimeException e) {
            throw new IOException("cannot parse " + json + ": " + e.getMessage(), e);
        }
        try {
            JsonObject a = o.getAsJsonObject("architecture");
            JsonArray layersJson = a.getAsJsonArray("layers");
            int[] layers = new int[layersJson.size()];
            for (int i = 0; i < layers.length; i++) {
                JsonElement e = layersJson.get(i);
                layers[i] = e.getAsJsonPrimitive().isString() ? VggSpec.POOL : e.getAsInt();
            }
            VggSpec spec =
                    VggSpec.custom(
                            a.get("name").getAsString(),
                            layers,
                            a.get("batch_norm").getAsBoolean(),
                            a.get("hidden").getAsInt(),
                            a.get("num_classes").getAsInt(),
                            a.get("input_size").getAsInt());
            Labels labels =
                    o.has("labels")
                            ? Labels.fromJson(dir.resolve(o.get("labels").getAsString()))
                            : Labels.indexed(spec.numClasses());
            PreprocessConfig.Builder pb = PreprocessConfig.builder();
            if (o.has("preprocessing")) {
                JsonObject p = o.getAsJsonObject("preprocessing");
                pb.optResizeShorter(p.get("resize_shorter").getAsInt())
                        .optCropSize(p.get("crop").getAsInt())
                        .optMean(floats(p.getAsJsonArray("mean")))
                        .optStd(floats(p.getAsJsonArray("std")));
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> info =
                    o.has("info") ? GSON.fromJson(o.get("info"), Map.class) : new LinkedHashMap<>();
            Path weights = dir.resolve(o.get("weights").getAsString());
            return new ModelCard(
                    o.get("name").getAsString(), spec, labels, pb.build(), weights, 0, info);
        } catch (RuntimeException e) {
            throw new IOException("invalid " + json + ": " + e, e);
        }
    }

    /**
     * Writes {@code model.json} and {@code labels.json} into {@code dir} (the weights file is the
     * caller's).
     */
    public void save(Path dir, String weightsFileName) throws IOException {
        Files.createDirectories(dir);
        labels.toJson(dir.resolve("labels.json"));
        JsonObject o = new JsonObject();
        o.addProperty("name", name);
        o.add("architecture", GSON.toJsonTree(spec.describe()));
        o.addProperty("weights", weightsFileName);
        o.addProperty("labels", "labels.json");
        JsonObject p = new JsonObject();
        p.addProperty("resize_shorter", preprocess.resizeShorter());
        p.addProperty("crop", preprocess.cropSize());
        p.add("mean", GSON.toJsonTree(preprocess.mean()));
        p.add("std", GSON.toJsonTree(preprocess.std()));
        o.add("preprocessing", p);
        o.add("info", GSON.toJsonTree(info));
        Files.writeString(dir.resolve("model.json"), GSON.toJson(o), StandardCharsets.UTF_8);
    }

    private static float[] floats(JsonArray a) {
        float[] f = new float[a.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = a.get(i).getAsFloat();
        }
        return f;
    }

    /**
     * The same model with the parameters of {@code modules} (torchvision module paths such as
     * {@code classifier.6} or {@code features.28}) re-initialised with torchvision's scheme and
     * {@code seed}: the model-parameter randomisation of the saliency sanity checks.
     *
     * @throws IllegalArgumentException naming a module that has no parameters in this model
     */
    public ModelCard withReinitialised(
            String variantName, java.util.List<String> modules, long seed) {
        java.util.Set<String> known = new java.util.LinkedHashSet<>();
        for (String p : spec.parameterShapes().keySet()) {
            known.add(p.substring(0, p.lastIndexOf('.')));
        }
        for (String m : modules) {
            if (!known.contains(m)) {
                throw new InvalidInputException(
                        "model "
                                + name
                                + " has no layer '"
                                + m
                                + "' to re-initialise (layers: "
                                + known
                                + ")");
            }
        }
        java.util.List<String> all = new java.util.ArrayList<>(reinitModules);
        all.addAll(modules);
        return new ModelCard(
                variantName, spec, labels, preprocess, weights, randomSeed, info, all, seed);
    }

    /** Modules whose parameters are re-initialised (empty for a plain model). */
    public java.util.List<String> reinitialisedModules() {
        return reinitModules;
    }

    /**
     * The network on {@code device}, built from {@link #loadWeights} (released once copied into
     * it).
     */
    public VggNetwork createNetwork(ai.djl.Device device) throws IOException {
        try (NDManager tmp = NDManager.newBaseManager(ai.djl.Device.cpu());
                StateDict w = loadWeights(tmp)) {
            return VggNetwork.create(spec, w.asMap(), device);
        }
    }

    /** Loads (or, for a random model, creates) the weights, validated against the architecture. */
    public StateDict loadWeights(NDManager manager) throws IOException {
        StateDict d = loadBaseWeights(manager);
        if (!reinitModules.isEmpty()) {
            LinkedHashMap<String, ai.djl.ndarray.types.Shape> shapes = spec.parameterShapes();
            LinkedHashMap<String, ai.djl.ndarray.types.Shape> subset = new LinkedHashMap<>();
            for (Map.Entry<String, ai.djl.ndarray.types.Shape> e : shapes.entrySet()) {
                if (reinitModules.contains(e.getKey().substring(0, e.getKey().lastIndexOf('.')))) {
                    subset.put(e.getKey(), e.getValue());
                }
            }
            try (StateDict fresh = StateDict.initTorchvision(subset, reinitSeed, manager)) {
                for (String n : subset.keySet()) {
                    d.put(n, fresh.get(n).duplicate());
                }
            }
        }
        return d;
    }

    private StateDict loadBaseWeights(NDManager manager) throws IOException {
        StateDict d;
        if (weights == null) {
            d = StateDict.initTorchvision(spec.parameterShapes(), randomSeed, manager);
        } else if (weights.getFileName().toString().endsWith(".pt")) {
            d = StateDict.fromTorchScript(weights, manager);
        } else {
            d = StateDict.fromSafeTensors(weights, manager);
        }
        return d;
    }

    /**
     * The same card with other pre-processing (for example no resize for models trained at their
     * input size).
     */
    public ModelCard withPreprocess(PreprocessConfig newPreprocess) {
        return new ModelCard(name, spec, labels, newPreprocess, weights, randomSeed, info);
    }

    /** The same card with other metadata. */
    public ModelCard withInfo(Map<String, Object> newInfo) {
        return new ModelCard(
                name, spec, labels, preprocess, weights, randomSeed, new LinkedHashMap<>(newInfo));
    }

    public String name() {
        return name;
    }

    public VggSpec spec() {
        return spec;
    }

    public Labels labels() {
        return labels;
    }

    public PreprocessConfig preprocess() {
        return preprocess;
    }

    /** Where the weights come from, for display. */
    public String weightsDescription() {
        return weights == null ? "random (seed " + randomSeed + ")" : weights.toString();
    }

    /** Free-form metadata (training data, accuracy, ...). */
    public Map<String, Object> info() {
        return info;
    }
}
