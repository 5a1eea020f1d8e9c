package dev.licnn.cli;

import dev.licnn.proto.v1.ClassList;
import dev.licnn.proto.v1.ExplainRequest;
import dev.licnn.proto.v1.LicnnOptions;
import dev.licnn.proto.v1.MapEncoding;
import dev.licnn.proto.v1.MapKind;
import dev.licnn.proto.v1.ModelDescription;
import dev.licnn.proto.v1.ScoreMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/** The request options of {@code explain}, mirroring {@code licnn.v1.ExplainRequest}. */
final class ExplainOptions {

    @Option(
            names = "--model",
            defaultValue = "",
            description = "Model name on the server (default: its default model).")
    String model;

    @Option(
            names = "--top-k",
            description =
                    "Explain the top-k classes (default 5, or all classes of a smaller model).")
    Integer topK;

    @Option(
            names = "--class",
            description = "Explain this class instead of the top-k (id, key or label); repeatable.")
    List<String> classes = new ArrayList<>();

    @Option(
            names = "--score",
            defaultValue = "after",
            description =
                    "Back-propagate the score after or before softmax (default ${DEFAULT-VALUE}).")
    String score;

    @Option(names = "--inhibit-last", description = "Also inhibit the last feature ReLU.")
    boolean inhibitLast;

    @Option(
            names = "--per-layer-norm",
            description = "L2-normalise each layer's response before summing (the paper's prose).")
    boolean perLayerNorm;

    @Option(names = "--liz", description = "Lateral-inhibition zone side, odd (default 7).")
    Integer liz;

    @Option(names = "-a", description = "Weight of the average term (default 0.1).")
    Float a;

    @Option(names = "-b", description = "Weight of the differential term (default 0.9).")
    Float b;

    @Option(
            names = "--layer-kinds",
            split = ",",
            defaultValue = "SUPPRESSION_MASK,RESPONSE_AFTER",
            description =
                    "Per-layer maps to stream: GRADIENT_MAX_C, INHIBITION, SUPPRESSION_MASK, RESPONSE_BEFORE, RESPONSE_AFTER, or NONE (default ${DEFAULT-VALUE}).")
    List<String> layerKinds;

    @Option(
            names = "--layers",
            split = ",",
            description = "Layers to stream (names like relu5_3 or indices; default all).")
    List<String> layers = new ArrayList<>();

    @Option(
            names = "--encoding",
            defaultValue = "float32",
            description = "Map encoding: float32, float16, uint8 (default ${DEFAULT-VALUE}).")
    String encoding;

    /** The request for {@code image}, validated against the model's description. */
    ExplainRequest.Builder apply(ExplainRequest.Builder r, ModelDescription d) {
        r.setModel(model);
        if (!classes.isEmpty()) {
            ClassList.Builder cl = ClassList.newBuilder();
            for (String c : classes) {
                cl.addClassIds(ClassNames.resolve(d, c));
            }
            r.setClassIds(cl);
        } else {
            if (topK != null && (topK < 1 || topK > d.getNumClasses())) {
                throw new CliException(
                        "--top-k must be between 1 and the model's "
                                + d.getNumClasses()
                                + " classes, got "
                                + topK);
            }
            r.setTopK(topK != null ? topK : Math.min(5, d.getNumClasses()));
        }
        if (liz != null) {
            try {
                dev.licnn.engine.licnn.LicnnOptions.builder().optLizSize(liz).build();
            } catch (IllegalArgumentException e) {
                throw new CliException("--liz: " + e.getMessage());
            }
        }
        LicnnOptions.Builder o =
                LicnnOptions.newBuilder()
                        .setScore(
                                switch (score.toLowerCase(Locale.ROOT)) {
                                    case "after" -> ScoreMode.SCORE_MODE_AFTER_SOFTMAX;
                                    case "before" -> ScoreMode.SCORE_MODE_BEFORE_SOFTMAX;
                                    default ->
                                            throw new CliException(
                                                    "--score must be 'after' or 'before', got '"
                                                            + score
                                                            + "'");
                                })
                        .setInhibitLastRelu(inhibitLast)
                        .setPerLayerNormalization(perLayerNorm);
        if (liz != null) {
            o.setLizSize(liz);
        }
        if (a != null) {
            o.setA(a);
        }
        if (b != null) {
            o.setB(b);
        }
        r.setLicnnOptions(o);
        for (String k : layerKinds) {
            if (k.equalsIgnoreCase("NONE")) {
                continue;
            }
            try {
                r.addLayerMapKinds(MapKind.valueOf("MAP_KIND_" + k.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new CliException("unknown layer map kind '" + k + "'");
            }
        }
        for (String l : layers) {
            checkLayer(l, d);
            if (l.matches("\\d+")) {
                r.addLayerIndices(Integer.parseInt(l));
            } else {
                r.addLayerNames(l);
            }
        }
        try {
            r.setMapEncoding(
                    MapEncoding.valueOf("MAP_ENCODING_" + encoding.toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            throw new CliException("unknown encoding '" + encoding + "' (float32, float16, uint8)");
        }
        return r;
    }

    /** A {@code --layers} entry the model has, by name or index; else the known names. */
    private static void checkLayer(String l, ModelDescription d) {
        int n = d.getFeatureLayersCount();
        if (l.matches("\\d+")) {
            int i = Integer.parseInt(l);
            if (i >= 0 && i < n) {
                return;
            }
        } else {
            for (var f : d.getFeatureLayersList()) {
                if (f.getName().equals(l)) {
                    return;
                }
            }
        }
        throw new CliException(
                "--layers: model "
                        + d.getName()
                        + " has no layer '"
                        + l
                        + "' (layers 0.."
                        + (n - 1)
                        + ": "
                        + (n == 0 ? "" : d.getFeatureLayers(0).getName())
                        + " ... "
                        + (n == 0 ? "" : d.getFeatureLayers(n - 1).getName())
                        + ")");
    }
}
