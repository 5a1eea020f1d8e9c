package dev.licnn.cli;

import java.io.PrintStream;

/** A one-line progress bar on standard error, redrawn in place; silent for short runs. */
public final class Progress implements AutoCloseable {

    private final PrintStream out;
    private final String what;
    private final long total;
    private final long start = System.nanoTime();
    private long done;
    private boolean drawn;

    public Progress(String what, long total) {
        this(System.err, what, total);
    }

    Progress(PrintStream out, String what, long total) {
        this.out = out;
        this.what = what;
        this.total = total;
    }

    /** One more unit done. */
    public synchronized void step() {
        done++;
        double secs = (System.nanoTime() - start) / 1e9;
        if (secs < 2 && done < total) {
            return;
        }
        int width = 30;
        int filled = total == 0 ? width : (int) (width * done / total);
        double eta = done == 0 ? 0 : secs / done * (total - done);
        out.printf("\r%s [%s%s] %d/%d  %.1fs elapsed, ~%.0fs left ", what, "#".repeat(filled),
                " ".repeat(width - filled), done, total, secs, eta);
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
