package dev.licnn.engine.baseline;

/**
 * Classes that break {@code ArchitectureTest}'s rules on purpose, to show that each rule can fail.
 */
public final class ArchViolations {

    private ArchViolations() {}

    /** A baseline referring to the LICNN engine. */
    public static final class BaselineUsesLicnn {
        Class<?> engine() {
            return dev.licnn.engine.licnn.LicnnEngine.class;
        }
    }
}
