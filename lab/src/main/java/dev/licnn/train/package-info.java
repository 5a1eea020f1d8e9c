/**
 * Training a VGG classifier on the generated dataset ({@code dev.licnn.dataset}) with DJL's PyTorch
 * engine on the CPU, and exporting it as a model folder the server loads: torchvision parameter
 * names in safetensors, {@code model.json} and {@code labels.json}.
 *
 * <p>The network is built from a {@link dev.licnn.engine.model.VggSpec} as a DJL block, trained
 * with Adam on softmax cross-entropy, and its parameters are copied, in order, into a {@link
 * dev.licnn.engine.model.StateDict} so that {@link dev.licnn.engine.model.VggNetwork} computes the
 * same logits. This package must not import gRPC ({@code io.grpc}) or the server.
 */
package dev.licnn.train;
