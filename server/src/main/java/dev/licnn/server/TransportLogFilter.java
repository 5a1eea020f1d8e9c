package dev.licnn.server;

import io.grpc.Status;
import java.util.logging.Filter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns grpc-java's stack trace for a request message it refused to read (over the inbound limit)
 * into one log line: that is the client's mistake, answered with RESOURCE_EXHAUSTED, not a server
 * fault. Every other record passes unchanged.
 */
final class TransportLogFilter implements Filter {

    private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(LicnnService.class);

    /** The logger grpc-java's Netty server stream logs deframing failures with. */
    private static final String STREAM_LOGGER =
            "io.grpc.netty.shaded.io.grpc.netty.NettyServerStream";

    /** Held so that the logger, and the filter set on it, are not collected. */
    private static final Logger TRANSPORT = Logger.getLogger(STREAM_LOGGER);

    private TransportLogFilter() {}

    /** Installs the filter (idempotent). */
    static synchronized void install() {
        if (!(TRANSPORT.getFilter() instanceof TransportLogFilter)) {
            TRANSPORT.setFilter(new TransportLogFilter());
        }
    }

    @Override
    public boolean isLoggable(LogRecord r) {
        if (r.getLevel().intValue() < Level.WARNING.intValue() || r.getThrown() == null) {
            return true;
        }
        Status s = Status.fromThrowable(r.getThrown());
        if (s.getCode() != Status.Code.RESOURCE_EXHAUSTED) {
            return true;
        }
        LOG.info("event=rpc_refused status=RESOURCE_EXHAUSTED message=\"{}\"", s.getDescription());
        return false;
    }
}
