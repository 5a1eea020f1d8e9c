package dev.licnn.dataset;

/**
 * Classes that break {@code ArchitectureTest}'s rules on purpose, to show that each rule can fail.
 */
public final class ArchViolations {

    private ArchViolations() {}

    /** The dataset generator referring to the server. */
    public static final class DatasetUsesServer {
        Class<?> server() {
            return dev.licnn.server.LicnnServer.class;
        }
    }
}
