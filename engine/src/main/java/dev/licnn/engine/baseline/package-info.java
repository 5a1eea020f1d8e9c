/**
 * Baseline attribution methods (plain gradient, gradient x input, integrated gradients, SmoothGrad,
 * Grad-CAM) computed with the LICNN engine's network and listener protocol, for comparison with
 * LICNN maps. Definitions follow Captum and pytorch-grad-cam; see {@link
 * dev.licnn.engine.baseline.Method}.
 *
 * <p>This package is transport-neutral: it must not import gRPC (or generated protobuf) types.
 * Every {@link ai.djl.ndarray.NDArray} it creates belongs to a per-call sub-manager of the
 * network's manager and is closed before a call returns.
 */
package dev.licnn.engine.baseline;
