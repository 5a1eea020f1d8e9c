#!/usr/bin/env python3
"""Regenerates the ResNet forward fixtures used by ResNetModelTest.

Writes engine/src/test/resources/resnet/forward.safetensors: two narrow torchvision ResNets
(ResNet-18 and ResNet-50 layouts, every width divided by 16, 10 classes) with random weights and
random batch-norm statistics, two 112x112 inputs, the logits, and the Sum-C map (sum over
channels) of every feature ReLU call in execution order. torchvision reuses one `relu` module per
block, so a forward hook counts its calls: each call is one feature ReLU (docs/LICNN.md,
"ResNets").

A second, masked pass multiplies the output of every feature ReLU call but the last by a fixed
random 0/1 map (all channels), through the hook's return value, as LICNN's step 4 does: whatever
reads that call's output downstream (the next conv, the stem's max-pool, a block's skip) reads
the masked one.

Tensor names: `<net>.<param>` (torchvision state-dict names), `input`, `<net>.logits`,
`<net>.relu.<l>` (N x H x W) for feature ReLU l; `<net>.keep.<l>` (N x 1 x H x W, l < last),
`<net>.masked.logits`, `<net>.masked.relu.<l>`. Nets: `r18`, `r50`.

Run from the repository root: /usr/bin/python3 engine/src/test/python/make_resnet_forward.py
Only PyTorch and torchvision are needed (tested with 1.13 / 0.14). The output is committed
because CI has no PyTorch.
"""
import os
import sys

import torch
from torch import nn
from torchvision.models import resnet

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_golden import write_safetensors  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "resnet",
                   "forward.safetensors")
DIVISOR = 16
CLASSES = 10
SIDE = 112


def narrow(block, layers):
    """torchvision's ResNet with the stem and the stage widths divided by DIVISOR, built from
    torchvision's own blocks and _make_layer."""
    net = resnet.ResNet(block, layers, num_classes=CLASSES)
    stem = 64 // DIVISOR
    net.inplanes = stem
    net.conv1 = nn.Conv2d(3, stem, kernel_size=7, stride=2, padding=3, bias=False)
    net.bn1 = nn.BatchNorm2d(stem)
    planes = [p // DIVISOR for p in (64, 128, 256, 512)]
    net.layer1 = net._make_layer(block, planes[0], layers[0])
    net.layer2 = net._make_layer(block, planes[1], layers[1], stride=2)
    net.layer3 = net._make_layer(block, planes[2], layers[2], stride=2)
    net.layer4 = net._make_layer(block, planes[3], layers[3], stride=2)
    net.fc = nn.Linear(planes[3] * block.expansion, CLASSES)
    for m in net.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
        elif isinstance(m, nn.BatchNorm2d):
            # Random statistics, so that folding batch norm is exercised.
            with torch.no_grad():
                m.weight.uniform_(0.5, 1.5)
                m.bias.normal_(0, 0.1)
                m.running_mean.normal_(0, 0.1)
                m.running_var.uniform_(0.5, 1.5)
    return net.eval()


def relu_calls(net, x, keeps=None):
    """Outputs of every ReLU call before the global pool, in execution order; with keeps, each
    call's output but the last is multiplied by its keep map."""
    calls = []

    def hook(_module, _inputs, output):
        if keeps is not None and len(calls) < len(keeps):
            output = output * keeps[len(calls)]
        calls.append(output.detach().clone())
        return output

    handles = [m.register_forward_hook(hook) for m in net.modules() if isinstance(m, nn.ReLU)]
    with torch.no_grad():
        logits = net(x)
    for h in handles:
        h.remove()
    return logits, calls


def main():
    torch.manual_seed(2026)
    x = torch.randn(2, 3, SIDE, SIDE)
    tensors = {"input": x}
    for name, block, layers in [("r18", resnet.BasicBlock, [2, 2, 2, 2]),
                                ("r50", resnet.Bottleneck, [3, 4, 6, 3])]:
        net = narrow(block, layers)
        for k, v in net.state_dict().items():
            if not k.endswith("num_batches_tracked"):
                tensors[f"{name}.{k}"] = v
        logits, calls = relu_calls(net, x)
        tensors[f"{name}.logits"] = logits
        for i, a in enumerate(calls):
            tensors[f"{name}.relu.{i}"] = a.sum(dim=1)
        gen = torch.Generator().manual_seed(7)
        keeps = [(torch.rand(a.shape[0], 1, a.shape[2], a.shape[3], generator=gen) > 0.3).float()
                 for a in calls[:-1]]
        masked, mcalls = relu_calls(net, x, keeps)
        tensors[f"{name}.masked.logits"] = masked
        for i, a in enumerate(mcalls):
            tensors[f"{name}.masked.relu.{i}"] = a.sum(dim=1)
        for i, k in enumerate(keeps):
            tensors[f"{name}.keep.{i}"] = k
        print(name, "feature ReLU calls:", len(calls), "logits", logits[0, :3].tolist())
    write_safetensors(OUT, tensors, {"how": "make_resnet_forward.py, torch " + torch.__version__})


if __name__ == "__main__":
    main()
