package dev.licnn.client;

import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import io.grpc.Status;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * Resolves {@code licnn-static:///name1,name2,...} to one address group per name, so that a {@code
 * round_robin} channel spreads calls over a fixed set of replicas. Names are {@code host:port} by
 * default ({@code [v6addr]:port} for IPv6 literals); a host that resolves to several addresses
 * becomes one group with all of them.
 */
final class ReplicaNameResolverProvider extends NameResolverProvider {
    static final String SCHEME = "licnn-static";

    /** Turns one name of the target into the addresses of that replica. */
    interface AddressLookup {
        List<SocketAddress> lookup(String name) throws Exception;
    }

    private final AddressLookup lookup;
    private final Class<? extends SocketAddress> addressType;

    ReplicaNameResolverProvider(AddressLookup lookup, Class<? extends SocketAddress> addressType) {
        this.lookup = lookup;
        this.addressType = addressType;
    }

    /** A provider that resolves {@code host:port} names with the JVM's resolver. */
    static ReplicaNameResolverProvider forHostPorts() {
        return new ReplicaNameResolverProvider(
                ReplicaNameResolverProvider::lookupHostPort, InetSocketAddress.class);
    }

    static List<SocketAddress> lookupHostPort(String hostPort) throws Exception {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0 || colon == hostPort.length() - 1) {
            throw new IllegalArgumentException("replica '" + hostPort + "' is not host:port");
        }
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = Integer.parseInt(hostPort.substring(colon + 1));
        List<SocketAddress> addresses = new ArrayList<>();
        for (InetAddress a : InetAddress.getAllByName(host)) {
            addresses.add(new InetSocketAddress(a, port));
        }
        return addresses;
    }

    @Override
    public NameResolver newNameResolver(URI targetUri, NameResolver.Args args) {
        if (!SCHEME.equals(targetUri.getScheme())) {
            return null;
        }
        String path = targetUri.getPath() == null ? "" : targetUri.getPath();
        List<String> names = new ArrayList<>();
        for (String n : Arrays.asList(path.replaceFirst("^/", "").split(","))) {
            if (!n.isBlank()) {
                names.add(n.trim());
            }
        }
        if (names.isEmpty()) {
            throw new IllegalArgumentException("no replica in target " + targetUri);
        }
        return new Resolver(names, args, lookup);
    }

    @Override
    public String getDefaultScheme() {
        return SCHEME;
    }

    @Override
    protected boolean isAvailable() {
        return true;
    }

    @Override
    protected int priority() {
        return 4; // below DNS (5), so DNS stays the default scheme
    }

    @Override
    public Collection<Class<? extends SocketAddress>> getProducedSocketAddressTypes() {
        return List.of(addressType);
    }

    private static final class Resolver extends NameResolver {
        private final List<String> names;
        private final Args args;
        private final AddressLookup lookup;
        private Listener2 listener;
        private boolean resolving;
        private boolean shutdown;

        Resolver(List<String> names, Args args, AddressLookup lookup) {
            this.names = names;
            this.args = args;
            this.lookup = lookup;
        }

        @Override
        public String getServiceAuthority() {
            return names.get(0);
        }

        @Override
        public void start(Listener2 listener) {
            this.listener = listener;
            resolve();
        }

        @Override
        public void refresh() {
            resolve();
        }

        @Override
        public void shutdown() {
            shutdown = true;
        }

        // Called in the synchronization context; lookups run on the offload executor.
        private void resolve() {
            if (resolving || shutdown) {
                return;
            }
            resolving = true;
            Executor executor =
                    args.getOffloadExecutor() != null ? args.getOffloadExecutor() : Runnable::run;
            executor.execute(this::lookUpAll);
        }

        private void lookUpAll() {
            List<EquivalentAddressGroup> groups = new ArrayList<>();
            Status error = null;
            for (String name : names) {
                try {
                    groups.add(new EquivalentAddressGroup(lookup.lookup(name)));
                } catch (Exception e) {
                    error =
                            Status.UNAVAILABLE
                                    .withDescription("cannot resolve replica " + name)
                                    .withCause(e);
                    break;
                }
            }
            Status failure = error;
            args.getSynchronizationContext()
                    .execute(
                            () -> {
                                resolving = false;
                                if (shutdown) {
                                    return;
                                }
                                if (failure != null) {
                                    listener.onError(failure);
                                } else {
                                    listener.onResult(
                                            ResolutionResult.newBuilder()
                                                    .setAddresses(groups)
                                                    .build());
                                }
                            });
        }
    }
}
