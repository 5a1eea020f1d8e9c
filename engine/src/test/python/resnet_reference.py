"""Reference LICNN on torchvision ResNets, by forward hooks on the network's ReLU modules.

The definition is docs/LICNN.md, section "ResNets". Steps 2-6 (score, back-propagation,
Max-C, lateral inhibition, gate, masked pass, attention) are licnn_reference.py's, unchanged;
this file supplies only the network walk that they call:

  FeatureRelus(model)(model, x, keep) -> (logits, [A_0, A_1, ...])

It runs torchvision's own forward (ResNet._forward_impl, BasicBlock.forward,
Bottleneck.forward) and sees the feature ReLUs through forward hooks on the `nn.ReLU`
modules. torchvision reuses one `relu` module per block (two calls in a BasicBlock, three in a
Bottleneck) and one in the stem; the hook counts the calls of each module within one forward
pass, names each call (`relu`, `layerS.b.relu1`, `layerS.b.relu2`, `layerS.b.relu_out`) and,
for the masked second pass, returns the call's output times keep[l] in place of the output,
so everything downstream (the next conv, the max-pool, the skip connection) reads the masked
values. After each pass it checks that every module was called as often as its block says.

Nothing here knows the Java engine. Written for torch 1.13 / torchvision 0.14 (Debian).
"""

import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F
from torchvision.models.resnet import BasicBlock, Bottleneck, ResNet

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import licnn_reference  # noqa: E402
from licnn_reference import Options  # noqa: E402,F401  (re-exported for the scripts)

BN_EPS = 1e-5


class NarrowResNet(ResNet):
    """torchvision's ResNet with every width scaled: stem and layer1 `width` channels, layerS
    `width * 2^(S-1)` planes (torchvision: width 64). Built with torchvision's own
    `ResNet._make_layer`, `BasicBlock` and `Bottleneck`, so the module names, the forward and
    the state-dict names are torchvision's; with width 64 and 1000 classes the state dict has
    exactly the keys and shapes of `torchvision.models.resnet18()` / `resnet50()`.

    ResNet.__init__ is not called because it fixes the widths at 64; the attributes it sets
    and `_make_layer` reads are set here instead. Every ReLU is made out-of-place so that the
    hooks below see each call's own output tensor.
    """

    def __init__(self, block, layers, width=64, num_classes=1000):
        nn.Module.__init__(self)
        self._norm_layer = nn.BatchNorm2d
        self.dilation = 1
        self.groups = 1
        self.base_width = 64
        self.inplanes = width
        self.conv1 = nn.Conv2d(3, width, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.relu = nn.ReLU(inplace=False)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(block, width, layers[0])
        self.layer2 = self._make_layer(block, 2 * width, layers[1], stride=2)
        self.layer3 = self._make_layer(block, 4 * width, layers[2], stride=2)
        self.layer4 = self._make_layer(block, 8 * width, layers[3], stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(8 * width * block.expansion, num_classes)
        make_relus_out_of_place(self)


def make_relus_out_of_place(model):
    for mod in model.modules():
        if isinstance(mod, nn.ReLU):
            mod.inplace = False
    return model


def blocks(model):
    """(name, block) of every residual block, in execution order."""
    out = []
    for s in range(1, 5):
        for b, blk in enumerate(getattr(model, f"layer{s}")):
            out.append((f"layer{s}.{b}", blk))
    return out


def relu_calls(block):
    """Names of the calls of a block's `relu` module, in order (docs/LICNN.md, Feature ReLUs)."""
    if isinstance(block, Bottleneck):
        return ["relu1", "relu2", "relu_out"]
    if isinstance(block, BasicBlock):
        return ["relu1", "relu_out"]
    raise TypeError(f"not a torchvision residual block: {type(block).__name__}")


def feature_relu_names(model):
    """Names of the feature ReLUs in execution order, from the module paths alone."""
    names = ["relu"]
    for name, blk in blocks(model):
        names += [f"{name}.{c}" for c in relu_calls(blk)]
    return names


class FeatureRelus:
    """Forward hooks on every `nn.ReLU` of a torchvision ResNet; a callable network walk.

    calls[path] counts the calls of the module at `path` in the current pass; the hook names
    the call `path` (stem) or `layerS.b.<relu1|relu2|relu_out>` (block), records its output in
    execution order and, when keep[l] is given, returns output * keep[l] instead. Plain
    `model(x)` calls outside a walk pass through untouched.
    """

    def __init__(self, model):
        self.model = model
        self.expected = {"relu": ["relu"]}
        for name, blk in blocks(model):
            self.expected[f"{name}.relu"] = [f"{name}.{c}" for c in relu_calls(blk)]
        self.handles = []
        for path, mod in model.named_modules():
            if isinstance(mod, nn.ReLU):
                if path not in self.expected:
                    raise ValueError(f"ReLU module '{path}' is not part of a torchvision ResNet")
                if mod.inplace:
                    raise ValueError(f"ReLU module '{path}' is in-place; use make_relus_out_of_place")
                self.handles.append(mod.register_forward_hook(self._hook(path)))
        if len(self.handles) != len(self.expected):
            raise ValueError("a ResNet's stem or block has no `relu` module")
        self.active = False
        self.calls = {}
        self.names = []
        self.outputs = []
        self.keep = None

    def _hook(self, path):
        def hook(_mod, _inp, out):
            if not self.active:
                return None
            k = self.calls[path]
            self.calls[path] = k + 1
            if k >= len(self.expected[path]):
                raise RuntimeError(f"'{path}' called {k + 1} times in one pass, "
                                   f"expected {len(self.expected[path])}")
            l = len(self.outputs)
            if self.keep is not None and self.keep[l] is not None:
                out = out * self.keep[l]
            self.names.append(self.expected[path][k])
            self.outputs.append(out)
            return out
        return hook

    def __call__(self, model, x, keep=None):
        """One pass: (logits, outputs of the feature ReLUs after masking)."""
        if model is not self.model:
            raise ValueError("the hooks belong to another model")
        self.calls = {p: 0 for p in self.expected}
        self.names, self.outputs, self.keep = [], [], keep
        self.active = True
        try:
            logits = model(x)
        finally:
            self.active = False
            self.keep = None
        for p, names in self.expected.items():
            if self.calls[p] != len(names):
                raise RuntimeError(f"'{p}' called {self.calls[p]} times, expected {len(names)}")
        if self.names != feature_relu_names(model):
            raise RuntimeError(f"feature ReLUs ran in an unexpected order: {self.names}")
        acts, self.outputs = self.outputs, []
        return logits, acts

    def close(self):
        for h in self.handles:
            h.remove()
        self.handles = []


def licnn(model, x, opt=None, run=None):
    """licnn_reference.licnn on a ResNet (run: a FeatureRelus of model)."""
    return licnn_reference.licnn(model, x, opt, run or FeatureRelus(model))


def licnn_batched(model, x, opt=None, run=None):
    return licnn_reference.licnn_batched(model, x, opt, run or FeatureRelus(model))


def grad_cam(run, model, x, c, score):
    """Grad-CAM at the last feature ReLU (the last block's relu_out): ReLU(sum_c mean_hw(dS/dA_c)
    A_c), bilinear (align_corners=False) to the input size. Signature of make_golden_baselines'
    methods after binding run."""
    xg = x.clone().requires_grad_(True)
    logits, acts = run(model, xg)
    a = acts[-1]
    g = torch.autograd.grad(score(logits, c).sum(), a)[0]
    w = g.mean(dim=(2, 3))
    cam = F.relu((w[:, :, None, None] * a.detach()).sum(dim=1, keepdim=True))
    return F.interpolate(cam, size=x.shape[2:], mode="bilinear", align_corners=False)[0, 0]


def fold_batch_norm(model):
    """A copy of model with every BatchNorm2d folded into the conv before it (eval mode):
    W' = W * g, b' = beta - mean * g, g = weight / sqrt(var + eps). The BNs become identities."""
    import copy
    m = copy.deepcopy(model).eval()
    pairs = [(m, "conv1", "bn1")]
    for _name, blk in blocks(m):
        for i in (1, 2, 3):
            if hasattr(blk, f"conv{i}"):
                pairs.append((blk, f"conv{i}", f"bn{i}"))
        if blk.downsample is not None:
            pairs.append((blk.downsample, "0", "1"))
    with torch.no_grad():
        for owner, conv_name, bn_name in pairs:
            conv = owner._modules[conv_name]
            bn = owner._modules[bn_name]
            g = bn.weight / torch.sqrt(bn.running_var + bn.eps)
            folded = nn.Conv2d(conv.in_channels, conv.out_channels, conv.kernel_size,
                               conv.stride, conv.padding, bias=True)
            folded.weight.copy_(conv.weight * g[:, None, None, None])
            folded.bias.copy_(bn.bias - bn.running_mean * g)
            owner._modules[conv_name] = folded
            owner._modules[bn_name] = nn.Identity()
    for p in m.parameters():
        p.requires_grad_(False)
    return m
