/**
 * A deterministic, generated image-classification dataset with exact object masks and a built-in
 * background bias, for training and checking saliency methods without ImageNet.
 *
 * <p>Each image shows one object of a {@link dev.licnn.dataset.ShapeClass} (filled with a solid
 * colour, stripes, dots or a gradient) on top of a textured {@link
 * dev.licnn.dataset.BackgroundFamily} and small distractor clutter. The object's pixels are exactly
 * the pixels of its mask. Every class has an "own" background family: in the {@code train} and
 * {@code natural} splits an object usually comes on its own family, in {@code adversarial} it
 * always comes on another class's family (see {@link dev.licnn.dataset.Split}).
 *
 * <p>Generation is pure Java2D and depends only on the seed and the image's split and index, so a
 * seed reproduces byte-identical PNG files. This package must not import DJL ({@code ai.djl}), gRPC
 * ({@code io.grpc}) or the engine ({@code dev.licnn.engine}).
 */
package dev.licnn.dataset;
