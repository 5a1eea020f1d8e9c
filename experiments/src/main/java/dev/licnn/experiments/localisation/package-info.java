/**
 * {@code experiment localisation}: how well saliency maps locate the objects of a dataset with
 * masks (pointing game, energy, IoU, AUC), per split and method, with a centred baseline. {@link
 * dev.licnn.experiments.localisation.LocalisationExperiment} runs it; {@link
 * dev.licnn.experiments.localisation.LocalisationStats} makes its table.
 *
 * <p>It uses the client, {@code data}, {@code measure} and {@code stats}. It must not import
 * picocli, the server, DJL or the engine's network and LICNN packages.
 */
package dev.licnn.experiments.localisation;
