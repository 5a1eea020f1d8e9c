package dev.licnn.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ChannelConfigTest {
    private final InProcessFixture fixture = new InProcessFixture();

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
    }

    @Test
    void unavailable_isRetriedByServiceConfig() throws Exception {
        FakeLicnnService fake = new FakeLicnnService();
        String name = fixture.start(fake);
        fake.unavailableBudget.set(2);
        LicnnClient client = fixture.openReplicas(ClientOptions.defaults(), name);

        assertEquals("fake-vgg", client.listModels().getDefaultModel());

        assertEquals(3, fake.unaryCalls.get());
    }

    @Test
    void explainBeforeFirstEvent_isRetriedByServiceConfig() throws Exception {
        FakeLicnnService fake = new FakeLicnnService();
        String name = fixture.start(fake);
        fake.unavailableBudget.set(2);
        LicnnClient client = fixture.openReplicas(ClientOptions.defaults(), name);

        ExplainOutcome out =
                client.explainAsync(Requests.explain(Requests.image(new byte[] {1})).build())
                        .get(10, TimeUnit.SECONDS);

        assertEquals("fake-0", out.completed().getWorker());
        assertEquals(3, fake.explainCalls.get());
    }

    @Test
    void retryOff_failsWithUnavailableAfterOneAttempt() throws Exception {
        FakeLicnnService fake = new FakeLicnnService();
        String name = fixture.start(fake);
        fake.unavailableBudget.set(2);
        LicnnClient client =
                fixture.openReplicas(ClientOptions.builder().optRetry(false).build(), name);

        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, client::listModels);

        assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
        assertEquals(1, fake.unaryCalls.get());
    }

    @Test
    void retriesExhausted_failWithUnavailable() throws Exception {
        FakeLicnnService fake = new FakeLicnnService();
        String name = fixture.start(fake);
        fake.unavailableBudget.set(10);
        LicnnClient client =
                fixture.openReplicas(ClientOptions.builder().optMaxAttempts(3).build(), name);

        assertThrows(StatusRuntimeException.class, client::listModels);

        assertEquals(3, fake.unaryCalls.get());
    }

    @Test
    void replicas_areUsedRoundRobin() throws Exception {
        FakeLicnnService a = new FakeLicnnService();
        FakeLicnnService b = new FakeLicnnService();
        LicnnClient client =
                fixture.openReplicas(ClientOptions.defaults(), fixture.start(a), fixture.start(b));

        // Until both subchannels are READY, round_robin only picks the ready one.
        for (int i = 0; i < 1000 && (a.unaryCalls.get() == 0 || b.unaryCalls.get() == 0); i++) {
            client.listModels();
        }
        assertTrue(a.unaryCalls.get() > 0 && b.unaryCalls.get() > 0, "both replicas called");
        int a0 = a.unaryCalls.get();
        int b0 = b.unaryCalls.get();
        for (int i = 0; i < 10; i++) {
            client.listModels();
        }
        assertEquals(5, a.unaryCalls.get() - a0);
        assertEquals(5, b.unaryCalls.get() - b0);
    }

    @Test
    void targets_mapToChannelUris() {
        assertEquals("dns:///localhost:50051", ChannelFactory.channelTarget("localhost:50051"));
        assertEquals("licnn-static:///h1:1,h2:2", ChannelFactory.channelTarget("h1:1, h2:2"));
        assertEquals("dns:///svc:50051", ChannelFactory.channelTarget("dns:///svc:50051"));
        assertThrows(IllegalArgumentException.class, () -> ChannelFactory.channelTarget(" "));
    }

    @Test
    void hostPort_resolvesToInetAddresses() throws Exception {
        assertEquals(
                List.of(new InetSocketAddress("127.0.0.1", 7)),
                ReplicaNameResolverProvider.lookupHostPort("127.0.0.1:7"));
        assertEquals(
                List.of(new InetSocketAddress("::1", 8)),
                ReplicaNameResolverProvider.lookupHostPort("[::1]:8"));
        assertThrows(
                IllegalArgumentException.class,
                () -> ReplicaNameResolverProvider.lookupHostPort("no-port"));
    }

    @Test
    void connect_buildsOwnedChannelForReplicaList() {
        LicnnClient client = LicnnClient.connect("127.0.0.1:1,127.0.0.1:2");
        ManagedChannel channel = (ManagedChannel) client.channel();
        // Starts resolution through the replica resolver; nothing listens there.
        ConnectivityState state = channel.getState(true);
        assertTrue(state != ConnectivityState.SHUTDOWN);

        client.close();

        assertTrue(channel.isShutdown());
    }
}
