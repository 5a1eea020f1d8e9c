package dev.licnn.server;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which {@code Host} names the web port answers when no token is required: a page on another origin
 * that a DNS name rebinds to this address would otherwise reach a tokenless viewer. Allowed: the
 * names configured, else {@code localhost}, the loopback literals, the bound address and, when the
 * server binds every interface, this machine's name and addresses.
 */
final class HostCheck {

    private static final Logger LOG = LoggerFactory.getLogger(HostCheck.class);

    private HostCheck() {}

    /** The check for a web port bound to {@code bound}. */
    static Predicate<String> allowed(InetSocketAddress bound, List<String> configured) {
        Set<String> names = new HashSet<>();
        if (!configured.isEmpty()) {
            configured.forEach(n -> names.add(n.trim().toLowerCase(Locale.ROOT)));
            return names::contains;
        }
        names.add("localhost");
        names.add("127.0.0.1");
        names.add("[::1]");
        names.add(bound.getHostString().toLowerCase(Locale.ROOT));
        InetAddress a = bound.getAddress();
        if (a != null) {
            names.add(literal(a));
            if (a.isAnyLocalAddress()) {
                try {
                    InetAddress local = InetAddress.getLocalHost();
                    names.add(local.getHostName().toLowerCase(Locale.ROOT));
                    names.add(local.getCanonicalHostName().toLowerCase(Locale.ROOT));
                    for (InetAddress each : InetAddress.getAllByName(local.getHostName())) {
                        names.add(literal(each));
                    }
                } catch (java.io.IOException e) {
                    LOG.debug("no local host name: {}", e.toString());
                }
            }
        }
        return names::contains;
    }

    private static String literal(InetAddress a) {
        String s = a.getHostAddress();
        return s.indexOf(':') >= 0 ? "[" + s.replaceAll("%.*$", "") + "]" : s;
    }

    /** The rate-limited line for refused Host names. */
    static void logRefused(long count) {
        LOG.warn(
                "event=web_host_refused count={} (Host header not served; set --web-host to"
                        + " allow a name)",
                count);
    }
}
