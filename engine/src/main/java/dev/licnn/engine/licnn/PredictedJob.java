package dev.licnn.engine.licnn;

import dev.licnn.engine.explain.MapKind;
import dev.licnn.engine.explain.Prediction;
import java.util.Arrays;

/**
 * One job of an engine call as the forward step leaves it: the job, its image's row in the call's
 * batch, its prediction (logits, probabilities, the classes to explain) and the first pass's Sum-C
 * responses. Immutable; results go to the job's {@link JobProgress}.
 *
 * @param image the job's row in the call's batch of images
 * @param before per feature ReLU, the Sum-C responses of every image of the call (n x H x W), or
 *     null entries when no job of the call streams them
 */
record PredictedJob(
        ExplainJob job, int image, Prediction prediction, float[][] before, JobProgress progress) {

    LicnnOptions options() {
        return job.options();
    }

    /** Number of classes to explain. */
    int classCount() {
        return prediction.targets().length;
    }

    /** The class explained at rank {@code rank}. */
    int classId(int rank) {
        return prediction.targets()[rank];
    }

    boolean wants(MapKind kind, int layer) {
        return job.wants(kind, layer);
    }

    /** Whether the job still runs (has not failed). */
    boolean running() {
        return !progress.failed();
    }

    /** This image's Sum-C response of the first pass at {@code layer} (h x w values). */
    float[] responseBefore(int layer, int hw) {
        return Arrays.copyOfRange(before[layer], image * hw, (image + 1) * hw);
    }
}
