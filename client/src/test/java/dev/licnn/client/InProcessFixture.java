package dev.licnn.client;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.inprocess.InProcessSocketAddress;
import java.io.IOException;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** In-process servers and channels, all shut down by {@link #close()}. */
final class InProcessFixture implements AutoCloseable {
    private final List<Server> servers = new ArrayList<>();
    private final List<ManagedChannel> channels = new ArrayList<>();
    private final List<LicnnClient> clients = new ArrayList<>();

    /** Starts an in-process server for {@code service}; returns its unique name. */
    String start(FakeLicnnService service) throws IOException {
        String name = InProcessServerBuilder.generateName();
        servers.add(
                InProcessServerBuilder.forName(name)
                        .directExecutor()
                        .addService(service)
                        .build()
                        .start());
        return name;
    }

    /** A plain channel to server {@code name}; the client does not own it. */
    LicnnClient client(String name) {
        ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
        channels.add(channel);
        return LicnnClient.create(channel);
    }

    /**
     * A client built by {@link LicnnClient#open} (round robin, retry policy) on a channel whose
     * target lists the in-process servers {@code names} as replicas.
     */
    LicnnClient openReplicas(ClientOptions options, String... names) {
        ReplicaNameResolverProvider inProcess =
                new ReplicaNameResolverProvider(
                        name -> List.<SocketAddress>of(new InProcessSocketAddress(name)),
                        InProcessSocketAddress.class);
        String target = ReplicaNameResolverProvider.SCHEME + ":///" + String.join(",", names);
        LicnnClient client =
                LicnnClient.open(
                        InProcessChannelBuilder.forTarget(target).nameResolverFactory(inProcess),
                        options);
        clients.add(client);
        return client;
    }

    @Override
    public void close() throws InterruptedException {
        clients.forEach(LicnnClient::close);
        for (ManagedChannel c : channels) {
            c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        for (Server s : servers) {
            s.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
