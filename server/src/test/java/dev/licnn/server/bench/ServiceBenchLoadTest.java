package dev.licnn.server.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.licnn.bench.ClosedLoopLoad;
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
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * {@link ServiceBench}'s load generator against a fake service that serves one request at a time in
 * a known time on a fake clock, with slow first requests (a warm-up): the reported throughput is
 * the service rate.
 */
class ServiceBenchLoadTest {

    static final long SERVICE_MS = 25;
    static final long WARMUP_MS = 1500;

    /**
     * One request at a time, {@link #SERVICE_MS} each; the first {@code slow} requests take {@link
     * #WARMUP_MS}.
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
                            .setCompleted(Completed.newBuilder().setBatchSize(1))
                            .build());
            out.onCompleted();
        }
    }

    @Test
    void level_reportsTheServiceRate_notTheWarmup() throws Exception {
        for (int clients : new int[] {1, 4}) {
            String name = InProcessServerBuilder.generateName();
            FakeService fake = new FakeService(clients);
            Server server =
                    InProcessServerBuilder.forName(name)
                            .addService(fake)
                            .executor(java.util.concurrent.Executors.newCachedThreadPool())
                            .build()
                            .start();
            ManagedChannel ch = InProcessChannelBuilder.forName(name).build();
            try {
                ClosedLoopLoad.Result r =
                        ServiceBench.level(
                                ch,
                                ExplainRequest.getDefaultInstance(),
                                clients,
                                Duration.ofSeconds(1),
                                20,
                                fake.clock::get);
                double rate = 1000.0 / SERVICE_MS;
                assertTrue(r.completed() >= 20, clients + " clients: " + r.completed() + " maps");
                // On the service's own clock the rate is at most 1 / service time; requests still
                // in
                // flight when the window closes are not counted (at most one per other client).
                assertTrue(
                        r.throughput() <= rate * (1 + 1e-9) && r.throughput() >= rate * 0.8,
                        clients + " clients: " + r.throughput() + " maps/s, service rate " + rate);
                assertTrue(r.windowSeconds() >= 1.0);
            } finally {
                ch.shutdownNow();
                server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }
}
