/**
 * LICNN itself (docs/LICNN.md): the first pass, the Max-C maps of each rank's gradient, lateral
 * inhibition and the gate (in Java or as tensors), the masked second pass, and the attention and
 * saliency maps, for a group of jobs at a time.
 *
 * <p>Every {@link ai.djl.ndarray.NDArray} it creates belongs to a per-call sub-manager closed
 * before the call returns. It must not import gRPC, the server or the batcher, and the baselines
 * and the shared explaining types ({@code dev.licnn.engine.baseline}, {@code
 * dev.licnn.engine.explain}) must not import it.
 */
package dev.licnn.engine.licnn;
