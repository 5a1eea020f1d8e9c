package dev.licnn.cli.soak;

import java.util.List;
import java.util.Locale;

/**
 * The soak's Markdown table: one row per report interval, and one for the whole run at the end.
 * Requests by outcome, p50/p99 of the valid explanations in the interval, and the server's memory.
 */
final class MinuteTable {

    private MinuteTable() {}

    /** The header and separator lines. */
    static List<String> header() {
        return List.of(
                "| minute | requests | OK | client errors | cancelled | deadline | exhausted | lost"
                        + " | outside contract | p50 ms | p99 ms | RSS MB | heap used MB"
                        + " | heap committed MB | native MB |",
                "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    }

    /** One row: counts so far, latencies of the interval, memory now. */
    static String row(
            String minute, SoakStats.Snapshot s, List<Double> latencies, MemorySample mem) {
        long clientErrors = s.count("INVALID_ARGUMENT") + s.count("NOT_FOUND");
        return String.format(
                Locale.ROOT,
                "| %s | %d | %d | %d | %d | %d | %d | %d | %d | %s | %s | %s | %s | %s | %s |",
                minute,
                s.finished(),
                s.count("OK"),
                clientErrors,
                s.count("CANCELLED"),
                s.count("DEADLINE_EXCEEDED"),
                s.count("RESOURCE_EXHAUSTED"),
                s.lost(),
                s.unexpected(),
                ms(SoakStats.quantile(latencies, 0.5)),
                ms(SoakStats.quantile(latencies, 0.99)),
                MemorySample.mb(mem.rssMb()),
                MemorySample.mb(mem.heapUsedMb()),
                MemorySample.mb(mem.heapCommittedMb()),
                MemorySample.mb(mem.nativeMb()));
    }

    private static String ms(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.0f", v);
    }
}
