/**
 * Pictures and files for the reports: heatmaps and overlays ({@link
 * dev.licnn.experiments.imaging.Pictures}), grids with captions ({@link
 * dev.licnn.experiments.imaging.Montage}), line charts ({@link
 * dev.licnn.experiments.imaging.LineChart}), Pillow's Gaussian blur reproduced bit for bit ({@link
 * dev.licnn.experiments.imaging.PillowBlur}) and NumPy's {@code .npy} format ({@link
 * dev.licnn.experiments.imaging.Npy}).
 *
 * <p>Plain Java2D and I/O: it must not import the client, the contract, the experiments, DJL or the
 * engine.
 */
package dev.licnn.experiments.imaging;
