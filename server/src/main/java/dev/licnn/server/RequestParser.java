package dev.licnn.server;

import dev.licnn.engine.InvalidInputException;
import dev.licnn.engine.explain.MapKind;
import dev.licnn.engine.explain.ScoreMode;
import dev.licnn.engine.explain.UnknownClassException;
import dev.licnn.engine.image.ImagePreprocessor;
import dev.licnn.engine.image.PreparedImage;
import dev.licnn.engine.licnn.LicnnOptions;
import dev.licnn.engine.model.ModelCard;
import dev.licnn.proto.v1.ExplainRequest;
import dev.licnn.proto.v1.ImageInput;
import dev.licnn.proto.v1.MapEncoding;
import dev.licnn.proto.v1.Tensor;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns protobuf requests into validated engine inputs; every problem is an exception naming it.
 */
final class RequestParser {

    static final int DEFAULT_TOP_K = 5;
    static final int MAX_OUTPUT_SIDE = 1000;

    private final ServedModels models;
    private final Map<String, ImagePreprocessor> preprocessors = new ConcurrentHashMap<>();

    RequestParser(ServedModels models) {
        this.models = models;
    }

    /** A validated explain request. */
    record Parsed(
            ModelCard model,
            int topK,
            int[] classIds,
            LicnnOptions options,
            Set<MapKind> kinds,
            Set<Integer> layers,
            MapEncoding encoding,
            int outH,
            int outW,
            boolean omitAttention,
            boolean omitSaliency,
            int rankingSize,
            dev.licnn.engine.baseline.Method method,
            dev.licnn.engine.baseline.BaselineOptions baselineOptions) {}

    /** Everything but the image: cheap checks that run before any decoding. */
    Parsed parseExplain(ExplainRequest r) {
        ModelCard card = models.get(r.getModel());
        dev.licnn.engine.baseline.Method method =
                ProtoMapping.method(r.getMethod(), r.getMethodValue());
        int classes = card.spec().numClasses();
        int topK = DEFAULT_TOP_K;
        int[] classIds = null;
        if (r.hasClassIds()) {
            List<Integer> ids = r.getClassIds().getClassIdsList();
            if (ids.isEmpty()) {
                throw new InvalidInputException("class_ids must name at least one class");
            }
            classIds = new int[ids.size()];
            Set<Integer> seen = new TreeSet<>();
            for (int i = 0; i < classIds.length; i++) {
                int c = ids.get(i);
                if (c < 0 || c >= classes) {
                    throw new UnknownClassException(
                            "class "
                                    + c
                                    + " does not exist in model "
                                    + card.name()
                                    + " (classes 0.."
                                    + (classes - 1)
                                    + ")");
                }
                if (!seen.add(c)) {
                    throw new InvalidInputException("class " + c + " is listed twice in class_ids");
                }
                classIds[i] = c;
            }
        } else if (r.getTopK() != 0) {
            topK = r.getTopK();
            if (topK < 0 || topK > classes) {
                throw new InvalidInputException(
                        "top_k must be between 1 and "
                                + classes
                                + " (the model's classes), got "
                                + topK);
            }
        }
        topK = Math.min(topK, classes);
        LicnnOptions options = ProtoMapping.options(r);
        Set<MapKind> kinds = EnumSet.noneOf(MapKind.class);
        for (dev.licnn.proto.v1.MapKind k : r.getLayerMapKindsList()) {
            kinds.add(ProtoMapping.mapKind(k));
        }
        Set<Integer> layers = layers(r, card);
        if (method != null && !kinds.isEmpty()) {
            throw new InvalidInputException(
                    "layer_map_kinds are LICNN's intermediate maps; method "
                            + r.getMethod()
                            + " has none");
        }
        dev.licnn.engine.baseline.BaselineOptions baseline =
                method == null ? null : baselineOptions(r, card);
        int outH = 0;
        int outW = 0;
        if (r.hasOutputSize()) {
            outH = r.getOutputSize().getHeight();
            outW = r.getOutputSize().getWidth();
            if (outH < 1 || outW < 1 || outH > MAX_OUTPUT_SIDE || outW > MAX_OUTPUT_SIDE) {
                throw new InvalidInputException(
                        "output_size must have sides between 1 and "
                                + MAX_OUTPUT_SIDE
                                + ", got "
                                + outH
                                + "x"
                                + outW);
            }
        }
        if (r.getMapEncoding() == MapEncoding.UNRECOGNIZED) {
            throw new InvalidInputException("unknown map_encoding");
        }
        int ranking =
                r.getRankingSize() == 0 ? Math.min(DEFAULT_TOP_K, classes) : r.getRankingSize();
        if (ranking < 1 || ranking > classes) {
            throw new InvalidInputException(
                    "ranking_size must be between 1 and "
                            + classes
                            + " (the model's classes), got "
                            + r.getRankingSize());
        }
        return new Parsed(
                card,
                topK,
                classIds,
                options,
                kinds,
                layers,
                r.getMapEncoding(),
                outH,
                outW,
                r.getOmitAttentionMaps(),
                r.getOmitSaliencyMap(),
                ranking,
                method,
                baseline);
    }

    /** Decodes and prepares the image of a request for {@code card}. */
    PreparedInput prepare(ImageInput image, ModelCard card) {
        int size = card.preprocess().cropSize();
        switch (image.getSourceCase()) {
            case ENCODED:
                {
                    ImagePreprocessor p =
                            preprocessors.computeIfAbsent(
                                    card.name(), n -> new ImagePreprocessor(card.preprocess()));
                    PreparedImage prepared = p.prepare(image.getEncoded().toByteArray());
                    return new PreparedInput(prepared.chw(), prepared.height(), prepared.width());
                }
            case TENSOR:
                {
                    Tensor t = image.getTensor();
                    long[] shape =
                            t.getShapeList().stream().mapToLong(Integer::longValue).toArray();
                    if (shape.length != 3) {
                        throw new InvalidInputException(
                                "tensor shape must be [3, "
                                        + size
                                        + ", "
                                        + size
                                        + "] (channels, height, width; no batch dimension), got "
                                        + Arrays.toString(shape));
                    }
                    if (t.getData().size() % 4 != 0) {
                        throw new InvalidInputException(
                                "tensor data must be float32: "
                                        + t.getData().size()
                                        + " bytes is not a multiple of 4");
                    }
                    float[] values = new float[t.getData().size() / 4];
                    t.getData()
                            .asReadOnlyByteBuffer()
                            .order(ByteOrder.LITTLE_ENDIAN)
                            .asFloatBuffer()
                            .get(values);
                    ImagePreprocessor.validateTensor(shape, values, size, size);
                    return new PreparedInput(values, size, size);
                }
            default:
                throw new InvalidInputException(
                        "image is required: set image.encoded (PNG or JPEG) or image.tensor");
        }
    }

    /** A prepared image. */
    record PreparedInput(float[] chw, int height, int width) {}

    private static dev.licnn.engine.baseline.BaselineOptions baselineOptions(
            ExplainRequest r, ModelCard card) {
        dev.licnn.engine.baseline.BaselineOptions.Builder b =
                dev.licnn.engine.baseline.BaselineOptions.builder();
        dev.licnn.proto.v1.BaselineOptions o = r.getBaselineOptions();
        b.optScoreMode(
                o.getScore() == dev.licnn.proto.v1.ScoreMode.SCORE_MODE_BEFORE_SOFTMAX
                        ? ScoreMode.BEFORE_SOFTMAX
                        : ScoreMode.AFTER_SOFTMAX);
        if (o.hasIgSteps()) {
            b.optIgSteps(o.getIgSteps());
        }
        switch (o.getIgBaseline()) {
            case IG_BASELINE_ZEROS:
                b.optIgBaselineZeros();
                break;
            case IG_BASELINE_UNSPECIFIED:
            case IG_BASELINE_BLACK:
                b.optIgBaselineBlack(card.preprocess().mean(), card.preprocess().std());
                break;
            default:
                throw new InvalidInputException("unknown ig_baseline " + o.getIgBaselineValue());
        }
        if (o.hasSmoothgradSamples()) {
            b.optSmoothGradSamples(o.getSmoothgradSamples());
        }
        if (o.hasNoiseLevel()) {
            b.optNoiseLevel(o.getNoiseLevel());
        }
        b.optSeed(o.getSeed());
        if (o.hasGradCamLayer()) {
            int layer = o.getGradCamLayer();
            int n = card.spec().featureReluCount();
            if (layer < 0 || layer >= n) {
                throw new InvalidInputException(
                        "grad_cam_layer " + layer + " out of range 0.." + (n - 1));
            }
            b.optGradCamLayer(layer);
        }
        return b.build();
    }

    private static Set<Integer> layers(ExplainRequest r, ModelCard card) {
        if (r.getLayerNamesCount() == 0 && r.getLayerIndicesCount() == 0) {
            return null;
        }
        List<String> names = card.spec().featureReluNames();
        List<String> paths = ModelDescriptions.modulePaths(card.spec());
        Set<Integer> out = new TreeSet<>();
        for (String n : r.getLayerNamesList()) {
            int i = names.indexOf(n);
            if (i < 0) {
                i = paths.indexOf(n);
            }
            if (i < 0) {
                throw new InvalidInputException(
                        "unknown layer '" + n + "' (layers: " + names + ")");
            }
            out.add(i);
        }
        for (int i : r.getLayerIndicesList()) {
            if (i < 0 || i >= names.size()) {
                throw new InvalidInputException(
                        "layer index " + i + " out of range 0.." + (names.size() - 1));
            }
            out.add(i);
        }
        return out;
    }
}
