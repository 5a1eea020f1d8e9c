/**
 * Model weights and class labels: safetensors reading and writing, TorchScript parameter
 * extraction, PyTorch state dicts ({@code .pth}) through a restricted pickle reader, name
 * conversion from timm to torchvision VGG layouts, shape validation with one-line explanations,
 * seeded torchvision-style initialisation, label tables, and the model folder ({@code model.json},
 * checked against the JSON Schemas shipped beside these classes).
 *
 * <p>This package is transport-neutral: it must not import gRPC (or generated protobuf) types.
 * Every {@link ai.djl.ndarray.NDArray} it creates belongs to a caller-provided {@link
 * ai.djl.ndarray.NDManager} (or a sub-manager of it) or is closed before returning.
 */
package dev.licnn.engine.model;
