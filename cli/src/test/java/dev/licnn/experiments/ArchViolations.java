package dev.licnn.experiments;

/**
 * Classes that break {@code ArchitectureTest}'s rules on purpose, to show that each rule can fail.
 */
public final class ArchViolations {

    private ArchViolations() {}

    /** An experiment starting a server itself instead of being handed a connector. */
    public static final class ExperimentStartsServer {
        Class<?> server() {
            return io.grpc.inprocess.InProcessServerBuilder.class;
        }
    }
}
