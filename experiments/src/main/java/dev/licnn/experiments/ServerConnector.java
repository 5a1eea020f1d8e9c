package dev.licnn.experiments;

import dev.licnn.client.LicnnClient;

/**
 * Where an experiment's requests go. The experiments know only this: the command line hands them a
 * connector to a remote server or to one it starts in its own process.
 */
@FunctionalInterface
public interface ServerConnector {

    /** An open client; closing it also stops whatever {@link #open} started for it. */
    interface Session extends AutoCloseable {

        /** The client to send requests with. */
        LicnnClient client();

        @Override
        void close();
    }

    /** Connects (starting a server first if this connector runs one). */
    Session open() throws Exception;
}
