/**
 * Measures of maps and images: localisation of a map against an object mask ({@link
 * dev.licnn.experiments.measure.Localisation}, {@link dev.licnn.experiments.measure.Masks}),
 * structural similarity ({@link dev.licnn.experiments.measure.Ssim}) and histograms of oriented
 * gradients ({@link dev.licnn.experiments.measure.Hog}).
 *
 * <p>Pure computation on arrays: it must not import the client, the contract, the other experiments
 * packages, DJL or the engine.
 */
package dev.licnn.experiments.measure;
