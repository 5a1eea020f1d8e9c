/**
 * {@code licnn experiment} and its subcommands ({@code blur}, {@code sanity}, {@code softmax},
 * {@code localisation}, {@code report}): picocli options wired to the drivers of the experiments
 * module, with the CLI's connection handed to them as a {@code ServerConnector}.
 *
 * <p>A command here only wires: it must not import statistics, measures or imaging ({@code
 * dev.licnn.experiments.stats}, {@code measure}, {@code imaging}), AWT or ImageIO, Gson, the
 * contract or the client; the CLI's {@code ArchitectureTest} checks this.
 */
package dev.licnn.cli.experiment;
