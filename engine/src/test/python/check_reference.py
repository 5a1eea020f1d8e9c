"""Consistency checks of licnn_reference.py and of the written golden files.

    /usr/bin/python3 engine/src/test/python/check_reference.py

1. one-class-at-a-time vs batched computation;
2. lateral inhibition with unfold vs plain float64 loops, on real Max-C maps;
3. float32 vs float64: how many gated locations flip, and the smallest |M - LI|;
4. the files: safetensors round trip, timm layout, TorchScript model.
"""

import math
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from licnn_reference import (Options, lateral_inhibition, lateral_inhibition_loop,  # noqa
                             l2_normalize, licnn, licnn_batched)
from make_golden import (OUT_DIR, VARIANTS, build_model, make_image,  # noqa
                         read_safetensors)


def maxdiff(a, b):
    return float((a.double() - b.double()).abs().max())


def main():
    failures = []

    def check(cond, msg):
        print(("ok   " if cond else "FAIL ") + msg)
        if not cond:
            failures.append(msg)

    cases, meta = read_safetensors(os.path.join(OUT_DIR, "cases.safetensors"))
    model = build_model()
    x0 = cases["img0.input"]

    # 0. the stored fixtures are reproduced
    for vname, opt in VARIANTS.items():
        res = licnn(model, x0, opt)
        for key in ("attention", "saliency", "logits_after", "logits", "probs"):
            d = maxdiff(res[key], cases[f"img0.{vname}.{key}"])
            check(d < 1e-7, f"stored img0.{vname}.{key} reproduced (max diff {d:.2e})")
        check(torch.equal(res["topk"], cases[f"img0.{vname}.topk"]), f"img0.{vname}.topk")

    # 1. per-class loop vs batch
    for vname in ("default", "logit", "inhibit_last", "per_layer_norm", "liz5"):
        opt = VARIANTS[vname]
        a = licnn(model, x0, opt)
        b = licnn_batched(model, x0, opt)
        flips = sum(int((a["per_class"][r]["mask"][l] != 0).ne(b["mask"][l][r] != 0).sum())
                    for r in range(opt.top_k) for l in range(13))
        d_att = maxdiff(a["attention"], b["attention"])
        d_log = maxdiff(a["logits_after"], b["logits_after"])
        check(flips == 0 and d_att < 1e-5 and d_log < 1e-5,
              f"batched == per-class [{vname}]: mask flips {flips}, attention {d_att:.2e}, "
              f"logits_after {d_log:.2e}")

    # 2. unfold vs loops, on the stored rank-0 Max-C maps of image 0
    for l in range(13):
        m = cases[f"img0.default.gradmax.r0.l{l}"]
        if m.shape[0] > 56 and l not in (0,):
            continue  # the 224/112 loops are slow; layer 0 is enough at full size
        li_u = lateral_inhibition(m, 7, 0.1, 0.9)
        li_l = lateral_inhibition_loop(m, 7, 0.1, 0.9)
        d = maxdiff(li_u, li_l) / float(li_l.abs().max())
        check(d < 1e-5, f"LI unfold == loops on layer {l} {tuple(m.shape)} (rel {d:.2e})")
        li_n = l2_normalize(li_u)
        check(maxdiff(li_n, cases[f"img0.default.inhibition.r0.l{l}"]) == 0.0,
              f"stored inhibition layer {l}")

    # 3. float32 vs float64
    m64 = build_model().double()
    r32 = licnn(model, x0, Options())
    r64 = licnn(m64, x0.double(), Options())
    total = 0
    flips = 0
    margin = math.inf
    for r in range(5):
        for l in range(13):
            k32 = r32["per_class"][r]["mask"][l] != 0
            k64 = r64["per_class"][r]["mask"][l] != 0
            flips += int(k32.ne(k64).sum())
            total += k32.numel()
            mm = r64["per_class"][r]["gradmax"][l] - r64["per_class"][r]["inhibition"][l]
            margin = min(margin, float(mm.abs().min()))
    d_att = maxdiff(r32["attention"], r64["attention"])
    d_sal = maxdiff(r32["saliency"], r64["saliency"])
    print(f"info float32 vs float64 (img0 default): gate flips {flips}/{total}, "
          f"min |M-LI| (f64) {margin:.3e}, attention {d_att:.2e}, saliency {d_sal:.2e}")
    check(torch.equal(r32["topk"], r64["topk"]), "float64 top-5 == float32 top-5")

    # 4. files
    sd, _ = read_safetensors(os.path.join(OUT_DIR, "weights.safetensors"))
    ref = build_model().state_dict()
    check(set(sd) == set(ref) and all(torch.equal(sd[k], ref[k]) for k in ref),
          f"weights.safetensors == state dict ({len(sd)} tensors)")
    tm, _ = read_safetensors(os.path.join(OUT_DIR, "weights-timm.safetensors"))
    with torch.no_grad():
        h = x0
        for mod in model.features:
            h = mod(h)
        h = F.relu(F.conv2d(h, tm["pre_logits.fc1.weight"], tm["pre_logits.fc1.bias"]))
        h = F.relu(F.conv2d(h, tm["pre_logits.fc2.weight"], tm["pre_logits.fc2.bias"]))
        h = h.mean(dim=(2, 3))  # timm: global average pool of the 1x1 map
        timm_logits = F.linear(h, tm["head.fc.weight"], tm["head.fc.bias"])[0]
        d = maxdiff(timm_logits, cases["img0.default.logits"])
    check(d < 1e-5, f"timm layout gives the same logits ({d:.2e})")
    jit = torch.jit.load(os.path.join(OUT_DIR, "vgg-narrow.pt"))
    for i in range(3):
        with torch.no_grad():
            d = maxdiff(jit(cases[f"img{i}.input"])[0], cases[f"img{i}.default.logits"])
        check(d < 1e-6, f"vgg-narrow.pt logits img{i} ({d:.2e})")
    for i, s in enumerate(eval(meta["images"].replace("null", "None"))["seeds"]):
        check(torch.equal(make_image(s), cases[f"img{i}.input"]), f"img{i} regenerated from seed {s}")

    print("FAILED: %d" % len(failures) if failures else "all checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
