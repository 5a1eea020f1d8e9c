/**
 * {@code experiment softmax}: LICNN attention maps of each image's top-k classes with the score
 * back-propagated after softmax and before it. {@link
 * dev.licnn.experiments.softmax.SoftmaxExperiment} runs it; {@link
 * dev.licnn.experiments.softmax.SoftmaxStats} compares the two.
 *
 * <p>It uses the client, the contract, {@code data}, {@code measure}, {@code imaging}, {@code
 * stats} and the blur experiment's variants and report. It must not import picocli, the server, DJL
 * or the engine's network and LICNN packages.
 */
package dev.licnn.experiments.softmax;
