package dev.licnn.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Server;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Starting and stopping: a failed start releases what it built; a builder changed later changes
 * nothing.
 */
class LifecycleTest {

    private static long liveThreads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(prefix))
                .count();
    }

    private static boolean noThreadsWithin(String prefix, Duration d) throws InterruptedException {
        long end = System.nanoTime() + d.toNanos();
        while (liveThreads(prefix) > 0 && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        return liveThreads(prefix) == 0;
    }

    @Test
    void failedStart_releasesWorkersAndThreads() throws Exception {
        assertTrue(
                noThreadsWithin("licnn-worker-", Duration.ofSeconds(30)),
                "workers of other tests still running");
        String name = InProcessServerBuilder.generateName();
        Server squatter =
                InProcessServerBuilder.forName(name)
                        .build()
                        .start(); // the name is taken: start fails
        try {
            LicnnServer server =
                    LicnnServer.builder()
                            .setModels(new ServedModels(List.of(TestServer.narrowCard())))
                            .optWarmUp(false)
                            .build();
            assertThrows(
                    IOException.class, () -> server.start(InProcessServerBuilder.forName(name)));
            assertTrue(
                    noThreadsWithin("licnn-worker-", Duration.ofSeconds(30)),
                    "worker threads left running");
            assertTrue(
                    noThreadsWithin("licnn-rpc-", Duration.ofSeconds(30)),
                    "rpc threads left running");
            assertThrows(
                    IllegalStateException.class,
                    () -> server.start(InProcessServerBuilder.forName(name + "-2")),
                    "a server whose start failed is not started again");
        } finally {
            squatter.shutdownNow();
        }
    }

    @Test
    void builderChangedAfterBuild_doesNotChangeTheServer() throws Exception {
        LicnnServer.Builder b =
                LicnnServer.builder()
                        .setModels(new ServedModels(List.of(TestServer.narrowCard())))
                        .optWarmUp(false)
                        .optMaxQueueSize(7);
        LicnnServer server = b.build();
        b.optMaxQueueSize(1);
        server.start(InProcessServerBuilder.forName(InProcessServerBuilder.generateName()));
        try {
            assertEquals(7, server.pool().maxQueueSize());
        } finally {
            server.close();
        }
    }
}
