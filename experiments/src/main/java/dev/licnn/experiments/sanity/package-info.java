/**
 * {@code experiment sanity}: the model parameter randomisation test (Adebayo et al. 2018). {@link
 * dev.licnn.experiments.sanity.SanityExperiment} runs it through a {@code ServerConnector}, {@link
 * dev.licnn.experiments.sanity.Randomisation} names the layers randomised from the top down, and
 * {@link dev.licnn.experiments.sanity.SanityStats} and {@link
 * dev.licnn.experiments.sanity.SanityReport} measure and write it.
 *
 * <p>It uses the client, the contract, {@code data}, {@code measure}, {@code imaging} and {@code
 * stats}. It must not import picocli, the server, DJL or the engine's network and LICNN packages.
 */
package dev.licnn.experiments.sanity;
