#!/usr/bin/env python3
"""Regenerates the tiny VGG-like fixtures used by the model-weight tests.

Writes, next to the Java test resources:
  tiny/tiny_vgg.pt           TorchScript module traced from a torchvision-style VGG layout
  tiny/tiny_vgg.safetensors  its state_dict, written without the safetensors package

Run from the repository root:  /usr/bin/python3 engine/src/test/python/make_tiny_torchscript.py
Only PyTorch is needed (tested with 1.13). The outputs are committed because CI has no PyTorch.
"""
import json
import os
import struct

import torch
from torch import nn

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "tiny")


class TinyVgg(nn.Module):
    """Same module names as torchvision.models.VGG, scaled down."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 4, kernel_size=3, padding=1),   # features.0
            nn.ReLU(inplace=True),
            nn.Conv2d(4, 4, kernel_size=3, padding=1),   # features.2
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=2, stride=2),
        )
        self.avgpool = nn.AdaptiveAvgPool2d((2, 2))
        self.classifier = nn.Sequential(
            nn.Linear(4 * 2 * 2, 8),                     # classifier.0
            nn.ReLU(True),
            nn.Dropout(),
            nn.Linear(8, 8),                             # classifier.3
            nn.ReLU(True),
            nn.Dropout(),
            nn.Linear(8, 5),                             # classifier.6
        )

    def forward(self, x):
        x = self.features(x)
        x = self.avgpool(x)
        x = torch.flatten(x, 1)
        return self.classifier(x)


DTYPES = {torch.float32: "F32", torch.int64: "I64"}


def write_safetensors(path, tensors, metadata):
    header = {"__metadata__": metadata}
    offset = 0
    blobs = []
    for name, t in tensors.items():
        data = t.detach().contiguous().cpu().numpy().tobytes()
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    raw = json.dumps(header, separators=(",", ":")).encode("utf-8")
    raw += b" " * (-len(raw) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for b in blobs:
            f.write(b)


def main():
    torch.manual_seed(20240601)
    model = TinyVgg().eval()
    example = torch.randn(1, 3, 8, 8)
    traced = torch.jit.trace(model, example)
    os.makedirs(OUT, exist_ok=True)
    traced.save(os.path.join(OUT, "tiny_vgg.pt"))
    write_safetensors(os.path.join(OUT, "tiny_vgg.safetensors"), model.state_dict(),
                      {"format": "pt", "source": "make_tiny_torchscript.py"})


if __name__ == "__main__":
    main()
