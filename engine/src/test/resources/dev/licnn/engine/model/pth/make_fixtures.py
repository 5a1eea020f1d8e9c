#!/usr/bin/env python3
"""Makes the small PyTorch files the .pth reader tests use (run with Debian's python3-torch).

tensors.pth: views, dtypes and a 0-d counter with known values.
tiny_vgg.pth: the parameters of ../../../../../tiny/tiny_vgg.pt, saved with torch.save.
whole-model.pth: torch.save of a module (not a state dict), which the reader must refuse.
Usage: cd engine/src/test/resources/dev/licnn/engine/model/pth && python3 make_fixtures.py
"""
import collections

import torch
from torch import nn

torch.manual_seed(0)
base = torch.arange(6, dtype=torch.float32)
tensors = collections.OrderedDict()
tensors["transposed"] = base.reshape(2, 3).t()  # strides (1, 3): [[0, 3], [1, 4], [2, 5]]
tensors["offset"] = base[2:]  # shares the storage at offset 2: [2, 3, 4, 5]
tensors["half"] = torch.tensor([1.5, -2.0, 65504.0, 0.0], dtype=torch.float16)
tensors["bfloat16"] = torch.tensor([1.0, -0.5], dtype=torch.bfloat16)
tensors["double"] = torch.tensor([[0.25]], dtype=torch.float64)
tensors["num_batches_tracked"] = torch.tensor(7)
torch.save(tensors, "tensors.pth")

# The state dict of the TorchScript fixture beside the safetensors one (src/test/resources/tiny).
scripted = torch.jit.load("../../../../../tiny/tiny_vgg.pt")
torch.save(collections.OrderedDict(scripted.state_dict()), "tiny_vgg.pth")

classifier = nn.Sequential(nn.Linear(4, 2), nn.ReLU(True), nn.Linear(2, 2))
torch.save(classifier, "whole-model.pth")
