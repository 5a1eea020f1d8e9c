package dev.licnn.cli.soak;

import java.util.Locale;

/**
 * The server's memory at one moment, in MB (NaN where unknown): resident set size, Java heap in use
 * and committed, and native memory, the resident memory outside the committed heap (libtorch's
 * arrays, malloc arenas, metaspace, code cache, thread stacks).
 */
record MemorySample(double minute, double rssMb, double heapUsedMb, double heapCommittedMb) {

    static final MemorySample UNKNOWN = new MemorySample(0, Double.NaN, Double.NaN, Double.NaN);

    /** RSS minus the committed heap: NaN if either is unknown. */
    double nativeMb() {
        return rssMb - heapCommittedMb;
    }

    /** The same values at {@code newMinute}. */
    MemorySample at(double newMinute) {
        return new MemorySample(newMinute, rssMb, heapUsedMb, heapCommittedMb);
    }

    /** One of the four series by name. */
    double value(Series s) {
        return switch (s) {
            case RSS -> rssMb;
            case HEAP_USED -> heapUsedMb;
            case HEAP_COMMITTED -> heapCommittedMb;
            case NATIVE -> nativeMb();
        };
    }

    /** The series a soak reports, judged for growth after warm-up. */
    enum Series {
        RSS("RSS"),
        HEAP_USED("Heap used"),
        HEAP_COMMITTED("Heap committed"),
        NATIVE("Native (RSS - heap committed)");

        final String label;

        Series(String label) {
            this.label = label;
        }
    }

    /** {@code v} rounded to whole MB, or {@code -} if unknown. */
    static String mb(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.0f", v);
    }
}
