"""Tolerances of the ResNet golden fixtures, derived as golden_tolerances.py derives VGG's.

Run from the repository root, after make_golden_resnet.py:
    /usr/bin/python3 engine/src/test/python/golden_tolerances_resnet.py [--trials 6] [--nets resnet18,resnet50]
    [--rederive: recompute the tolerances from the spreads already recorded in tolerances.json]
    [--add-folded: run only the folded-batch-norm trial and add it to the trials recorded there]

Writes engine/src/test/resources/golden/resnet/<net>/tolerances.json, same format as
golden/tolerances.json (its "tolerance" entry names every compared tensor).

The reference is re-run in float32 with every convolution and linear output multiplied by
(1 + r * 2^-23), r drawn from {-1, 0, 1} per element (seeded; golden_tolerances.Rounding): a
rounding difference of about one unit in the last place, as another summation order, another
vector unit or a folded batch norm would make. A tensor's spread is its largest relative L2
distance from the unperturbed run, pooled per kind (golden_tolerances.group: the ranks and
layers of one kind; Max-C, inhibition and masked response together); tolerance =
max(1e-4, 4 * max(spread, float64 distance)) (golden_tolerances.FACTOR / FLOOR, reasons there);
the masks may differ at a fraction max(0.1%, 2 * the largest fraction flipped by a trial or by
float64) of their locations.

One more trial runs the reference with batch norm folded into the convolutions
(resnet_reference.fold_batch_norm), as the engine runs a ResNet: folding rounds every weight and
bias once more, by more than one unit in the last place of the conv output, and the noisy
SmoothGrad inputs put more ReLU pre-activations near zero than the clean image does (resnet18:
img0 SmoothGrad moved by 1.4 times the tolerance the one-ulp trials gave). Also recorded: float32
against float64 (the rounding error proper), the largest number of mask locations flipped in a
trial, and the smallest gate margin |M - LI| / max|M| of the float64 run.
"""

import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import golden_tolerances as gt  # noqa: E402
import make_golden_baselines as mgb  # noqa: E402
import make_golden_resnet as mgr  # noqa: E402
import resnet_reference as rr  # noqa: E402
from make_golden import read_safetensors  # noqa: E402


def licnn_outputs(name, model, run, images, dtype):
    """Every LICNN tensor a golden test compares, named as in tolerances.json; the masks."""
    out, masks, margin = {}, {}, float("inf")
    for i, vs in enumerate(mgr.VARIANTS_PER_IMAGE[name]):
        x = images[i].to(dtype)
        for vname in vs:
            res = rr.licnn(model, x, mgr.VARIANTS[vname], run)
            pre = f"img{i}.{vname}"
            out[f"{pre}.saliency"] = res["saliency"]
            for r in range(res["attention"].shape[0]):
                if (i, vname) in mgr.ATTENTION_CASES:
                    out[f"{pre}.attention.r{r}"] = res["attention"][r]
                out[f"{pre}.logits_after.r{r}"] = res["logits_after"][r]
            if i == 0 and vname == "default":
                for r, pc in enumerate(res["per_class"]):
                    for l, m in enumerate(pc["mask"]):
                        masks[f"r{r}.l{l}"] = m != 0
                        d = (pc["gradmax"][l] - pc["inhibition"][l]).abs().min()
                        margin = min(margin, float(d) / max(float(pc["gradmax"][l].abs().max()), 1e-30))
                    for key in ("gradmax", "inhibition", "before", "after"):
                        for l, m in enumerate(pc[key]):
                            out[f"{pre}.{key}.r{r}.l{l}"] = m
    return out, masks, margin


def baseline_outputs(name, model, run, images, dtype):
    out = {}
    for i in range(2):
        x = images[i].to(dtype)
        methods = list(mgb.METHODS) if i == 0 else mgr.IMG1_BASELINES
        for method in methods:
            _, _, maps, sal = mgr.explain(model, run, x, method)
            if i == 0 and method in mgr.BASELINE_MAPS[name]:
                for r in range(maps.shape[0]):
                    out[f"img{i}.{method}.maps.r{r}"] = maps[r]
            out[f"img{i}.{method}.saliency"] = sal
    out["img0.gradient_logit.saliency"] = mgr.explain(model, run, images[0].to(dtype), "gradient", False)[3]
    return out


def everything(name, model, images, dtype):
    run = rr.FeatureRelus(model)
    try:
        lic, masks, margin = licnn_outputs(name, model, run, images, dtype)
        lic.update({"baselines." + k: v for k, v in baseline_outputs(name, model, run, images, dtype).items()})
    finally:
        run.close()
    return lic, masks, margin


def folded_trial(name, model, images, centre, centre_masks):
    """The folded-batch-norm trial: its rel L2 from the unfolded run per tensor, and its mask flips."""
    t0 = time.time()
    got, masks, _ = everything(name, rr.fold_batch_norm(model), images, torch.float32)
    dist = {k: gt.rel_l2(v, centre[k]) for k, v in got.items()}
    flips = sum(int((masks[k] != centre_masks[k]).sum()) for k in masks)
    print(f"{name} folded batch norm: {flips} mask locations flipped, largest distance "
          f"{max(dist.values()):.3e} ({time.time() - t0:.1f} s)", flush=True)
    return dist, flips


def derive_net(name, images, trials):
    d = os.path.join(mgr.OUT_DIR, name)
    weights, _ = read_safetensors(os.path.join(d, "weights.safetensors"))
    model = mgr.load_net(name, weights)
    centre, centre_masks, _ = everything(name, model, images, torch.float32)
    folded, folded_flips = folded_trial(name, model, images, centre, centre_masks)
    spread = {k: 0.0 for k in centre}
    max_flips = 0
    for t in range(trials):
        t0 = time.time()
        hooks = gt.Rounding(model, seed=t)
        try:
            got, masks, _ = everything(name, model, images, torch.float32)
        finally:
            hooks.close()
        for k, v in got.items():
            spread[k] = max(spread[k], gt.rel_l2(v, centre[k]))
        flips = sum(int((masks[k] != centre_masks[k]).sum()) for k in masks)
        max_flips = max(max_flips, flips)
        print(f"{name} trial {t}: {flips} mask locations flipped, largest spread so far "
              f"{max(spread.values()):.3e} ({time.time() - t0:.1f} s)", flush=True)

    model64 = mgr.load_net(name, weights).double()
    black = mgb.black_baseline
    mgb.black_baseline = lambda: black().double()
    try:
        f64, masks64, margin64 = everything(name, model64, images, torch.float64)
    finally:
        mgb.black_baseline = black
    f64_diff = {k: gt.rel_l2(centre[k], f64[k]) for k in centre}
    f64_flips = sum(int((masks64[k] != centre_masks[k]).sum()) for k in masks64)
    total = sum(int(m.numel()) for m in centre_masks.values())

    write(name, trials, spread, f64_diff, total, max_flips, f64_flips, margin64, folded, folded_flips)


def write(name, trials, spread, f64_diff, total, max_flips, f64_flips, margin64, folded=None, folded_flips=0):
    """Tolerances from the trials' spreads and float32 against float64, whichever is larger: the
    trials break ties at random, float64 breaks them once more (a ReLU whose pre-activation lies
    within the forward pass's rounding error passes gradient in one and not in the other)."""
    folded = folded or {}
    tolerance, group_spread = gt.derive(
        {k: max(spread[k], f64_diff[k], folded.get(k, 0.0)) for k in spread})
    max_flips_all = max(max_flips, f64_flips, folded_flips)
    doc = {
        "how": "tolerance = max(floor, factor * group max of max(spread, float64)); spread = largest rel L2 of a "
               "trial from the float32 reference, a trial perturbing every conv/linear output by r * eps, r in "
               "{-1,0,1}; float64 = rel L2 of the float64 reference; folded_batch_norm = rel L2 of the "
               "reference with batch norm folded into the convolutions (one more trial); mask_mismatch_allowance = max(0.1%, twice the "
               "largest fraction of mask locations flipped by a trial, by float64 or by folding); "
               "see engine/src/test/python/golden_tolerances_resnet.py",
        "net": name, "trials": trials, "eps": gt.EPS, "factor": gt.FACTOR, "floor": gt.FLOOR,
        "torch": torch.__version__, "cpu": mgr.cpu_name(),
        "mask_locations": total, "max_mask_flips_in_a_trial": max_flips, "mask_flips_float64": f64_flips,
        "mask_flips_folded_batch_norm": folded_flips,
        "mask_mismatch_allowance": float(f"{max(1e-3, 2.0 * max_flips_all / total):.3e}"),
        "min_gate_margin_float64": float(f"{margin64:.3e}"),
        "group_spread": {k: float(f"{v:.3e}") for k, v in sorted(group_spread.items())},
        "tolerance": {k: float(f"{v:.3e}") for k, v in sorted(tolerance.items())},
        "spread": {k: float(f"{v:.3e}") for k, v in sorted(spread.items())},
        "float64": {k: float(f"{v:.3e}") for k, v in sorted(f64_diff.items())},
    }
    if folded:
        doc["folded_batch_norm"] = {k: float(f"{v:.3e}") for k, v in sorted(folded.items())}
    path = os.path.join(mgr.OUT_DIR, name, "tolerances.json")
    with open(path, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    for g, v in sorted(group_spread.items(), key=lambda kv: -kv[1]):
        print(f"{name} {g:<48} spread {v:9.2e}  tolerance {max(gt.FLOOR, gt.FACTOR * v):9.2e}")
    worst = max(tolerance, key=lambda k: f64_diff[k] / tolerance[k])
    print(f"{name}: mask locations {total}, flipped in float64 {f64_flips}, at most {max_flips} in a trial; "
          f"min gate margin (float64) {margin64:.2e}; float64 / tolerance at most "
          f"{f64_diff[worst] / tolerance[worst]:.2f} ({worst})")
    print(f"wrote {path}")


def rederive(name):
    """--rederive: the tolerances again from the spreads and float64 distances tolerances.json records."""
    with open(os.path.join(mgr.OUT_DIR, name, "tolerances.json")) as f:
        d = json.load(f)
    write(name, d["trials"], d["spread"], d["float64"], d["mask_locations"], d["max_mask_flips_in_a_trial"],
          d["mask_flips_float64"], d["min_gate_margin_float64"], d.get("folded_batch_norm"),
          d.get("mask_flips_folded_batch_norm", 0))


def add_folded(name, images):
    """--add-folded: the folded-batch-norm trial alone, added to the trials tolerances.json records."""
    with open(os.path.join(mgr.OUT_DIR, name, "tolerances.json")) as f:
        d = json.load(f)
    weights, _ = read_safetensors(os.path.join(mgr.OUT_DIR, name, "weights.safetensors"))
    model = mgr.load_net(name, weights)
    centre, centre_masks, _ = everything(name, model, images, torch.float32)
    folded, flips = folded_trial(name, model, images, centre, centre_masks)
    write(name, d["trials"], d["spread"], d["float64"], d["mask_locations"], d["max_mask_flips_in_a_trial"],
          d["mask_flips_float64"], d["min_gate_margin_float64"], folded, flips)


def main():
    trials = 6
    if "--trials" in sys.argv:
        trials = int(sys.argv[sys.argv.index("--trials") + 1])
    nets = list(mgr.NETS)
    if "--nets" in sys.argv:
        nets = sys.argv[sys.argv.index("--nets") + 1].split(",")
    if "--rederive" in sys.argv:
        for name in nets:
            rederive(name)
        return
    torch.set_num_threads(1)  # deterministic reductions; the trials are the perturbation
    inputs, _ = read_safetensors(os.path.join(mgr.OUT_DIR, "inputs.safetensors"))
    images = [inputs[f"img{i}.input"] for i in range(len(inputs))]
    for name in nets:
        if "--add-folded" in sys.argv:
            add_folded(name, images)
        else:
            derive_net(name, images, trials)


if __name__ == "__main__":
    main()
