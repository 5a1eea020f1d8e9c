package dev.licnn.cli.soak;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts of a soak run: requests by kind and outcome, requests lost or answered outside the
 * contract, and latencies of the valid explanations. Thread-safe.
 */
final class SoakStats {

    private final Map<String, Map<String, Long>> outcomes = new TreeMap<>();
    private final List<String> unexpected = new ArrayList<>();
    private final List<Double> latenciesMs = new ArrayList<>();
    private long started;
    private long finished;
    private long lost;

    synchronized void start() {
        started++;
    }

    /**
     * Records one finished request.
     *
     * @param outcome the gRPC code it ended with (as the client saw it), or a description
     * @param expected whether the contract allows that outcome for this kind of request
     */
    synchronized void finish(Kind kind, String outcome, boolean expected, String detail) {
        finished++;
        outcomes.computeIfAbsent(kind.label, k -> new TreeMap<>()).merge(outcome, 1L, Long::sum);
        if (!expected && unexpected.size() < 100) {
            unexpected.add(
                    kind.label + ": " + outcome + (detail == null ? "" : " (" + detail + ")"));
        }
        if (!expected) {
            unexpectedCount++;
        }
    }

    private long unexpectedCount;

    /** A request that got no answer: no status, no terminal event. */
    synchronized void lost(Kind kind, String detail) {
        finished++;
        lost++;
        outcomes.computeIfAbsent(kind.label, k -> new TreeMap<>()).merge("LOST", 1L, Long::sum);
        if (unexpected.size() < 100) {
            unexpected.add(kind.label + ": lost (" + detail + ")");
        }
    }

    synchronized void latency(double ms) {
        latenciesMs.add(ms);
    }

    /** A copy of the counters now. */
    synchronized Snapshot snapshot() {
        Map<String, Map<String, Long>> copy = new TreeMap<>();
        outcomes.forEach((k, v) -> copy.put(k, new TreeMap<>(v)));
        return new Snapshot(
                started,
                finished,
                lost,
                unexpectedCount,
                copy,
                new ArrayList<>(latenciesMs),
                new ArrayList<>(unexpected));
    }

    /** The counters at one moment. */
    record Snapshot(
            long started,
            long finished,
            long lost,
            long unexpected,
            Map<String, Map<String, Long>> outcomes,
            List<Double> latenciesMs,
            List<String> unexpectedDetails) {

        /** Requests finished with {@code outcome}, over every kind. */
        long count(String outcome) {
            return outcomes.values().stream().mapToLong(m -> m.getOrDefault(outcome, 0L)).sum();
        }

        /** Latencies recorded after {@code earlier} was taken. */
        List<Double> latenciesSince(Snapshot earlier) {
            return latenciesMs.subList(
                    earlier == null ? 0 : earlier.latenciesMs.size(), latenciesMs.size());
        }
    }

    /** The {@code q} quantile (nearest rank) of {@code values}, or NaN when empty. */
    static double quantile(List<Double> values, double q) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int rank = (int) Math.ceil(q * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    /** The kinds of traffic. */
    enum Kind {
        VALID("valid explain"),
        INVALID("invalid explain"),
        CANCELLED("cancelled explain"),
        DEADLINED("50 ms deadline"),
        SLOW_READER("slow reader"),
        STREAM("ExplainStream (3 requests)"),
        CLASSIFY("classify (2 images)");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }
}
