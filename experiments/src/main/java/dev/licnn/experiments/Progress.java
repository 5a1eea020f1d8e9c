package dev.licnn.experiments;

import java.io.PrintStream;
import java.util.function.LongSupplier;

/**
 * Progress on standard error. On a terminal, a one-line bar redrawn in place (silent for short
 * runs); otherwise (a pipe or a log file) a plain line at every tenth of the work or every 30 s,
 * whichever comes first, so that a log holds a few lines, not a frame per step.
 */
public final class Progress implements AutoCloseable {

    private static final long PLAIN_INTERVAL_NANOS = 30_000_000_000L;

    private final PrintStream out;
    private final String what;
    private final long total;
    private final boolean terminal;
    private final LongSupplier clock;
    private final long start;
    private long done;
    private boolean drawn;
    private long lastLine;
    private long lastTenth;

    public Progress(String what, long total) {
        this(System.err, what, total, System.console() != null, System::nanoTime);
    }

    Progress(PrintStream out, String what, long total, boolean terminal, LongSupplier clock) {
        this.out = out;
        this.what = what;
        this.total = total;
        this.terminal = terminal;
        this.clock = clock;
        this.start = clock.getAsLong();
        this.lastLine = start;
    }

    /** One more unit done. */
    public synchronized void step() {
        done++;
        long now = clock.getAsLong();
        double secs = (now - start) / 1e9;
        double eta = done == 0 ? 0 : secs / done * (total - done);
        if (!terminal) {
            long tenth = total == 0 ? 10 : 10 * done / total;
            if (tenth > lastTenth || now - lastLine >= PLAIN_INTERVAL_NANOS || done == total) {
                lastTenth = tenth;
                lastLine = now;
                out.printf("%s: %d/%d, %.0fs elapsed, ~%.0fs left%n", what, done, total, secs, eta);
                out.flush();
            }
            return;
        }
        if (secs < 2 && done < total) {
            return;
        }
        int width = 30;
        int filled = total == 0 ? width : (int) (width * Math.min(done, total) / total);
        out.printf(
                "\r%s [%s%s] %d/%d  %.1fs elapsed, ~%.0fs left ",
                what, "#".repeat(filled), " ".repeat(width - filled), done, total, secs, eta);
        out.flush();
        drawn = true;
    }

    @Override
    public synchronized void close() {
        if (drawn) {
            out.println();
        }
    }
}
