/**
 * Networks, model weights and class labels. The seam where an architecture plugs in: {@link
 * dev.licnn.engine.model.Architecture} (the layer walk: feature ReLUs with names, module paths and
 * shapes; torchvision parameter names) and {@link dev.licnn.engine.model.FeatureNetwork} (forward
 * with a hook at every feature ReLU, classifier), implemented for VGG ({@code VggSpec}, {@code
 * VggNetwork}) and ResNet ({@code ResNetSpec}, {@code ResNetNetwork}) and registered in {@link
 * dev.licnn.engine.model.Architectures}. Also: safetensors reading and writing, TorchScript
 * parameter extraction, name conversion from timm to torchvision VGG layouts, shape validation,
 * seeded torchvision-style initialisation and label tables.
 *
 * <p>This package is transport-neutral: it must not import gRPC (or generated protobuf) types.
 * Every {@link ai.djl.ndarray.NDArray} it creates belongs to a caller-provided {@link
 * ai.djl.ndarray.NDManager} (or a sub-manager of it) or is closed before returning.
 */
package dev.licnn.engine.model;
