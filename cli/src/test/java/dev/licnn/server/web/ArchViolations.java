package dev.licnn.server.web;

/**
 * Classes that break {@code ArchitectureTest}'s rules on purpose, to show that each rule can fail.
 */
public final class ArchViolations {

    private ArchViolations() {}

    /** The web port referring to the batcher. */
    public static final class WebUsesBatch {
        Class<?> pool() {
            return dev.licnn.batch.WorkerPool.class;
        }
    }
}
