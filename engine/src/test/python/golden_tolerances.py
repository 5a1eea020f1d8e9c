"""Tolerances of the golden tests, derived from how far float rounding alone moves the fixtures.

Run from the repository root (after make_golden.py and make_golden_baselines.py):
    /usr/bin/python3 engine/src/test/python/golden_tolerances.py [--trials 12]

Writes engine/src/test/resources/golden/tolerances.json, which LicnnGoldenTest and
BaselineGoldenTest read.

Why: LICNN's gates (M > LI, ReLU, max-pool routing) turn a rounding difference at a tie or
near-tie into a flipped gate, and one flipped gate changes every map after it. The fixture
images have exact ties (clipped, flat-filled parts of the bright ellipse make neighbouring
convolution outputs mathematically equal, and a 2x2 max-pool window of equal values routes its
gradient to the first maximum only); which element wins depends on the last bit of each
value, so two correct float32 implementations, or one on two CPUs with other vector units,
disagree there. Float64 against float32 on one machine does not show this (the ties round the
same way in both); this script therefore measures it directly:

  centre   the reference in float32, exactly as the fixtures were made;
  trials   the same computation with every convolution and linear output multiplied by
           (1 + r * 2^-23), r drawn from {-1, 0, 1} per element (seeded): a rounding
           difference of at most about one unit in the last place, which breaks every exact
           tie at random, as another summation order would;
  spread   for each compared tensor, the largest relative L2 distance of a trial from the
           centre;
  group    the tensors of one kind on one image and variant, pooled over ranks and layers
           (e.g. img0.default.attention.r*); the intermediate maps that follow the gradient
           (Max-C, inhibition, masked response: img0.default.{gradmax,inhibition,after}.r*.l*)
           are one group, since one broken tie changes every map after it, whatever its kind
           or rank; every member of a group gets the largest spread of the group;
  tolerance = max(FLOOR, FACTOR * spread of its group). FACTOR = 4: 2 because both sides of a
           comparison (the fixture and the engine under test) may sit anywhere within the
           spread of the centre, and 2 because the largest of a few trials underestimates the
           largest effect a tie pattern can have (the AVX2 fixtures lie up to 1.07 times twice
           the spread from the AVX-512 ones). FLOOR = 1e-4 is the float32 allowance of a map
           whose gates all agree (float32 against float64: below 5e-7 on every LICNN tensor and 2e-6 on
           the gradient, gradient x input and Grad-CAM maps; integrated gradients and SmoothGrad
           reach 5e-3 there, because their interpolated and noisy inputs are rounded differently
           in float64 and so cross ReLU and max-pool ties differently).

It also reports float32 against float64 (no tie broken differently: the rounding error
proper) and the largest number of flipped mask locations seen in a trial.
"""

import json
import os
import re
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_golden_baselines as mgb  # noqa: E402
from licnn_reference import licnn  # noqa: E402
from make_golden import OUT_DIR, VARIANTS, VARIANTS_PER_IMAGE, NarrowVGG, read_safetensors  # noqa: E402

EPS = 2.0 ** -23
FACTOR = 4.0
FLOOR = 1e-4


def rel_l2(a, b):
    a = a.double()
    b = b.double()
    n = float(torch.linalg.vector_norm(b))
    d = float(torch.linalg.vector_norm(a - b))
    return d / n if n > 0 else d


def group(name):
    """The name without its rank and layer (img0.default.attention.r3 -> img0.default.attention); the
    maps that follow the gradient share one group (img0.default.after.r3.l7 -> img0.default.intermediate)."""
    g = re.sub(r"\.(r|l)\d+(?=\.|$)", "", name)
    return re.sub(r"\.(gradmax|inhibition|after)$", ".intermediate", g)


def derive(spread):
    """Tolerances (and group spreads) from the spreads of the tensors."""
    group_spread = {}
    for k, s in spread.items():
        group_spread[group(k)] = max(group_spread.get(group(k), 0.0), s)
    return {k: max(FLOOR, FACTOR * group_spread[group(k)]) for k in spread}, group_spread


def licnn_outputs(model, cases, dtype):
    """Every tensor the LICNN golden test compares, by the name tolerances.json gives it."""
    out = {}
    masks = {}
    for i, variants in enumerate(VARIANTS_PER_IMAGE):
        x = cases[f"img{i}.input"].to(dtype)
        for vname in variants:
            res = licnn(model, x, VARIANTS[vname])
            pre = f"img{i}.{vname}"
            out[f"{pre}.saliency"] = res["saliency"]
            for r in range(res["attention"].shape[0]):
                out[f"{pre}.attention.r{r}"] = res["attention"][r]
                out[f"{pre}.logits_after.r{r}"] = res["logits_after"][r]
            if i == 0 and vname == "default":
                for r, pc in enumerate(res["per_class"]):
                    for l, m in enumerate(pc["mask"]):
                        masks[f"r{r}.l{l}"] = m != 0
                    for key in ("gradmax", "inhibition", "before", "after"):
                        for l, m in enumerate(pc[key]):
                            out[f"{pre}.{key}.r{r}.l{l}"] = m
    return out, masks


def baseline_outputs(model, cases, dtype):
    out = {}
    for i, per_class in ((0, True), (1, False)):
        x = cases[f"img{i}.input"].to(dtype)
        for method in mgb.METHODS:
            if not per_class and method in ("gradient", "gradient_x_input"):
                continue
            maps, sal = explain(model, x, method, True)
            if per_class:
                for r in range(maps.shape[0]):
                    out[f"img{i}.{method}.maps.r{r}"] = maps[r]
            out[f"img{i}.{method}.saliency"] = sal
    _, sal = explain(model, cases["img0.input"].to(dtype), "gradient", False)
    out["img0.gradient_logit.saliency"] = sal
    return out


def explain(model, x, method, after_softmax):
    """make_golden_baselines.explain in the dtype of x (same classes, same noise)."""
    with torch.no_grad():
        logits = model(x)[0]
    topk = torch.topk(logits, mgb.TOP_K).indices
    sigma = mgb.NOISE_LEVEL * (float(x.max()) - float(x.min()))
    noise = torch.from_numpy((sigma * mgb.normals(mgb.SEED, mgb.SG_SAMPLES * x.numel())).astype(np.float32))
    noise = noise.to(x.dtype).view(mgb.SG_SAMPLES, *x.shape[1:])
    score = mgb.score_fn(after_softmax)
    maps = torch.stack([l2n(mgb.METHODS[method](model, x, int(c), score, noise=noise)) for c in topk])
    return maps, l2n(maps.double().sum(dim=0)).to(x.dtype)


def l2n(m):
    n = torch.sqrt((m.double() ** 2).sum())
    return (m.double() / n).to(m.dtype) if n > 0 else m.clone()


def everything(model, cases, dtype):
    lic, masks = licnn_outputs(model, cases, dtype)
    lic.update({"baselines." + k: v for k, v in baseline_outputs(model, cases, dtype).items()})
    return lic, masks


class Rounding:
    """Forward hooks that perturb every convolution and linear output by up to one ulp."""

    def __init__(self, model, seed):
        self.gen = torch.Generator().manual_seed(seed)
        self.handles = [m.register_forward_hook(self.hook) for m in model.modules()
                        if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear))]

    def hook(self, _mod, _inp, out):
        r = torch.randint(-1, 2, out.shape, generator=self.gen).to(out.dtype)
        return out * (1 + EPS * r)

    def close(self):
        for h in self.handles:
            h.remove()


def main():
    trials = 12
    if "--trials" in sys.argv:
        trials = int(sys.argv[sys.argv.index("--trials") + 1])
    torch.set_num_threads(1)  # deterministic reductions; the trials are the perturbation
    weights, _ = read_safetensors(os.path.join(OUT_DIR, "weights.safetensors"))
    cases, _ = read_safetensors(os.path.join(OUT_DIR, "cases.safetensors"))
    model = NarrowVGG()
    model.load_state_dict(weights)
    model.eval()
    for p in model.parameters():
        p.requires_grad_(False)

    centre, centre_masks = everything(model, cases, torch.float32)
    spread = {k: 0.0 for k in centre}
    max_flips = 0
    for t in range(trials):
        t0 = time.time()
        hooks = Rounding(model, seed=t)
        try:
            got, masks = everything(model, cases, torch.float32)
        finally:
            hooks.close()
        for k, v in got.items():
            spread[k] = max(spread[k], rel_l2(v, centre[k]))
        flips = sum(int((masks[k] != centre_masks[k]).sum()) for k in masks)
        max_flips = max(max_flips, flips)
        print(f"trial {t}: {flips} mask locations flipped, largest spread so far "
              f"{max(spread.values()):.3e} ({time.time() - t0:.1f} s)", flush=True)

    # float64: the rounding error proper, no tie broken differently
    mgb_black = mgb.black_baseline
    mgb.black_baseline = lambda: mgb_black().double()
    model64 = NarrowVGG()
    model64.load_state_dict(weights)
    model64 = model64.double().eval()
    for p in model64.parameters():
        p.requires_grad_(False)
    f64, masks64 = everything(model64, cases, torch.float64)
    mgb.black_baseline = mgb_black
    f64_diff = {k: rel_l2(centre[k], f64[k]) for k in centre}
    f64_flips = sum(int((masks64[k] != centre_masks[k]).sum()) for k in masks64)
    total = sum(int(m.numel()) for m in centre_masks.values())

    tolerance, group_spread = derive(spread)
    doc = {
        "how": "tolerance = max(floor, factor * spread); spread = largest rel L2 of a trial from the float32 "
               "reference, a trial perturbing every conv/linear output by r * eps, r in {-1,0,1}; "
               "see engine/src/test/python/golden_tolerances.py",
        "trials": trials, "eps": EPS, "factor": FACTOR, "floor": FLOOR, "torch": torch.__version__,
        "mask_locations": total, "max_mask_flips_in_a_trial": max_flips, "mask_flips_float64": f64_flips,
        "group_spread": {k: float(f"{v:.3e}") for k, v in sorted(group_spread.items())},
        "tolerance": {k: float(f"{v:.3e}") for k, v in sorted(tolerance.items())},
        "spread": {k: float(f"{v:.3e}") for k, v in sorted(spread.items())},
        "float64": {k: float(f"{v:.3e}") for k, v in sorted(f64_diff.items())},
    }
    path = os.path.join(OUT_DIR, "tolerances.json")
    with open(path, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    width = max(len(k) for k in centre)
    print(f"{'tensor':<{width}}  {'float64':>9}  {'spread':>9}  {'tolerance':>9}")
    for k in sorted(centre, key=lambda k: -spread[k]):
        print(f"{k:<{width}}  {f64_diff[k]:9.2e}  {spread[k]:9.2e}  {tolerance[k]:9.2e}")
    print(f"mask locations {total}: flipped in float64 {f64_flips}, at most {max_flips} in a trial")
    worst = max(tolerance, key=lambda k: f64_diff[k] / tolerance[k])
    print(f"float64 against the tolerances: largest ratio {f64_diff[worst] / tolerance[worst]:.2f} ({worst})")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
