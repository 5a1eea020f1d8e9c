package dev.licnn.engine.explain;

/** Which score is back-propagated for a target class. */
public enum ScoreMode {
    /** softmax(logits)[c]: the reference code's choice and the default. */
    AFTER_SOFTMAX,
    /** The raw logit of class c. */
    BEFORE_SOFTMAX
}
