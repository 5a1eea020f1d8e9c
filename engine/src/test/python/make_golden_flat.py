"""A tie-heavy golden case: an image of flat fills, as a drawing or a screenshot would be.

Run from the repository root (after make_golden.py):
    /usr/bin/python3 engine/src/test/python/make_golden_flat.py [--trials 8]

Writes engine/src/test/resources/golden/flat.safetensors:
  flat.input  F32 [1,3,224,224]  (8-bit colours, ImageNet-normalised)
  flat.topk   I64 [5]
  flat.mask.r{r}.l{l}  F32 [H_l,W_l], r = 0..4, l = 0..12 (gated maps, as in cases.safetensors)
  flat.saliency F32 [224,224]
and in __metadata__ how much rounding alone moves this case: the mask locations flipped and the
relative L2 of the saliency map over trials that perturb every convolution and linear output by
up to one ulp (golden_tolerances.Rounding).

Flat fills make neighbouring convolution outputs mathematically equal, so max-pool windows hold
exact ties whose winner depends on the last bit; whole regions of a map can flip between two
correct implementations. Only the portable part is asserted on this case: the top-5 classes and
at least 99% of the mask locations.
"""

import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden_tolerances import Rounding, rel_l2  # noqa: E402
from licnn_reference import Options, licnn  # noqa: E402
from make_golden import MEAN, OUT_DIR, STD, NarrowVGG, read_safetensors, top_gap, write_safetensors  # noqa: E402

SEED = 500
MIN_GAP = 1e-3


def make_flat_image(seed, size=224):
    """Flat background, four flat rectangles and two flat discs, 8-bit colours."""
    rng = np.random.RandomState(seed)
    yy, xx = np.mgrid[0:size, 0:size]
    img = np.ones((3, size, size)) * rng.randint(0, 256, size=3)[:, None, None]
    for _ in range(4):
        y0, x0 = rng.randint(0, size - 40, size=2)
        h, w = rng.randint(30, 110, size=2)
        img[:, y0:y0 + h, x0:x0 + w] = rng.randint(0, 256, size=3)[:, None, None]
    for _ in range(2):
        cy, cx = rng.randint(40, size - 40, size=2)
        r = rng.randint(15, 45)
        inside = (yy - cy) ** 2 + (xx - cx) ** 2 <= r * r
        col = rng.randint(0, 256, size=3)
        for ch in range(3):
            img[ch][inside] = col[ch]
    img = img / 255.0
    img = (img - np.array(MEAN)[:, None, None]) / np.array(STD)[:, None, None]
    return torch.from_numpy(img.astype(np.float32))[None]


def main():
    trials = 8
    if "--trials" in sys.argv:
        trials = int(sys.argv[sys.argv.index("--trials") + 1])
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    weights, _ = read_safetensors(os.path.join(OUT_DIR, "weights.safetensors"))
    model = NarrowVGG()
    model.load_state_dict(weights)
    model.eval()
    for p in model.parameters():
        p.requires_grad_(False)

    seed = SEED
    while top_gap(model, make_flat_image(seed)) <= MIN_GAP:
        seed += 1
    x = make_flat_image(seed)
    res = licnn(model, x, Options())
    out = {"flat.input": x, "flat.topk": res["topk"].to(torch.int64), "flat.saliency": res["saliency"]}
    for r, pc in enumerate(res["per_class"]):
        for l, m in enumerate(pc["mask"]):
            out[f"flat.mask.r{r}.l{l}"] = m

    flips, sal = [], []
    for t in range(trials):
        hooks = Rounding(model, seed=t)
        try:
            got = licnn(model, x, Options())
        finally:
            hooks.close()
        flips.append(sum(int(((g != 0) != (m != 0)).sum())
                         for gp, pc in zip(got["per_class"], res["per_class"])
                         for g, m in zip(gp["mask"], pc["mask"])))
        sal.append(rel_l2(got["saliency"], res["saliency"]))
        print(f"trial {t}: {flips[-1]} mask locations flipped, saliency rel L2 {sal[-1]:.3e}", flush=True)
    total = sum(int(m.numel()) for pc in res["per_class"] for m in pc["mask"])
    meta = {
        "image": json.dumps({"seed": seed, "top6_min_logit_gap": top_gap(model, x)}),
        "rounding_trials": json.dumps({"trials": trials, "mask_locations": total, "mask_flips": flips,
                                       "saliency_rel_l2": [float(f"{v:.3e}") for v in sal]}),
        "torch": torch.__version__,
    }
    path = os.path.join(OUT_DIR, "flat.safetensors")
    write_safetensors(path, out, meta)
    print(f"seed {seed}, top-5 {res['topk'].tolist()}, {total} mask locations; wrote {path}")


if __name__ == "__main__":
    main()
