package dev.licnn.engine;

/**
 * Classes that break {@code ArchitectureTest}'s rules on purpose, to show that each rule can fail.
 */
public final class ArchViolations {

    private ArchViolations() {}

    /** The engine referring to gRPC. */
    public static final class EngineUsesGrpc {
        io.grpc.Status status() {
            return io.grpc.Status.OK;
        }
    }
}
