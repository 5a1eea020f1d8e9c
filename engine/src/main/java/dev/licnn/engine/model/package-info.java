/**
 * Model weights and class labels: safetensors reading and writing, TorchScript parameter
 * extraction, name conversion from timm to torchvision VGG layouts, shape validation, seeded
 * torchvision-style initialisation and label tables.
 *
 * <p>This package is transport-neutral: it must not import gRPC (or generated protobuf) types.
 * Every {@link ai.djl.ndarray.NDArray} it creates belongs to a caller-provided {@link
 * ai.djl.ndarray.NDManager} (or a sub-manager of it) or is closed before returning.
 */
package dev.licnn.engine.model;
