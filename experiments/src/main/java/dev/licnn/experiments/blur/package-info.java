/**
 * {@code experiment blur}: the paper's background-blur experiment with its controls. {@link
 * dev.licnn.experiments.blur.BlurExperiment} runs it through a {@code ServerConnector}; {@link
 * dev.licnn.experiments.blur.BlurRegion} and {@link dev.licnn.experiments.blur.BlurVariants} make
 * the images; {@link dev.licnn.experiments.blur.BlurReport} computes the tables and tests from the
 * per-image records, and {@link dev.licnn.experiments.blur.BlurReportFiles} formats and writes
 * them.
 *
 * <p>It uses the client, the contract, {@code data}, {@code measure}, {@code imaging} and {@code
 * stats}. It must not import picocli, the server, DJL or the engine's network and LICNN packages.
 */
package dev.licnn.experiments.blur;
