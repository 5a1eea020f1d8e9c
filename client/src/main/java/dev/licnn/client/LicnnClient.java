package dev.licnn.client;

import dev.licnn.proto.v1.ClassifyRequest;
import dev.licnn.proto.v1.ClassifyResponse;
import dev.licnn.proto.v1.DescribeModelRequest;
import dev.licnn.proto.v1.ExplainRequest;
import dev.licnn.proto.v1.ImageInput;
import dev.licnn.proto.v1.LicnnServiceGrpc;
import dev.licnn.proto.v1.ListModelsRequest;
import dev.licnn.proto.v1.ListModelsResponse;
import dev.licnn.proto.v1.ModelDescription;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.annotation.Nullable;

/**
 * Client of a LICNN server (or a set of replicas). Thread-safe; share one per process.
 *
 * <pre>{@code
 * try (LicnnClient client = LicnnClient.connect("h1:50051,h2:50051")) {
 *   ExplainRequest req = Requests.explain(Requests.image(Path.of("cat.jpg"))).setTopK(2).build();
 *   ExplainOutcome out = client.explainAsync(req).join();                 // future
 *   try (EventStream events = client.explainEvents(req)) { ... }          // blocking iterator
 *   ExplainCall call = client.explain(req, new ExplainListener() { ... }); // listener
 * }
 * }</pre>
 *
 * <p>Blocking methods throw {@link StatusRuntimeException} when a call fails; futures complete
 * exceptionally with it. Every call except {@code ExplainStream} gets the default deadline of
 * {@link ClientOptions#deadline()}.
 */
public final class LicnnClient implements AutoCloseable {
    private final Channel channel;
    @Nullable private final ManagedChannel ownedChannel;
    private final ClientOptions options;

    private LicnnClient(Channel channel, @Nullable ManagedChannel owned, ClientOptions options) {
        this.channel = channel;
        this.ownedChannel = owned;
        this.options = options;
    }

    /** A client on {@code channel} with default options. The caller keeps ownership of it. */
    public static LicnnClient create(Channel channel) {
        return create(channel, ClientOptions.defaults());
    }

    /**
     * A client on {@code channel}; {@link #close()} does not shut it down. Only the deadline and
     * inbound limit of {@code options} apply (per call); configure the channel for the rest.
     */
    public static LicnnClient create(Channel channel, ClientOptions options) {
        return new LicnnClient(channel, null, options);
    }

    /** {@link #connect(String, ClientOptions)} with default options. */
    public static LicnnClient connect(String target) {
        return connect(target, ClientOptions.defaults());
    }

    /**
     * A client on a channel it builds and owns (shut down by {@link #close()}). {@code target} is
     * {@code host:port}, a comma-separated list of replicas {@code h1:p1,h2:p2}, or a gRPC target
     * URI such as {@code dns:///name:port}. Calls are spread over all resolved addresses ({@code
     * round_robin}); UNAVAILABLE and RESOURCE_EXHAUSTED are retried with exponential back-off
     * unless {@link ClientOptions.Builder#optRetry} turned it off.
     */
    public static LicnnClient connect(String target, ClientOptions options) {
        ManagedChannel channel = ChannelFactory.build(target, options);
        return new LicnnClient(channel, channel, options);
    }

    /**
     * A client on a channel built from {@code builder} (any transport) after applying the
     * channel-level settings of {@code options}; the client owns the channel. The builder must be
     * made from a target ({@code forTarget}), not a direct address ({@code forAddress}, in-process
     * {@code forName}), because gRPC refuses a load-balancing policy for those.
     */
    public static LicnnClient open(ManagedChannelBuilder<?> builder, ClientOptions options) {
        ChannelFactory.configure(builder, options);
        ManagedChannel channel = builder.build();
        return new LicnnClient(channel, channel, options);
    }

    /** The channel calls go through. */
    public Channel channel() {
        return channel;
    }

    /** The options of this client. */
    public ClientOptions options() {
        return options;
    }

    /**
     * Starts an {@code Explain} call and returns its events as a blocking iterator. The caller must
     * drain it or {@link EventStream#close() close} it (which cancels the call).
     */
    public EventStream explainEvents(ExplainRequest request) {
        return EventStream.start(channel, callOptions(), request);
    }

    /** Starts an {@code Explain} call whose events go to {@code listener}; returns its handle. */
    public ExplainCall explain(ExplainRequest request, ExplainListener listener) {
        ListenerObserver observer = new ListenerObserver(listener);
        ClientCalls.asyncServerStreamingCall(
                channel.newCall(LicnnServiceGrpc.getExplainMethod(), callOptions()),
                request,
                observer);
        return new ExplainCall(observer.call());
    }

    /**
     * Runs an {@code Explain} call and collects its result. Cancelling the returned future cancels
     * the call (futures derived from it with {@code thenApply} etc. do not).
     */
    public CompletableFuture<ExplainOutcome> explainAsync(ExplainRequest request) {
        OutcomeObserver observer = new OutcomeObserver();
        ClientCalls.asyncServerStreamingCall(
                channel.newCall(LicnnServiceGrpc.getExplainMethod(), callOptions()),
                request,
                observer);
        return observer.future();
    }

    /** Classifies {@code images}, {@code topK} classes each (0: the server default, 5). */
    public ClassifyResponse classify(List<ImageInput> images, int topK) {
        return classify(Requests.classify(images, topK));
    }

    /** Runs {@code Classify}. */
    public ClassifyResponse classify(ClassifyRequest request) {
        return ClientCalls.blockingUnaryCall(
                channel, LicnnServiceGrpc.getClassifyMethod(), callOptions(), request);
    }

    /** Runs {@code Classify} asynchronously; cancelling the future cancels the call. */
    public CompletableFuture<ClassifyResponse> classifyAsync(List<ImageInput> images, int topK) {
        return unaryAsync(LicnnServiceGrpc.getClassifyMethod(), Requests.classify(images, topK));
    }

    /** Lists the served models. */
    public ListModelsResponse listModels() {
        return ClientCalls.blockingUnaryCall(
                channel,
                LicnnServiceGrpc.getListModelsMethod(),
                callOptions(),
                ListModelsRequest.getDefaultInstance());
    }

    /** Describes model {@code name} ("" for the default model); NOT_FOUND if unknown. */
    public ModelDescription describeModel(String name) {
        return ClientCalls.blockingUnaryCall(
                channel,
                LicnnServiceGrpc.getDescribeModelMethod(),
                callOptions(),
                DescribeModelRequest.newBuilder().setModel(name).build());
    }

    /** Call options of unary and {@code Explain} calls: default deadline, inbound limit. */
    CallOptions callOptions() {
        CallOptions o =
                CallOptions.DEFAULT
                        .withMaxInboundMessageSize(options.maxInboundMessageSize())
                        .withCallCredentials(options.callCredentials());
        return options.deadline() == null
                ? o
                : o.withDeadlineAfter(options.deadline().toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Call options of {@code ExplainStream} calls: the stream deadline, if any. */
    CallOptions streamCallOptions() {
        CallOptions o =
                CallOptions.DEFAULT
                        .withMaxInboundMessageSize(options.maxInboundMessageSize())
                        .withCallCredentials(options.callCredentials());
        return options.streamDeadline() == null
                ? o
                : o.withDeadlineAfter(options.streamDeadline().toNanos(), TimeUnit.NANOSECONDS);
    }

    private <Q, R> CompletableFuture<R> unaryAsync(MethodDescriptor<Q, R> method, Q request) {
        CallFuture<R> future = new CallFuture<>();
        ClientCalls.asyncUnaryCall(
                channel.newCall(method, callOptions()),
                request,
                new ClientResponseObserver<Q, R>() {
                    @Override
                    public void beforeStart(ClientCallStreamObserver<Q> call) {
                        future.onCancel(() -> call.cancel("future cancelled", null));
                    }

                    @Override
                    public void onNext(R value) {
                        future.complete(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        future.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        if (!future.isDone()) {
                            future.completeExceptionally(
                                    Status.INTERNAL
                                            .withDescription("no response")
                                            .asRuntimeException());
                        }
                    }
                });
        return future;
    }

    /** Shuts down the channel if this client built it (waiting up to 5 s); otherwise nothing. */
    @Override
    public void close() {
        if (ownedChannel == null) {
            return;
        }
        ownedChannel.shutdown();
        try {
            if (!ownedChannel.awaitTermination(5, TimeUnit.SECONDS)) {
                ownedChannel.shutdownNow();
            }
        } catch (InterruptedException e) {
            ownedChannel.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
