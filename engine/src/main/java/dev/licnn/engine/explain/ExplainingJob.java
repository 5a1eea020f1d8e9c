package dev.licnn.engine.explain;

/**
 * A job of any method, seen through its {@link JobSpec}: what both engines read of every job (input
 * and classes, listener, cancellation), in one place.
 */
public interface ExplainingJob {

    /** The targets, listener and cancellation check. */
    JobSpec spec();

    /** The input and the classes to explain. */
    default Targets targets() {
        return spec().targets();
    }

    default MapListener listener() {
        return spec().listener();
    }

    default boolean isCancelled() {
        return spec().isCancelled();
    }
}
