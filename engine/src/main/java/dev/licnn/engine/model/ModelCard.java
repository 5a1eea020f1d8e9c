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
 * <p>On disk a model is a folder with {@code model.json}, the weights and {@code labels.json}
 * (their JSON Schemas, {@code model.schema.json} and {@code labels.schema.json}, ship beside this
 * class and are checked on load). The shortest {@code model.json}:
 *
 * <pre>{@code
 * {"architecture": "vgg16", "weights": "vgg16.pth", "labels": "labels.json"}
 * }</pre>
 *
 * <p>In full:
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

    /**
     * Reads {@code dir/model.json}, checked against {@code model.schema.json} (shipped beside this
     * class). The architecture may be one word ({@code "vgg16"}) or an object; the layer list is
     * needed only for custom widths. Without {@code preprocessing}, torchvision's is used.
     *
     * @param dir the model folder
     * @return the card (the weights are read later, by {@link #loadWeights})
     * @throws ModelFormatException with one line naming the problem: not a folder (with the command
     *     that makes one from a weights file), no {@code model.json}, a schema violation, a missing
     *     weights or labels file, labels that do not match the classes
     */
    public static ModelCard load(Path dir) throws IOException {
        if (Files.isRegularFile(dir)) {
            throw new ModelFormatException(notAFolder(dir));
        }
        if (!Files.isDirectory(dir)) {
            throw new ModelFormatException("no such model folder: " + dir);
        }
        Path json = dir.resolve("model.json");
        if (!Files.isRegularFile(json)) {
            throw new ModelFormatException(
                    "no model.json in "
                            + dir
                            + " (a model folder holds model.json, the weights and labels.json;"
                            + " `licnn import WEIGHTS --arch ARCH --out DIR` makes one)");
        }
        JsonElement doc;
        try {
            doc = JsonParser.parseString(Files.readString(json, StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            throw new ModelFormatException(json + ": not JSON: " + root.getMessage(), e);
        }
        JsonSchemaCheck.MODEL.check(doc, json.toString());
        try {
            return fromChecked(dir, json, doc.getAsJsonObject());
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new ModelFormatException(json + ": " + e.getMessage(), e);
        }
    }

    /** The card of a {@code model.json} that passed the schema. */
    private static ModelCard fromChecked(Path dir, Path json, JsonObject o) throws IOException {
        VggSpec spec;
        try {
            spec = architecture(o.get("architecture"));
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(json + ": /architecture: " + e.getMessage(), e);
        }
        Labels labels;
        if (o.has("labels")) {
            Path lp = dir.resolve(o.get("labels").getAsString());
            if (!Files.isRegularFile(lp)) {
                throw new ModelFormatException(
                        json + ": the labels file " + lp.getFileName() + " is missing");
            }
            labels = Labels.fromJson(lp);
        } else {
            labels = Labels.indexed(spec.numClasses());
        }
        if (labels.size() != spec.numClasses()) {
            throw new ModelFormatException(
                    json
                            + ": the architecture has "
                            + spec.numClasses()
                            + " classes but the labels file has "
                            + labels.size()
                            + " (set architecture.num_classes, or fix the labels)");
        }
        PreprocessConfig preprocess = defaultPreprocess(spec);
        if (o.has("preprocessing")) {
            JsonObject p = o.getAsJsonObject("preprocessing");
            PreprocessConfig.Builder pb =
                    PreprocessConfig.builder()
                            .optResizeShorter(
                                    p.has("resize_shorter")
                                            ? p.get("resize_shorter").getAsInt()
                                            : preprocess.resizeShorter())
                            .optCropSize(
                                    p.has("crop")
                                            ? p.get("crop").getAsInt()
                                            : preprocess.cropSize())
                            .optMean(
                                    p.has("mean")
                                            ? floats(p.getAsJsonArray("mean"))
                                            : preprocess.mean())
                            .optStd(
                                    p.has("std")
                                            ? floats(p.getAsJsonArray("std"))
                                            : preprocess.std());
            try {
                preprocess = pb.build();
            } catch (IllegalArgumentException e) {
                throw new ModelFormatException(json + ": /preprocessing: " + e.getMessage(), e);
            }
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> info =
                o.has("info") ? GSON.fromJson(o.get("info"), Map.class) : new LinkedHashMap<>();
        Path weights = dir.resolve(o.get("weights").getAsString());
        if (!Files.isRegularFile(weights)) {
            throw new ModelFormatException(
                    json + ": the weights file " + weights.getFileName() + " is missing");
        }
        String name =
                o.has("name")
                        ? o.get("name").getAsString()
                        : dir.toAbsolutePath().normalize().getFileName().toString();
        return new ModelCard(name, spec, labels, preprocess, weights, 0, info);
    }

    /** The one-line explanation for a weights file given where a model folder is expected. */
    private static String notAFolder(Path file) {
        String what;
        try {
            switch (WeightsFormat.detect(file)) {
                case PYTORCH_STATE_DICT:
                    what = "a PyTorch pickle (state dict)";
                    break;
                case TORCHSCRIPT:
                    what = "a TorchScript file";
                    break;
                default:
                    what = "a file";
            }
        } catch (IOException e) {
            what = "a file";
        }
        return file
                + " is "
                + what
                + ", not a model folder: use `licnn import "
                + file
                + " --arch ARCH --out DIR`, then the folder";
    }

    /** {@code "vgg16"}, or an object with a standard name and overrides, or a custom layer list. */
    private static VggSpec architecture(JsonElement a) {
        if (a.isJsonPrimitive()) {
            return Architectures.vgg(a.getAsString());
        }
        JsonObject o = a.getAsJsonObject();
        String name = o.get("name").getAsString();
        if (o.has("layers")) {
            JsonArray layersJson = o.getAsJsonArray("layers");
            int[] layers = new int[layersJson.size()];
            for (int i = 0; i < layers.length; i++) {
                JsonElement e = layersJson.get(i);
                layers[i] = e.getAsJsonPrimitive().isString() ? VggSpec.POOL : e.getAsInt();
            }
            return VggSpec.custom(
                    name,
                    layers,
                    o.has("batch_norm") ? o.get("batch_norm").getAsBoolean() : name.endsWith("_bn"),
                    o.has("hidden") ? o.get("hidden").getAsInt() : 4096,
                    o.has("num_classes") ? o.get("num_classes").getAsInt() : 1000,
                    o.has("input_size") ? o.get("input_size").getAsInt() : 224);
        }
        VggSpec spec = Architectures.vgg(name);
        if (o.has("batch_norm") && o.get("batch_norm").getAsBoolean() != spec.batchNorm()) {
            throw new IllegalArgumentException(
                    "batch_norm "
                            + o.get("batch_norm")
                            + " contradicts '"
                            + name
                            + "' (use "
                            + (spec.batchNorm()
                                    ? name.substring(0, name.length() - 3)
                                    : name + "_bn")
                            + ")");
        }
        if (o.has("hidden") || o.has("num_classes")) {
            spec =
                    spec.scaled(
                            1,
                            o.has("hidden") ? o.get("hidden").getAsInt() : spec.hidden(),
                            o.has("num_classes")
                                    ? o.get("num_classes").getAsInt()
                                    : spec.numClasses());
        }
        if (o.has("input_size")) {
            spec = spec.withInputSize(o.get("input_size").getAsInt());
        }
        return spec;
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
        o.add("architecture", architectureJson(spec));
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

    /** One word for a standard architecture, the word and what differs, or the full layer list. */
    private static JsonElement architectureJson(VggSpec spec) {
        if (Architectures.NAMES.contains(spec.name())) {
            VggSpec standard = Architectures.vgg(spec.name());
            if (standard.equals(spec)) {
                return new com.google.gson.JsonPrimitive(spec.name());
            }
            if (java.util.Arrays.equals(standard.layers(), spec.layers())
                    && standard.batchNorm() == spec.batchNorm()) {
                JsonObject a = new JsonObject();
                a.addProperty("name", spec.name());
                if (spec.hidden() != standard.hidden()) {
                    a.addProperty("hidden", spec.hidden());
                }
                if (spec.numClasses() != standard.numClasses()) {
                    a.addProperty("num_classes", spec.numClasses());
                }
                if (spec.inputSize() != standard.inputSize()) {
                    a.addProperty("input_size", spec.inputSize());
                }
                return a;
            }
        }
        return GSON.toJsonTree(spec.describe());
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
     *
     * @throws ModelFormatException if the weights cannot be read or do not fit the architecture, in
     *     one line with the first problem, how many more, and what the weights look like
     */
    public VggNetwork createNetwork(ai.djl.Device device) throws IOException {
        try (NDManager tmp = NDManager.newBaseManager(ai.djl.Device.cpu());
                StateDict w = loadWeights(tmp)) {
            w.requireFits(spec, weightsDescription());
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
        } else {
            d = StateDict.load(weights, manager);
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
