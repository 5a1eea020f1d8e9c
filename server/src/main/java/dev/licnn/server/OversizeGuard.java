package dev.licnn.server;

import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A compressed request that inflates past the message limit is found only while it is parsed, on
 * the RPC thread; grpc-java then answers UNKNOWN and logs a stack trace. This wraps a service so
 * that its requests are parsed inside the call instead: such a request ends its call with
 * RESOURCE_EXHAUSTED and one rate-limited log line, and the service never sees it.
 */
final class OversizeGuard {

    private static final Logger LOG = LoggerFactory.getLogger(OversizeGuard.class);

    private final RateLimitedLog log;

    OversizeGuard(RateLimitedLog log) {
        this.log = log;
    }

    /** {@code service} with its requests parsed under the guard. */
    ServerServiceDefinition wrap(ServerServiceDefinition service) {
        ServiceDescriptor sd = service.getServiceDescriptor();
        List<ServerMethodDefinition<?, ?>> methods = new ArrayList<>();
        List<MethodDescriptor<?, ?>> descriptors = new ArrayList<>();
        for (ServerMethodDefinition<?, ?> m : service.getMethods()) {
            ServerMethodDefinition<InputStream, ?> w = wrap(m);
            methods.add(w);
            descriptors.add(w.getMethodDescriptor());
        }
        ServiceDescriptor.Builder db =
                ServiceDescriptor.newBuilder(sd.getName())
                        .setSchemaDescriptor(sd.getSchemaDescriptor());
        descriptors.forEach(db::addMethod);
        ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(db.build());
        methods.forEach(b::addMethod);
        return b.build();
    }

    private <Q, R> ServerMethodDefinition<InputStream, R> wrap(ServerMethodDefinition<Q, R> m) {
        MethodDescriptor<Q, R> md = m.getMethodDescriptor();
        MethodDescriptor<InputStream, R> raw =
                md.toBuilder(new RawMarshaller(), md.getResponseMarshaller()).build();
        ServerCallHandler<InputStream, R> handler =
                (call, headers) -> {
                    ServerCall<Q, R> typed =
                            new ForwardingServerCall.SimpleForwardingServerCall<Q, R>(
                                    retype(call)) {
                                @Override
                                public MethodDescriptor<Q, R> getMethodDescriptor() {
                                    return md;
                                }
                            };
                    ServerCall.Listener<Q> inner =
                            m.getServerCallHandler().startCall(typed, headers);
                    return new Parsing<>(inner, md, call);
                };
        return ServerMethodDefinition.create(raw, handler);
    }

    @SuppressWarnings("unchecked") // the call only ever sends R: its request side is InputStream
    private static <Q, R> ServerCall<Q, R> retype(ServerCall<InputStream, R> call) {
        return (ServerCall<Q, R>) (ServerCall<?, R>) call;
    }

    /** Hands the service parsed requests; an oversized one ends the call. */
    private final class Parsing<Q, R> extends ServerCall.Listener<InputStream> {
        private final ServerCall.Listener<Q> inner;
        private final MethodDescriptor<Q, R> md;
        private final ServerCall<InputStream, R> call;
        private boolean refused;

        Parsing(
                ServerCall.Listener<Q> inner,
                MethodDescriptor<Q, R> md,
                ServerCall<InputStream, R> call) {
            this.inner = inner;
            this.md = md;
            this.call = call;
        }

        @Override
        public void onMessage(InputStream message) {
            if (refused) {
                return;
            }
            Q parsed;
            try {
                parsed = md.parseRequest(message);
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != Status.Code.RESOURCE_EXHAUSTED) {
                    throw e;
                }
                refused = true;
                log.log(
                        n ->
                                LOG.warn(
                                        "event=rpc_failed rpc={} status=RESOURCE_EXHAUSTED"
                                                + " message=\"{}\" refused_since_last_line={}",
                                        md.getBareMethodName(),
                                        e.getStatus().getDescription(),
                                        n));
                call.close(e.getStatus(), new Metadata());
                inner.onCancel();
                return;
            }
            inner.onMessage(parsed);
        }

        @Override
        public void onHalfClose() {
            if (!refused) {
                inner.onHalfClose();
            }
        }

        @Override
        public void onCancel() {
            if (!refused) {
                inner.onCancel();
            }
        }

        @Override
        public void onComplete() {
            if (!refused) {
                inner.onComplete();
            }
        }

        @Override
        public void onReady() {
            if (!refused) {
                inner.onReady();
            }
        }
    }

    /** Leaves a request as the transport's stream, to be parsed in {@link Parsing#onMessage}. */
    private static final class RawMarshaller implements MethodDescriptor.Marshaller<InputStream> {
        @Override
        public InputStream stream(InputStream value) {
            return value;
        }

        @Override
        public InputStream parse(InputStream stream) {
            return stream;
        }
    }
}
