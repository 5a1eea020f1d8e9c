"""Golden fixtures of the baseline attribution methods (gradient, gradient x input, integrated
gradients, SmoothGrad, Grad-CAM) on the narrow VGG-16 of the LICNN fixtures.

Run from the repository root, after make_golden.py:
    /usr/bin/python3 engine/src/test/python/make_golden_baselines.py

Reads weights.safetensors and the img0/img1 inputs of cases.safetensors; writes
baselines.safetensors (see golden/README.md). Written independently of the Java engine, with
PyTorch autograd and module hooks in the style of Captum / pytorch-grad-cam.

Conventions (each per-class map is L2-normalised, an all-zero map stays zero; the saliency map
is the L2-normalised sum of the per-class maps):
  gradient          max_c |dS/dx|
  gradient_x_input  sum_c dS/dx * x
  integrated_grads  sum_c (x - x0) * mean_i dS/dx(x0 + a_i (x - x0)), a_i = (i + 0.5) / m
                    (midpoint Riemann), x0 = black after ImageNet normalisation
  smoothgrad        max_c |mean_s dS/dx(x + e_s)|, e_s ~ N(0, sigma^2) from the shared
                    SplitMix64 / Box-Muller generator, sigma = level * (max(x) - min(x))
  grad_cam          ReLU(sum_c mean_hw(dS/dA_c) A_c) at features[29] (the last feature ReLU),
                    F.interpolate(bilinear, align_corners=False) to 224 x 224
S = softmax(logits)[c] (or the raw logit), for each of the top-3 classes of the logits.
"""

import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_golden import MEAN, OUT_DIR, STD, NarrowVGG, read_safetensors, write_safetensors  # noqa: E402

TOP_K = 3
IG_STEPS = 16
SG_SAMPLES = 8
NOISE_LEVEL = 0.15
SEED = 0
CAM_MODULE = 29  # features[29]: the last feature ReLU
NOISE_HEAD = 1024

# ---------------------------------------------------------------- shared noise generator

U64 = np.uint64
GAMMA = U64(0x9E3779B97F4A7C15)


def mix64(z):
    z = (z ^ (z >> U64(30))) * U64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> U64(27))) * U64(0x94D049BB133111EB)
    return z ^ (z >> U64(31))


def uniforms(seed, k):
    """Uniform k (uint64 array) of stream seed: (mix64(seed + (k+1)*GAMMA) >> 11) * 2^-53."""
    z = U64(seed % (1 << 64)) + (k + U64(1)) * GAMMA
    return (mix64(z) >> U64(11)).astype(np.float64) * 2.0 ** -53


def normals(seed, n):
    """Standard normals 0..n-1 (Box-Muller on consecutive uniform pairs), float64."""
    pairs = (n + 1) // 2
    k = np.arange(pairs, dtype=np.uint64)
    u1 = uniforms(seed, U64(2) * k)
    u2 = uniforms(seed, U64(2) * k + U64(1))
    r = np.sqrt(-2.0 * np.log(1.0 - u1))
    theta = 2.0 * np.pi * u2
    out = np.empty(2 * pairs)
    out[0::2] = r * np.cos(theta)
    out[1::2] = r * np.sin(theta)
    return out[:n]


# ---------------------------------------------------------------- methods

def score_fn(after_softmax):
    def score(logits, c):
        return F.softmax(logits, dim=1)[:, c] if after_softmax else logits[:, c]
    return score


def input_grad(model, inputs, c, score):
    inputs = inputs.clone().requires_grad_(True)
    s = score(model(inputs), c).sum()
    return torch.autograd.grad(s, inputs)[0]


def l2n(m):
    n = torch.sqrt((m.double() ** 2).sum())
    return (m.double() / n).float() if n > 0 else m.clone()


def gradient(model, x, c, score, **_):
    return input_grad(model, x, c, score).abs().amax(dim=1)[0]


def gradient_x_input(model, x, c, score, **_):
    return (input_grad(model, x, c, score) * x).sum(dim=1)[0]


def black_baseline():
    mean = torch.tensor(MEAN, dtype=torch.float32)
    std = torch.tensor(STD, dtype=torch.float32)
    return ((0 - mean) / std).view(1, 3, 1, 1)


def integrated_gradients(model, x, c, score, **_):
    x0 = black_baseline()
    alphas = ((torch.arange(IG_STEPS, dtype=torch.float64) + 0.5) / IG_STEPS).float()
    path = x0 + alphas.view(-1, 1, 1, 1) * (x - x0)
    g = input_grad(model, path, c, score).mean(dim=0, keepdim=True)
    return ((x - x0) * g).sum(dim=1)[0]


def smoothgrad(model, x, c, score, noise, **_):
    g = input_grad(model, x + noise, c, score).mean(dim=0, keepdim=True)
    return g.abs().amax(dim=1)[0]


def grad_cam(model, x, c, score, **_):
    store = {}

    def fwd(_mod, _inp, out):
        store["act"] = out.detach()
        out.register_hook(lambda g: store.__setitem__("grad", g.detach()))

    handle = model.features[CAM_MODULE].register_forward_hook(fwd)
    try:
        x = x.clone().requires_grad_(True)  # so the hooked output is part of a graph
        s = score(model(x), c).sum()
        s.backward()
    finally:
        handle.remove()
    weights = store["grad"].mean(dim=(2, 3))
    cam = F.relu((weights[:, :, None, None] * store["act"]).sum(dim=1, keepdim=True))
    return F.interpolate(cam, size=x.shape[2:], mode="bilinear", align_corners=False)[0, 0]


METHODS = {
    "gradient": gradient,
    "gradient_x_input": gradient_x_input,
    "integrated_gradients": integrated_gradients,
    "smoothgrad": smoothgrad,
    "grad_cam": grad_cam,
}


def explain(model, x, method, after_softmax=True):
    """Top-3 classes of the logits, their L2-normalised maps [3,H,W] and the saliency map."""
    with torch.no_grad():
        logits = model(x)[0]
    topk = torch.topk(logits, TOP_K).indices
    sigma = NOISE_LEVEL * (float(x.max()) - float(x.min()))
    n = x.numel()
    noise = torch.from_numpy((sigma * normals(SEED, SG_SAMPLES * n)).astype(np.float32)).view(SG_SAMPLES, *x.shape[1:])
    maps = torch.stack([l2n(METHODS[method](model, x, int(c), score_fn(after_softmax), noise=noise)) for c in topk])
    return topk, logits, maps, l2n(maps.double().sum(dim=0).float())


def main():
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    weights, _ = read_safetensors(os.path.join(OUT_DIR, "weights.safetensors"))
    cases, _ = read_safetensors(os.path.join(OUT_DIR, "cases.safetensors"))
    model = NarrowVGG()
    model.load_state_dict(weights)
    model.eval()
    for p in model.parameters():
        p.requires_grad_(False)

    out = {"noise.seed0.head": torch.from_numpy(normals(SEED, NOISE_HEAD).astype(np.float32))}
    for i, per_class in ((0, True), (1, False)):
        x = cases[f"img{i}.input"]
        for method in METHODS:
            if not per_class and method in ("gradient", "gradient_x_input"):
                continue
            topk, logits, maps, sal = explain(model, x, method)
            out[f"img{i}.topk"] = topk.to(torch.int64)
            out[f"img{i}.logits"] = logits
            if per_class:
                out[f"img{i}.{method}.maps"] = maps
            else:
                out[f"img{i}.{method}.saliency"] = sal
            print(f"img{i} {method}: top-{TOP_K} {topk.tolist()}, saliency max {float(sal.max()):.4f}")
    topk, _, _, sal = explain(model, cases["img0.input"], "gradient", after_softmax=False)
    out["img0.gradient_logit.saliency"] = sal
    print(f"img0 gradient (logit): top-{TOP_K} {topk.tolist()}")

    meta = {
        "settings": json.dumps({"top_k": TOP_K, "ig_steps": IG_STEPS, "ig_baseline": "black (ImageNet)",
                                "ig_rule": "midpoint", "sg_samples": SG_SAMPLES, "noise_level": NOISE_LEVEL,
                                "seed": SEED, "grad_cam_module": f"features[{CAM_MODULE}]",
                                "normalisation": "L2 per class map; saliency = L2(sum)"}),
        "torch": torch.__version__,
    }
    path = os.path.join(OUT_DIR, "baselines.safetensors")
    write_safetensors(path, out, meta)
    print(f"{path}: {os.path.getsize(path)} bytes")


if __name__ == "__main__":
    main()
