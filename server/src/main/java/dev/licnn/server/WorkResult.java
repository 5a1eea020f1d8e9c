package dev.licnn.server;

import dev.licnn.engine.explain.ExplainResult;

/**
 * What a worker returns for one piece of {@link Work}, with the batch's compute time and where it
 * ran.
 */
public sealed interface WorkResult permits WorkResult.Logits, WorkResult.Explained {

    Timing timing();

    /** The result of {@link Work.Classify}. */
    record Logits(float[] logits, Timing timing) implements WorkResult {}

    /** The result of {@link Work.Licnn} and {@link Work.Baseline}. */
    record Explained(ExplainResult result, Timing timing) implements WorkResult {}

    /** The batch's compute time, the worker's name and its device. */
    record Timing(long computeNanos, String worker, String device) {}
}
