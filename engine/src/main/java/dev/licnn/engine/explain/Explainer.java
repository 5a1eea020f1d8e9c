package dev.licnn.engine.explain;

import java.util.List;

/**
 * An engine that explains a network's decisions: LICNN and the baseline attribution methods. Each
 * job carries its {@link Targets} and a {@link MapListener} that receives the prediction, the maps
 * and the saliency map as they are computed.
 *
 * <pre>{@code
 * Explainer<ExplainJob> licnn = new LicnnEngine(network);
 * ExplainResult r = licnn.explain(ExplainJob.builder().setInput(chw, 224, 224).optTopK(5).build());
 * }</pre>
 *
 * @param <J> the engine's job type
 */
public interface Explainer<J> {

    /**
     * Explains one job; its failure is thrown.
     *
     * @throws IllegalArgumentException (an {@code InvalidInputException} for bad input) if the job
     *     cannot run
     */
    default ExplainResult explain(J job) {
        Outcome o = explainAll(List.of(job)).get(0);
        if (o.error() != null) {
            if (o.error() instanceof RuntimeException) {
                throw (RuntimeException) o.error();
            }
            throw new IllegalStateException(o.error());
        }
        return o.result();
    }

    /** Explains jobs together where they can share passes; a failing job fails alone. */
    List<Outcome> explainAll(List<J> jobs);
}
