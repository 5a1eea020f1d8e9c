package dev.licnn.engine.explain;

/** The intermediate maps a caller may watch, per class and per feature ReLU. */
public enum MapKind {
    /** M: max over channels of dScore/dA, after its L2 normalisation. */
    GRADIENT_MAX_C,
    /** LI: the lateral-inhibition strength, after its L2 normalisation. */
    INHIBITION,
    /** The gated map: M where M > LI, else 0 (0 marks a suppressed location). */
    SUPPRESSION_MASK,
    /** Sum over channels of the first pass's ReLU output. */
    RESPONSE_BEFORE,
    /** Sum over channels of the second (inhibited) pass's ReLU output. */
    RESPONSE_AFTER
}
