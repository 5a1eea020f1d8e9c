/**
 * Networks, model weights and class labels. The seam where an architecture plugs in: {@link
 * dev.licnn.engine.model.Architecture} (the layer walk: feature ReLUs with names, module paths and
 * shapes; torchvision parameter names) and {@link dev.licnn.engine.model.FeatureNetwork} (forward
 * with a hook at every feature ReLU, classifier), implemented for VGG ({@code VggSpec}, {@code
 * VggNetwork}) and ResNet ({@code ResNetSpec}, {@code ResNetNetwork}) and registered in {@link
 * dev.licnn.engine.model.Architectures}. Also: safetensors reading and writing, TorchScript
 * parameter extraction, PyTorch state dicts ({@code .pth}) through a restricted pickle reader, name
 * conversion from timm to torchvision VGG layouts, shape validation with one-line explanations,
 * seeded torchvision-style initialisation, label tables, and the model folder ({@code model.json},
 * checked against the JSON Schemas shipped beside these classes).
 *
 * <p>This package is transport-neutral: it must not import gRPC (or generated protobuf) types.
 * Every {@link ai.djl.ndarray.NDArray} it creates belongs to a caller-provided {@link
 * ai.djl.ndarray.NDManager} (or a sub-manager of it) or is closed before returning.
 */
package dev.licnn.engine.model;
