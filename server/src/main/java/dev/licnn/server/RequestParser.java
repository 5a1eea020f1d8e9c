package dev.licnn.server;

import dev.licnn.engine.InvalidInputException;
import dev.licnn.engine.explain.MapKind;
import dev.licnn.engine.explain.Targets;
import dev.licnn.engine.explain.UnknownClassException;
import dev.licnn.engine.licnn.LicnnOptions;
import dev.licnn.engine.model.ModelCard;
import dev.licnn.proto.v1.ClassifyRequest;
import dev.licnn.proto.v1.ExplainRequest;
import dev.licnn.proto.v1.MapEncoding;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns protobuf requests into checked plans, before any image is decoded; every problem is an
 * exception naming it. Each rule is checked here once.
 */
final class RequestParser {

    static final int MAX_OUTPUT_SIDE = 1000;

    private final ServedModels models;

    RequestParser(ServedModels models) {
        this.models = models;
    }

    /** A checked classify request: its model and how many classes each image reports. */
    record ClassifyPlan(ModelCard model, int topK) {}

    /** Everything of a classify request but its images. */
    ClassifyPlan classify(ClassifyRequest r) {
        ModelCard card = models.get(r.getModel());
        int topK = Targets.topK(r.getTopK(), card.spec().numClasses());
        if (r.getImagesCount() == 0) {
            throw new InvalidInputException("images must contain at least one image");
        }
        return new ClassifyPlan(card, topK);
    }

    /** Everything of an explain request but the image: cheap checks that run before decoding. */
    ExplainPlan explain(ExplainRequest r) {
        ModelCard card = models.get(r.getModel());
        boolean licnn = ProtoMapping.isLicnn(r.getMethod());
        dev.licnn.engine.baseline.Method baseline =
                licnn ? null : ProtoMapping.baseline(r.getMethod(), r.getMethodValue());
        ExplainPlan.ClassChoice classes = classes(r, card);
        LicnnOptions options = ProtoMapping.options(r);
        Set<MapKind> kinds = EnumSet.noneOf(MapKind.class);
        for (dev.licnn.proto.v1.MapKind k : r.getLayerMapKindsList()) {
            kinds.add(ProtoMapping.mapKind(k));
        }
        Set<Integer> layers = layers(r, card);
        if (!licnn && !kinds.isEmpty()) {
            throw new InvalidInputException(
                    "layer_map_kinds are LICNN's intermediate maps; method "
                            + r.getMethod()
                            + " has none");
        }
        dev.licnn.engine.baseline.BaselineOptions baselineOptions =
                licnn
                        ? null
                        : ProtoMapping.baselineOptions(
                                r.getBaselineOptions(),
                                card.preprocess().mean(),
                                card.preprocess().std(),
                                card.spec().featureReluCount());
        ExplainPlan.Emission emission = emission(r, card);
        if (licnn) {
            return new ExplainPlan.LicnnPlan(card, classes, emission, layers, options, kinds);
        }
        return new ExplainPlan.BaselinePlan(
                card, classes, emission, layers, options, r.getMethod(), baseline, baselineOptions);
    }

    private static ExplainPlan.ClassChoice classes(ExplainRequest r, ModelCard card) {
        int classes = card.spec().numClasses();
        if (!r.hasClassIds()) {
            return new ExplainPlan.ClassChoice(Targets.topK(r.getTopK(), classes), null);
        }
        List<Integer> ids = r.getClassIds().getClassIdsList();
        if (ids.isEmpty()) {
            throw new InvalidInputException("class_ids must name at least one class");
        }
        int[] classIds = new int[ids.size()];
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
        return new ExplainPlan.ClassChoice(Targets.DEFAULT_TOP_K, classIds);
    }

    private static ExplainPlan.Emission emission(ExplainRequest r, ModelCard card) {
        int classes = card.spec().numClasses();
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
                r.getRankingSize() == 0
                        ? Math.min(Targets.DEFAULT_TOP_K, classes)
                        : r.getRankingSize();
        if (ranking < 1 || ranking > classes) {
            throw new InvalidInputException(
                    "ranking_size must be between 1 and "
                            + classes
                            + " (the model's classes), got "
                            + r.getRankingSize());
        }
        return new ExplainPlan.Emission(
                r.getMapEncoding(),
                outH,
                outW,
                r.getOmitAttentionMaps(),
                r.getOmitSaliencyMap(),
                ranking);
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
