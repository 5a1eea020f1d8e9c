package dev.licnn.cli.soak;

import java.io.IOException;
import java.net.ServerSocket;

/** Loopback ports for the child server, picked by the OS. */
final class FreePorts {

    private FreePorts() {}

    /**
     * A port that was free a moment ago: the OS picks it for a socket that is closed at once.
     * Another process may take it before the child server binds it; the child then fails to start
     * and {@link ChildServer#awaitServing} says so.
     */
    static int pick() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
