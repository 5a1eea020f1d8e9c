package dev.licnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.licnn.client.LicnnClient;
import dev.licnn.proto.v1.Completed;
import dev.licnn.proto.v1.ExplainEvent;
import dev.licnn.proto.v1.ExplainRequest;
import dev.licnn.proto.v1.LicnnServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * {@code licnn bench}'s load generator against a fake service that serves one request at a time in
 * a known time on a fake clock, with slow first requests (a warm-up): every level measures, and
 * reports the service rate.
 */
class BenchCommandLoadTest {

    static final long SERVICE_MS = 25;
    static final long WARMUP_MS = 1500;

    /**
     * One request at a time, {@link #SERVICE_MS} each; the first {@code slow} take {@link
     * #WARMUP_MS} more.
     */
    static final class FakeService extends LicnnServiceGrpc.LicnnServiceImplBase {
        final Semaphore one = new Semaphore(1);
        final AtomicInteger served = new AtomicInteger();

        /**
         * The load generator's clock, in nanoseconds: it advances by each request's service time.
         */
        final AtomicLong clock = new AtomicLong();

        final int slow;

        FakeService(int slow) {
            this.slow = slow;
        }

        @Override
        public void explain(ExplainRequest request, StreamObserver<ExplainEvent> out) {
            boolean warm = served.getAndIncrement() < slow;
            try {
                one.acquire();
                try {
                    // Time passes only here, on the fake clock, and one request at a time.
                    clock.addAndGet(
                            TimeUnit.MILLISECONDS.toNanos(
                                    warm ? WARMUP_MS + SERVICE_MS : SERVICE_MS));
                } finally {
                    one.release();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                out.onError(e);
                return;
            }
            out.onNext(
                    ExplainEvent.newBuilder()
                            .setCompleted(Completed.newBuilder().setBatchSize(2))
                            .build());
            out.onCompleted();
        }
    }

    @Test
    void level_reportsTheServiceRate_atEveryConcurrency() throws Exception {
        for (int clients : new int[] {1, 4}) {
            String name = InProcessServerBuilder.generateName();
            FakeService fake = new FakeService(clients);
            Server server =
                    InProcessServerBuilder.forName(name)
                            .addService(fake)
                            .executor(Executors.newCachedThreadPool())
                            .build()
                            .start();
            ManagedChannel ch = InProcessChannelBuilder.forName(name).build();
            try {
                Map<String, Object> row =
                        BenchCommand.level(
                                LicnnClient.create(ch),
                                ExplainRequest.getDefaultInstance(),
                                clients,
                                1,
                                Duration.ofSeconds(1),
                                20,
                                fake.clock::get);
                double rate = 1000.0 / SERVICE_MS;
                double got = (Double) row.get("throughput");
                assertTrue((Integer) row.get("requests") >= 20, clients + " clients: " + row);
                // On the service's own clock the rate is at most 1 / service time; requests still
                // in
                // flight when the window closes are not counted (at most one per other client).
                assertTrue(
                        got <= rate * (1 + 1e-9) && got >= rate * 0.8,
                        clients + " clients: " + got + " requests/s, service rate " + rate);
                assertEquals(2.0, (Double) row.get("mean_batch"), 1e-9);
                double lo = (Double) row.get("throughput_lo");
                double hi = (Double) row.get("throughput_hi");
                assertTrue(lo <= hi && hi > 0, row.toString());
            } finally {
                ch.shutdownNow();
                server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }
}
