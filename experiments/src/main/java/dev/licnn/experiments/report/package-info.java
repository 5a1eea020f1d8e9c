/**
 * {@code experiment report}: one Markdown report from the raw outputs of the blur, sanity and
 * softmax experiments. {@link dev.licnn.experiments.report.ResultsReport} computes the summaries,
 * {@link dev.licnn.experiments.report.Verdicts} judges the paper's claims by rules fixed in
 * advance, and {@link dev.licnn.experiments.report.Report} writes the Markdown.
 *
 * <p>It reads files only: it must not import the client, the contract, picocli, the server, DJL or
 * the engine.
 */
package dev.licnn.experiments.report;
