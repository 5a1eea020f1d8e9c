package dev.licnn.server;

import dev.licnn.engine.explain.Targets;
import dev.licnn.engine.licnn.LicnnOptions;
import dev.licnn.engine.model.Architecture;
import dev.licnn.engine.model.Labels;
import dev.licnn.engine.model.ModelCard;
import dev.licnn.proto.v1.ClassLabel;
import dev.licnn.proto.v1.ExplainDefaults;
import dev.licnn.proto.v1.ExplainMethod;
import dev.licnn.proto.v1.FeatureLayer;
import dev.licnn.proto.v1.ImageSize;
import dev.licnn.proto.v1.MapEncoding;
import dev.licnn.proto.v1.MapKind;
import dev.licnn.proto.v1.ModelDescription;
import dev.licnn.proto.v1.ModelSummary;
import dev.licnn.proto.v1.Preprocessing;
import java.util.List;

/** Protobuf descriptions of served models. */
final class ModelDescriptions {

    private ModelDescriptions() {}

    /**
     * torchvision module paths of the feature ReLUs (features.1, features.3, ... for VGG), as the
     * architecture's layer walk names them.
     */
    static List<String> modulePaths(Architecture arch) {
        return arch.featureReluModulePaths();
    }

    static ModelSummary summary(ModelCard c) {
        Architecture s = c.spec();
        int size = c.preprocess().cropSize();
        return ModelSummary.newBuilder()
                .setName(c.name())
                .setArchitecture(s.name())
                .setBatchNorm(s.batchNorm())
                .setInputSize(ImageSize.newBuilder().setHeight(size).setWidth(size))
                .setNumClasses(s.numClasses())
                .addAllFeatureLayerNames(s.featureReluNames())
                .build();
    }

    static ModelDescription describe(ModelCard c) {
        Architecture s = c.spec();
        int size = c.preprocess().cropSize();
        ModelDescription.Builder b =
                ModelDescription.newBuilder()
                        .setName(c.name())
                        .setArchitecture(s.name())
                        .setBatchNorm(s.batchNorm())
                        .setInputSize(ImageSize.newBuilder().setHeight(size).setWidth(size))
                        .setNumClasses(s.numClasses())
                        .setWeights(c.weightsDescription());
        Labels labels = c.labels();
        for (Labels.Label l : labels) {
            b.addLabels(
                    ClassLabel.newBuilder().setClassId(l.id()).setKey(l.key()).setName(l.name()));
        }
        for (var l : s.featureLayers(size, size)) {
            b.addFeatureLayers(
                    FeatureLayer.newBuilder()
                            .setIndex(l.index())
                            .setName(l.name())
                            .setModulePath(l.modulePath())
                            .setChannels(l.channels())
                            .setHeight(l.height())
                            .setWidth(l.width()));
        }
        Preprocessing.Builder p =
                Preprocessing.newBuilder()
                        .setResizeShorterEdge(c.preprocess().resizeShorter())
                        .setInterpolation("bilinear")
                        .setCropSize(ImageSize.newBuilder().setHeight(size).setWidth(size));
        for (float m : c.preprocess().mean()) {
            p.addMean(m);
        }
        for (float v : c.preprocess().std()) {
            p.addStd(v);
        }
        b.setPreprocessing(p);
        for (ExplainMethod m : ExplainMethod.values()) {
            if (m != ExplainMethod.EXPLAIN_METHOD_UNSPECIFIED && m != ExplainMethod.UNRECOGNIZED) {
                b.addSupportedMethods(m);
            }
        }
        for (MapKind k : MapKind.values()) {
            if (k != MapKind.MAP_KIND_UNSPECIFIED && k != MapKind.UNRECOGNIZED) {
                b.addSupportedMapKinds(k);
            }
        }
        b.setDefaults(
                ExplainDefaults.newBuilder()
                        .setTopK(Targets.DEFAULT_TOP_K)
                        .setMethod(ExplainMethod.EXPLAIN_METHOD_LICNN)
                        .setLicnnOptions(ProtoMapping.toProto(LicnnOptions.defaults()))
                        .setMapEncoding(MapEncoding.MAP_ENCODING_FLOAT32)
                        .setRankingSize(Targets.DEFAULT_TOP_K));
        b.setMaxTargets(s.numClasses());
        return b.build();
    }
}
