/**
 * Image decoding and torchvision-style pre-processing for the saliency engine.
 *
 * <p>This package turns untrusted PNG or JPEG bytes into a normalised {@code [3, H, W]} float
 * tensor (plus the cropped RGB pixels used later for overlays), and validates tensors that clients
 * send already prepared. Entry point: {@link dev.licnn.engine.image.ImagePreprocessor}.
 *
 * <p>It is pure Java ({@code javax.imageio} and {@code java.awt.image} only) and must not import
 * gRPC or DJL types, so that it can be tested and reused without the server or a native engine.
 * Every problem with the input surfaces as a {@link dev.licnn.engine.image.InvalidImageException}.
 */
package dev.licnn.engine.image;
