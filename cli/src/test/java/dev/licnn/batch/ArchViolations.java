package dev.licnn.batch;

/**
 * Classes that break {@code ArchitectureTest}'s rules on purpose, to show that each rule can fail.
 */
public final class ArchViolations {

    private ArchViolations() {}

    /** The batching library referring to the LICNN engine. */
    public static final class BatchUsesEngine {
        Class<?> engine() {
            return dev.licnn.engine.licnn.LicnnEngine.class;
        }
    }
}
