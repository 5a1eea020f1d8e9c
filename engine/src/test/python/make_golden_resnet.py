"""Generate the golden ResNet fixtures under engine/src/test/resources/golden/resnet/.

Run from the repository root:
    /usr/bin/python3 engine/src/test/python/make_golden_resnet.py [--out DIR]

then golden_tolerances_resnet.py. Writes (see golden/README.md, section "ResNet fixtures"):
    resnet/inputs.safetensors                   img0.input, img1.input  [1,3,129,129]
    resnet/<net>/weights.safetensors            torchvision state dict (narrow widths)
    resnet/<net>/cases.safetensors              LICNN outputs and intermediates
    resnet/<net>/baselines.safetensors          baseline attribution maps
for <net> in resnet18, resnet50. --out writes the same tree elsewhere (to compare kernels:
ATEN_CPU_CAPABILITY=default ... --out /tmp/x, then check_resnet_reference.py --compare /tmp/x).

The networks (exact construction, resnet_reference.NarrowResNet on torchvision's blocks):
    resnet18: NarrowResNet(BasicBlock, [2, 2, 2, 2], width=8, num_classes=1000)
    resnet50: NarrowResNet(Bottleneck, [3, 4, 6, 3], width=8, num_classes=10)
i.e. torchvision's resnet18 / resnet50 with every width divided by 8 (stem 8 channels; layer
planes 8, 16, 32, 64; Bottleneck outputs 32 .. 256). Initialisation (seeded, in this order):
torch.manual_seed(seed); for every module in model.modules() order: Conv2d weight
kaiming_normal_(mode="fan_out", nonlinearity="relu") (torchvision's); BatchNorm2d weight
uniform_(0.5, 1.0), bias uniform_(-0.1, 0.1); Linear weight normal_(0, 0.05), bias
uniform_(-0.1, 0.1). Then the batch-norm running statistics are measured on 8 calibration
images (train mode, momentum None: one cumulative batch), so that folding them is not an
identity and activations keep a sensible scale through 16 blocks.

Images: sums of 24 random sinusoids per channel, rescaled to [0.1, 0.9]: smooth, no flat or
clipped region, so no two neighbouring activations are equal by construction (no exact ties
except the exact zeros of ReLUs). A seed is replaced by the next integer until the top-6
logits of both nets are pairwise more than MIN_GAP apart.
"""

import json
import os
import platform
import subprocess
import sys

import numpy as np
import torch
import torch.nn as nn
from torchvision.models.resnet import BasicBlock, Bottleneck

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_golden_baselines as mgb  # noqa: E402
import resnet_reference as rr  # noqa: E402
from licnn_reference import Options  # noqa: E402
from make_golden import MEAN, OUT_DIR as GOLDEN_DIR, STD, write_safetensors  # noqa: E402

OUT_DIR = os.path.join(GOLDEN_DIR, "resnet")
SIZE = 129  # stages 65, 33, 17, 9, 5: odd sizes everywhere, the last map wider than k//2 + 1
IMAGE_SEEDS = [10, 20]
CALIBRATION_SEEDS = list(range(1000, 1008))
MIN_GAP = 1e-3

NETS = {
    "resnet18": {"block": BasicBlock, "layers": [2, 2, 2, 2], "width": 8, "num_classes": 1000,
                 "seed": 18},
    "resnet50": {"block": Bottleneck, "layers": [3, 4, 6, 3], "width": 8, "num_classes": 10,
                 "seed": 50},
}

VARIANTS = {
    "default": Options(),
    "logit": Options(after_softmax=False),
    "inhibit_last": Options(inhibit_last=True),
    "per_layer_norm": Options(per_layer_norm=True),
    "liz5": Options(k=5, a=0.2, b=0.8),
}
# per net: the variants run on img0, img1, ...
VARIANTS_PER_IMAGE = {
    "resnet18": [["default", "logit", "inhibit_last", "liz5"], ["default"]],
    "resnet50": [["default", "inhibit_last"], ["default"]],
}
# per-rank attention maps are stored for img0 / default only (the others: saliency, logits_after)
ATTENTION_CASES = [(0, "default")]
# per-class baseline maps of img0, per net (every method has its saliency map)
BASELINE_MAPS = {"resnet18": ["gradient", "grad_cam"], "resnet50": []}
# baselines: img0 per-class maps of every method; img1 saliency of the input-path methods
BASELINE_TOP_K = mgb.TOP_K
IMG1_BASELINES = ["integrated_gradients", "smoothgrad", "grad_cam"]


def build_net(name):
    """The network of NETS[name], initialised and calibrated, eval mode, frozen."""
    spec = NETS[name]
    model = rr.NarrowResNet(spec["block"], spec["layers"], spec["width"], spec["num_classes"])
    torch.manual_seed(spec["seed"])
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
        elif isinstance(m, nn.BatchNorm2d):
            nn.init.uniform_(m.weight, 0.5, 1.0)
            nn.init.uniform_(m.bias, -0.1, 0.1)
        elif isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, 0.0, 0.05)
            nn.init.uniform_(m.bias, -0.1, 0.1)
    calibrate(model, torch.cat([make_image(s) for s in CALIBRATION_SEEDS]))
    for p in model.parameters():
        p.requires_grad_(False)
    return model.eval()


def calibrate(model, batch):
    bns = [m for m in model.modules() if isinstance(m, nn.BatchNorm2d)]
    for m in bns:
        m.reset_running_stats()
        m.momentum = None  # cumulative average: after one batch, the batch's statistics
    model.train()
    with torch.no_grad():
        model(batch)
    for m in bns:
        m.momentum = 0.1
    model.eval()


def load_net(name, weights):
    spec = NETS[name]
    model = rr.NarrowResNet(spec["block"], spec["layers"], spec["width"], spec["num_classes"])
    model.load_state_dict(weights)
    for p in model.parameters():
        p.requires_grad_(False)
    return model.eval()


def make_image(seed, size=SIZE):
    """Smooth random image [1,3,size,size] f32, ImageNet-normalised (module docstring)."""
    rng = np.random.RandomState(seed)
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float64)
    img = np.zeros((3, size, size))
    for ch in range(3):
        for _ in range(24):
            f = rng.uniform(0.03, 0.6)
            ang = rng.uniform(0, np.pi)
            phase = rng.uniform(0, 2 * np.pi)
            amp = rng.uniform(0.2, 1.0) / (1.0 + 4.0 * f)
            img[ch] += amp * np.sin(f * (np.cos(ang) * xx + np.sin(ang) * yy) + phase)
        lo, hi = img[ch].min(), img[ch].max()
        img[ch] = 0.1 + 0.8 * (img[ch] - lo) / (hi - lo)
    img = (img - np.array(MEAN)[:, None, None]) / np.array(STD)[:, None, None]
    return torch.from_numpy(img.astype(np.float32))[None]


def top_gap(model, x, n=6):
    with torch.no_grad():
        v = torch.sort(model(x)[0], descending=True).values[:n]
    return float((v[:-1] - v[1:]).min())


def pick_images(models):
    images, seeds, gaps = [], [], []
    for seed in IMAGE_SEEDS:
        s = seed
        while True:
            x = make_image(s)
            g = {n: top_gap(m, x) for n, m in models.items()}
            if min(g.values()) > MIN_GAP and s not in seeds:
                break
            print(f"image seed {s}: top-6 min gap {g} <= {MIN_GAP}, trying {s + 1}")
            s += 1
        images.append(x)
        seeds.append(s)
        gaps.append(g)
    return images, seeds, gaps


# ---------------------------------------------------------------- baselines

def explain(model, run, x, method, after_softmax=True):
    """Top-3 classes of the logits, their L2-normalised maps [3,H,W] and the saliency map, in
    the dtype of x; make_golden_baselines' methods, Grad-CAM at the last feature ReLU."""
    with torch.no_grad():
        logits = model(x)[0]
    topk = torch.topk(logits, BASELINE_TOP_K).indices
    sigma = mgb.NOISE_LEVEL * (float(x.max()) - float(x.min()))
    noise = torch.from_numpy((sigma * mgb.normals(mgb.SEED, mgb.SG_SAMPLES * x.numel())).astype(np.float32))
    noise = noise.to(x.dtype).view(mgb.SG_SAMPLES, *x.shape[1:])
    score = mgb.score_fn(after_softmax)
    if method == "grad_cam":
        def fn(m, xx, c, sc, **_):
            return rr.grad_cam(run, m, xx, c, sc)
    else:
        fn = mgb.METHODS[method]
    maps = torch.stack([l2n(fn(model, x, int(c), score, noise=noise)) for c in topk])
    return topk, logits, maps, l2n(maps.double().sum(dim=0)).to(x.dtype)


def l2n(m):
    n = torch.sqrt((m.double() ** 2).sum())
    return (m.double() / n).to(m.dtype) if n > 0 else m.clone()


def baselines(name, model, run, images):
    out = {}
    for i, x in enumerate(images[:2]):
        methods = list(mgb.METHODS) if i == 0 else IMG1_BASELINES
        for method in methods:
            topk, logits, maps, sal = explain(model, run, x, method)
            out[f"img{i}.topk"] = topk.to(torch.int64)
            out[f"img{i}.logits"] = logits
            if i == 0 and method in BASELINE_MAPS[name]:
                out[f"img{i}.{method}.maps"] = maps
            out[f"img{i}.{method}.saliency"] = sal
    out["img0.gradient_logit.saliency"] = explain(model, run, images[0], "gradient", False)[3]
    return out


# ---------------------------------------------------------------- LICNN cases

def cases_of(name, model, run, images, dtype=torch.float32):
    """Every fixture tensor of cases.safetensors (and the masks as booleans for checks)."""
    cases = {}
    for i, x in enumerate(images):
        x = x.to(dtype)
        for vname in VARIANTS_PER_IMAGE[name][i]:
            res = rr.licnn(model, x, VARIANTS[vname], run)
            pre = f"img{i}.{vname}"
            cases[f"{pre}.topk"] = res["topk"].to(torch.int64)
            cases[f"{pre}.logits"] = res["logits"]
            cases[f"{pre}.probs"] = res["probs"]
            if (i, vname) in ATTENTION_CASES:
                cases[f"{pre}.attention"] = res["attention"]
            cases[f"{pre}.saliency"] = res["saliency"]
            cases[f"{pre}.logits_after"] = res["logits_after"]
            if i == 0 and vname == "default":
                for r, pc in enumerate(res["per_class"]):
                    for l in range(len(pc["mask"])):
                        cases[f"{pre}.mask.r{r}.l{l}"] = pc["mask"][l]
                        if r == 0:
                            for key in ("gradmax", "inhibition", "before", "after"):
                                cases[f"{pre}.{key}.r0.l{l}"] = pc[key][l]
    return cases


def layer_table(model, run, x):
    with torch.no_grad():
        _, acts = run(model, x)
    return [{"index": l, "name": n, "shape": list(a.shape[1:])}
            for l, (n, a) in enumerate(zip(rr.feature_relu_names(model), acts))]


def cpu_name():
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        fields = dict(line.split(":", 1) for line in out.splitlines() if ":" in line)
        name = fields.get("Model name", "").strip()
        flags = fields.get("Flags", "").split()
        isa = "AVX-512" if "avx512f" in flags else "AVX2" if "avx2" in flags else "no AVX2"
        return f"{name} ({isa}), {os.cpu_count()} CPUs"
    except (OSError, subprocess.CalledProcessError):
        return platform.processor() or "unknown"


def net_description(name):
    spec = NETS[name]
    return {
        "arch": f"torchvision {name} layout, every width / 8",
        "construction": f"resnet_reference.NarrowResNet({spec['block'].__name__}, {spec['layers']}, "
                        f"width={spec['width']}, num_classes={spec['num_classes']})",
        "block": spec["block"].__name__, "layers": spec["layers"], "width": spec["width"],
        "num_classes": spec["num_classes"], "bn_eps": rr.BN_EPS,
        "init": {"seed": spec["seed"], "conv.weight": "kaiming_normal_(fan_out, relu)",
                 "bn.weight": "uniform(0.5, 1.0)", "bn.bias": "uniform(-0.1, 0.1)",
                 "fc.weight": "normal(0, 0.05)", "fc.bias": "uniform(-0.1, 0.1)",
                 "bn running stats": f"one train-mode batch of images {CALIBRATION_SEEDS}, momentum None"},
    }


def main():
    out_dir = OUT_DIR
    if "--out" in sys.argv:
        out_dir = sys.argv[sys.argv.index("--out") + 1]
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    models = {n: build_net(n) for n in NETS}
    images, seeds, gaps = pick_images(models)
    os.makedirs(out_dir, exist_ok=True)
    write_safetensors(os.path.join(out_dir, "inputs.safetensors"),
                      {f"img{i}.input": x for i, x in enumerate(images)},
                      {"images": json.dumps({"seeds": seeds, "size": SIZE, "top6_min_logit_gap": gaps,
                                             "normalisation": {"mean": MEAN, "std": STD}})})
    cpu = cpu_name()
    capability = os.environ.get("ATEN_CPU_CAPABILITY", "(not set: the CPU's best)")
    for name, model in models.items():
        d = os.path.join(out_dir, name)
        os.makedirs(d, exist_ok=True)
        write_safetensors(os.path.join(d, "weights.safetensors"), model.state_dict(),
                          {"format": "pt", "layout": f"torchvision {name}, narrow",
                           "net": json.dumps(net_description(name))})
        run = rr.FeatureRelus(model)
        layers = layer_table(model, run, images[0])
        cases = cases_of(name, model, run, images)
        meta = {
            "net": json.dumps(net_description(name)),
            "layers": json.dumps(layers),
            "variants": json.dumps({k: VARIANTS[k].as_dict() for k in
                                    sorted({v for vs in VARIANTS_PER_IMAGE[name] for v in vs})}),
            "variants_per_image": json.dumps({f"img{i}": v for i, v in enumerate(VARIANTS_PER_IMAGE[name])}),
            "images": json.dumps({"seeds": seeds, "size": SIZE}),
            "torch": torch.__version__, "cpu": cpu, "aten_cpu_capability": capability,
        }
        write_safetensors(os.path.join(d, "cases.safetensors"), cases, meta)
        base = baselines(name, model, run, images)
        write_safetensors(os.path.join(d, "baselines.safetensors"), base, {
            "settings": json.dumps({"top_k": BASELINE_TOP_K, "ig_steps": mgb.IG_STEPS,
                                    "ig_baseline": "black (ImageNet)", "ig_rule": "midpoint",
                                    "sg_samples": mgb.SG_SAMPLES, "noise_level": mgb.NOISE_LEVEL,
                                    "seed": mgb.SEED, "grad_cam_layer": layers[-1]["name"],
                                    "normalisation": "L2 per class map; saliency = L2(sum)"}),
            "torch": torch.__version__, "cpu": cpu, "aten_cpu_capability": capability})
        for i, vs in enumerate(VARIANTS_PER_IMAGE[name]):
            for v in vs:
                print(f"{name} img{i} {v}: top-5 {cases[f'img{i}.{v}.topk'].tolist()}, argmax after "
                      f"inhibition {cases[f'img{i}.{v}.logits_after'].argmax(dim=1).tolist()}")
        kept = [f"{float((cases[f'img0.default.mask.r0.l{l}'] != 0).float().mean()):.2f}"
                for l in range(len(layers))]
        print(f"{name} img0 default rank 0 kept fraction per layer: {kept}")
    print("image seeds", seeds, "top-6 min logit gaps", gaps, "cpu", cpu, "capability", capability)
    for root, _dirs, files in sorted(os.walk(out_dir)):
        for f in sorted(files):
            p = os.path.join(root, f)
            print(f"{os.path.relpath(p, out_dir)}: {os.path.getsize(p)} bytes")


if __name__ == "__main__":
    main()
