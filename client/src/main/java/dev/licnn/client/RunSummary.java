package dev.licnn.client;

import java.time.Duration;

/**
 * Totals of one {@link PipelinedRunner} run.
 *
 * @param total requests taken from the input (each delivered exactly once)
 * @param succeeded requests that completed
 * @param failed requests that failed
 * @param resent requests sent again on a new stream after their stream failed with UNAVAILABLE
 * @param streamRestarts new streams opened after a stream failed with UNAVAILABLE
 * @param elapsed wall time of the run
 */
public record RunSummary(
        long total,
        long succeeded,
        long failed,
        long resent,
        int streamRestarts,
        Duration elapsed) {}
