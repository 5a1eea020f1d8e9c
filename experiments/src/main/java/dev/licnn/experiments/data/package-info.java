/**
 * The images an experiment looks at: {@link dev.licnn.experiments.data.ImageFolder} (an ImageFolder
 * layout or a dataset's {@code manifest.csv}, read by lab's one manifest reader), {@link
 * dev.licnn.experiments.data.ImageSelection} and its seeded class-stratified {@link
 * dev.licnn.experiments.data.Sample}, and {@link dev.licnn.experiments.data.ModelInput}, the
 * server's resize and crop reproduced on the client so that edited pixels line up with the maps.
 *
 * <p>It uses the dataset's manifest, the engine's {@code image} package and the contract. It must
 * not import picocli, the server, DJL or any other engine package.
 */
package dev.licnn.experiments.data;
