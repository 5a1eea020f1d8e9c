package dev.licnn.server;

/**
 * A stand-in for a server class (the server is not on the client's classpath), referred to by
 * {@code ClientArchitectureTest} to show that its rule fails on a forbidden reference.
 */
public final class ServerSideType {

    private ServerSideType() {}
}
