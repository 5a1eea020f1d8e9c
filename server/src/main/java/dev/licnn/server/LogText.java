package dev.licnn.server;

import javax.annotation.Nullable;

/**
 * Client-supplied text made safe for one log line: control characters (newlines, ANSI escapes),
 * quotes and backslashes escaped, and cut to {@value #MAX_CHARS} characters with the original
 * length noted, so that a request can neither forge a log line nor write a megabyte one.
 */
public final class LogText {

    /** Longest text kept from one client string. */
    public static final int MAX_CHARS = 200;

    private LogText() {}

    /** {@code s} escaped and cut; {@code null} stays {@code "null"}. */
    public static String clip(@Nullable String s) {
        if (s == null) {
            return "null";
        }
        int n = Math.min(s.length(), MAX_CHARS);
        StringBuilder b = new StringBuilder(n + 16);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20
                            || c == 0x7f
                            || (c >= 0x80 && c < 0xa0)
                            || c == 0x2028
                            || c == 0x2029) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        if (s.length() > MAX_CHARS) {
            b.append("...(").append(s.length()).append(" chars)");
        }
        return b.toString();
    }
}
