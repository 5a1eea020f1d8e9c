"""Consistency checks of resnet_reference.py and of the ResNet golden files.

    /usr/bin/python3 engine/src/test/python/check_resnet_reference.py [--quick] [--compare DIR]

1. the construction: NarrowResNet at width 64 has torchvision's resnet18 / resnet50 state dict;
   the hooks on torchvision's own resnet18 / resnet50 (224x224) see 17 / 49 feature ReLUs with
   the documented names and resolutions, each module called 1, 2 or 3 times;
2. the walk: a block's relu_out output is the block's output; an all-ones mask gives the
   unmasked pass bit for bit; a mask zeroes every channel at its suppressed locations and the
   zeros reach the next block through the skip; the last layer is masked only with inhibit_last;
   the last layer's Max-C map is constant;
3. the algorithm: one class at a time == batched; lateral inhibition (unfold) == float64 loops;
   float32 against float64 (top-5, mask flips);
4. the files: weights and inputs regenerated, stored fixtures reproduced;
5. batch norm folded into the convolutions (as an engine may run it) meets the fixtures: same
   top-5, masks >= 99.9% equal, maps within tolerances.json.
--quick skips the slow parts (torchvision's full-size nets, float64, folding).
--compare DIR: a fixture tree made elsewhere (e.g. ATEN_CPU_CAPABILITY=default
   make_golden_resnet.py --out DIR) against the stored one: top-5, masks, maps / tolerance.
"""

import json
import os
import sys

import torch
import torchvision
from torchvision.models.resnet import BasicBlock, Bottleneck

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import golden_tolerances as gt  # noqa: E402
import make_golden_resnet as mgr  # noqa: E402
import resnet_reference as rr  # noqa: E402
from licnn_reference import Options, l2_normalize, lateral_inhibition, lateral_inhibition_loop  # noqa: E402
from make_golden import read_safetensors  # noqa: E402

FAILURES = []


def check(cond, msg):
    print(("ok   " if cond else "FAIL ") + msg, flush=True)
    if not cond:
        FAILURES.append(msg)


def maxdiff(a, b):
    return float((a.double() - b.double()).abs().max())


def expected_resolutions(block, layers, size):
    """Resolutions of the feature ReLUs from docs/LICNN.md's rules, not from running the net."""
    def down(n):
        return (n + 2 - 3) // 2 + 1  # 3x3 stride 2 pad 1 (and 1x1 stride 2 pad 0: same size)
    r = (size + 6 - 7) // 2 + 1
    out = [r]
    r = down(r)  # max-pool
    for s, n in enumerate(layers):
        for b in range(n):
            strided = s > 0 and b == 0
            if block is BasicBlock:
                r = down(r) if strided else r
                out += [r, r]
            else:
                out.append(r)  # relu1 after the 1x1 conv, stride 1
                r = down(r) if strided else r
                out += [r, r]
    return out


def check_construction(quick):
    for name, ctor, block, layers, count in (("resnet18", torchvision.models.resnet18, BasicBlock, [2, 2, 2, 2], 17),
                                             ("resnet50", torchvision.models.resnet50, Bottleneck, [3, 4, 6, 3], 49)):
        tv = ctor(weights=None)
        mine = rr.NarrowResNet(block, layers, 64, 1000)
        same = {k: tuple(v.shape) for k, v in tv.state_dict().items()} == \
            {k: tuple(v.shape) for k, v in mine.state_dict().items()}
        check(same, f"NarrowResNet(width 64) has torchvision {name}'s state-dict names and shapes")
        try:
            rr.FeatureRelus(tv)
            check(False, f"hooks refuse torchvision {name}'s in-place ReLUs")
        except ValueError as e:
            check("in-place" in str(e), f"hooks refuse torchvision {name}'s in-place ReLUs ({e})")
        if quick:
            continue
        rr.make_relus_out_of_place(tv).eval()
        run = rr.FeatureRelus(tv)
        with torch.no_grad():
            logits, acts = run(tv, torch.randn(1, 3, 224, 224, generator=torch.Generator().manual_seed(0)))
            plain = tv(torch.randn(1, 3, 224, 224, generator=torch.Generator().manual_seed(0)))
        check(len(acts) == count, f"torchvision {name}: {len(acts)} feature ReLUs (expected {count})")
        per_module = {p: len(n) for p, n in run.expected.items()}
        calls = sorted(set(per_module.values()))
        check(run.calls == per_module and calls == ([1, 2] if block is BasicBlock else [1, 3]),
              f"torchvision {name}: stem relu called once, each block's relu {calls[-1]} times")
        res = [a.shape[-1] for a in acts]
        check(res == expected_resolutions(block, layers, 224) and sorted(set(res)) == [7, 14, 28, 56, 112],
              f"torchvision {name}: resolutions at 224 {sorted(set(res), reverse=True)} as documented")
        check(torch.equal(logits, plain), f"torchvision {name}: the hooks leave the logits unchanged")
        names = rr.feature_relu_names(tv)
        want = ["relu", "layer1.0.relu1"] + (["layer1.0.relu2"] if block is Bottleneck else []) + ["layer1.0.relu_out"]
        check(names[:len(want)] == want and names[-1] == f"layer4.{layers[3] - 1}.relu_out",
              f"torchvision {name}: names {names[:len(want)]} ... {names[-1]}")
        run.close()


def check_walk(name, model, x):
    run = rr.FeatureRelus(model)
    # the relu_out of each block is the block's output; the stem relu feeds the max-pool
    seen = {}
    handles = [blk.register_forward_hook(lambda m, i, o, n=n: seen.__setitem__(n, o))
               for n, blk in rr.blocks(model)]
    with torch.no_grad():
        logits, acts = run(model, x)
    for h in handles:
        h.remove()
    names = rr.feature_relu_names(model)
    check(all(acts[names.index(f"{n}.relu_out")] is seen[n] for n in seen),
          f"{name}: each block's relu_out call is the block's output ({len(seen)} blocks)")
    check(len(acts) == (17 if name == "resnet18" else 49), f"{name}: {len(acts)} feature ReLUs")
    res = [a.shape[-1] for a in acts]
    spec = mgr.NETS[name]
    check(res == expected_resolutions(spec["block"], spec["layers"], x.shape[-1]),
          f"{name}: resolutions at {x.shape[-1]}: {sorted(set(res), reverse=True)}")
    # all-ones masks: bit for bit the unmasked pass
    with torch.no_grad():
        logits1, acts1 = run(model, x, [torch.ones(a.shape[-2:]) for a in acts])
    check(torch.equal(logits1, logits) and all(torch.equal(a, b) for a, b in zip(acts, acts1)),
          f"{name}: all-ones masks give the unmasked pass bit for bit")
    # a checkerboard mask on the first block's relu_out: every channel zero there, and the next
    # block's input (its skip) carries the zeros
    l = names.index("layer1.0.relu_out")
    h, w = acts[l].shape[-2:]
    keep = [None] * len(acts)
    keep[l] = ((torch.arange(h)[:, None] + torch.arange(w)[None, :]) % 2 == 0).float()
    nxt = {}
    hook = model.layer1[1].register_forward_pre_hook(lambda m, i: nxt.__setitem__("in", i[0]))
    with torch.no_grad():
        logits2, acts2 = run(model, x, keep)
    hook.remove()
    off = keep[l] == 0
    check(bool((acts2[l][:, :, off] == 0).all()) and bool((acts2[l][:, :, ~off] == acts[l][:, :, ~off]).all()),
          f"{name}: masking layer {l} ({names[l]}) zeroes every channel at the suppressed locations only")
    check(nxt["in"] is acts2[l] and bool((nxt["in"][:, :, off] == 0).all()),
          f"{name}: the next block (residual branch and skip) reads the masked output")
    check(all(torch.equal(a, b) for a, b in zip(acts[:l], acts2[:l])) and not torch.equal(logits2, logits),
          f"{name}: layers before the mask unchanged, logits changed")
    run.close()


def check_algorithm(name, model, x, opt_all, quick):
    run = rr.FeatureRelus(model)
    a = rr.licnn(model, x, Options(), run)
    n_layers = len(a["per_class"][0]["mask"])
    last = a["per_class"][0]
    m_last = last["gradmax"][-1]
    check(maxdiff(m_last, m_last.flatten()[0].expand_as(m_last)) <= 1e-6 * float(m_last.abs().max()),
          f"{name}: the last feature ReLU's Max-C map is constant ({float(m_last.flatten()[0]):.6f})")
    supp = [float((pc["mask"][-1] == 0).float().mean()) for pc in a["per_class"]]
    check(any(0 < s < 1 for s in supp),
          f"{name}: the last layer's mask keeps some locations and suppresses others (suppressed {supp})")
    # the last layer is not masked by default, masked with inhibit_last
    il = rr.licnn(model, x, Options(inhibit_last=True), run)
    r = next(i for i, s in enumerate(supp) if s > 0)
    off = a["per_class"][r]["mask"][-1] == 0
    check(bool((il["per_class"][r]["after"][-1][off] == 0).all()) and
          bool((a["per_class"][r]["after"][-1][off] != 0).any()),
          f"{name}: the last layer is masked with inhibit_last only (rank {r})")
    check(torch.equal(a["per_class"][r]["mask"][-2], il["per_class"][r]["mask"][-2]),
          f"{name}: inhibit_last changes no mask")
    # one class at a time == batched
    for vname in opt_all:
        opt = mgr.VARIANTS[vname]
        p = rr.licnn(model, x, opt, run)
        b = rr.licnn_batched(model, x, opt, run)
        flips = sum(int((p["per_class"][k]["mask"][l] != 0).ne(b["mask"][l][k] != 0).sum())
                    for k in range(opt.top_k) for l in range(n_layers))
        check(flips == 0 and maxdiff(p["attention"], b["attention"]) < 1e-5
              and maxdiff(p["logits_after"], b["logits_after"]) < 1e-5,
              f"{name} batched == per-class [{vname}]: mask flips {flips}, attention "
              f"{maxdiff(p['attention'], b['attention']):.2e}")
    # unfold == loops on the Max-C maps of the stem and of every layer up to 17x17
    worst = 0.0
    for l in range(n_layers):
        m = last["gradmax"][l]
        if m.shape[0] > 17 and l != 0:
            continue
        li_u = lateral_inhibition(m, 7, 0.1, 0.9)
        worst = max(worst, maxdiff(li_u, lateral_inhibition_loop(m, 7, 0.1, 0.9)) / float(li_u.abs().max()))
    check(worst < 1e-5, f"{name}: LI unfold == float64 loops (largest rel diff {worst:.2e})")
    check(all(torch.equal(l2_normalize(lateral_inhibition(last["gradmax"][l], 7, 0.1, 0.9)), last["inhibition"][l])
              for l in range(n_layers)), f"{name}: inhibition = L2n(LI(Max-C)) on every layer")
    if not quick:
        run64 = rr.FeatureRelus(model.double())
        a64 = rr.licnn(model, x.double(), Options(), run64)
        run64.close()
        model.float()
        flips = sum(int((a["per_class"][k]["mask"][l] != 0).ne(a64["per_class"][k]["mask"][l] != 0).sum())
                    for k in range(5) for l in range(n_layers))
        total = sum(int(m.numel()) for pc in a["per_class"] for m in pc["mask"])
        check(torch.equal(a["topk"], a64["topk"]), f"{name}: float64 top-5 == float32 top-5")
        print(f"info {name} float32 vs float64: mask flips {flips}/{total}, saliency rel L2 "
              f"{gt.rel_l2(a['saliency'], a64['saliency']):.2e}")
    run.close()
    return a


def load(d, name):
    cases, meta = read_safetensors(os.path.join(d, name, "cases.safetensors"))
    base, _ = read_safetensors(os.path.join(d, name, "baselines.safetensors"))
    return cases, base, meta


def tolerances(name):
    path = os.path.join(mgr.OUT_DIR, name, "tolerances.json")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)["tolerance"]


def mask_allowance(name):
    """The fraction of mask locations that may differ (tolerances.json; 0.1% before it exists)."""
    path = os.path.join(mgr.OUT_DIR, name, "tolerances.json")
    if not os.path.exists(path):
        return 1e-3
    with open(path) as f:
        return json.load(f)["mask_mismatch_allowance"]


def compare(name, got, cases, tol, label):
    """got: name -> tensor of cases.safetensors' layout. Top-5, masks, maps / tolerance."""
    worst, ok_maps = 0.0, True
    for k, v in cases.items():
        if k.endswith(".topk"):
            check(torch.equal(got[k], v), f"{name} {label}: {k} identical")
    masks = [k for k in cases if ".mask." in k]
    agree = sum(int(((got[k] != 0) == (cases[k] != 0)).sum()) for k in masks)
    total = sum(int(cases[k].numel()) for k in masks)
    allowance = mask_allowance(name)
    check(agree >= (1 - allowance) * total,
          f"{name} {label}: masks {agree}/{total} equal ({100.0 * agree / total:.3f}%, allowance {100 * allowance:.2f}%)")
    if tol is None:
        print(f"info {name} {label}: no tolerances.json yet")
        return
    for t_name, t in tol.items():
        if t_name.startswith("baselines."):
            continue
        base, _, r = t_name.rpartition(".")
        if r.startswith("r") and f"{base}" in cases and r[1:].isdigit() and not t_name in cases:
            a, b = got[base][int(r[1:])], cases[base][int(r[1:])]
        elif t_name in cases:
            a, b = got[t_name], cases[t_name]
        else:
            continue
        ratio = gt.rel_l2(a, b) / t
        worst = max(worst, ratio)
        if ratio > 1:
            ok_maps = False
            print(f"     {t_name}: rel L2 {gt.rel_l2(a, b):.2e} > tolerance {t:.2e}")
    check(ok_maps, f"{name} {label}: every map within its tolerance (largest ratio {worst:.2f})")


def compare_baselines(name, got, base, tol, label):
    worst, ok = 0.0, True
    for k, v in base.items():
        if k.endswith(".topk"):
            check(torch.equal(got[k], v), f"{name} {label}: baselines {k} identical")
            continue
        if k.endswith(".logits"):
            continue
        keys = [f"baselines.{k}"] if not k.endswith(".maps") else [f"baselines.{k}.r{r}" for r in range(v.shape[0])]
        for r, tk in enumerate(keys):
            a, b = (got[k], v) if len(keys) == 1 else (got[k][r], v[r])
            ratio = gt.rel_l2(a, b) / tol[tk]
            worst = max(worst, ratio)
            ok = ok and ratio <= 1
    check(ok, f"{name} {label}: every baseline map within its tolerance (largest ratio {worst:.2f})")


def check_files(name, model, images, quick):
    d = mgr.OUT_DIR
    weights, _ = read_safetensors(os.path.join(d, name, "weights.safetensors"))
    built = mgr.build_net(name).state_dict()
    check(set(weights) == set(built) and all(torch.equal(weights[k], built[k]) for k in built),
          f"{name}: weights.safetensors regenerated from the seed ({len(weights)} tensors)")
    cases, base, meta = load(d, name)
    layers = json.loads(meta["layers"])
    check([l["name"] for l in layers] == rr.feature_relu_names(model), f"{name}: layer table in the metadata")
    run = rr.FeatureRelus(model)
    for i, vs in enumerate(mgr.VARIANTS_PER_IMAGE[name]):
        for vname in vs[:1] if quick else vs:
            res = rr.licnn(model, images[i], mgr.VARIANTS[vname], run)
            pre = f"img{i}.{vname}"
            for key in ("saliency", "logits_after", "logits", "probs", "attention"):
                if f"{pre}.{key}" in cases:
                    dd = maxdiff(res[key], cases[f"{pre}.{key}"])
                    check(dd < 1e-6, f"{name}: stored {pre}.{key} reproduced (max diff {dd:.2e})")
            check(torch.equal(res["topk"], cases[f"{pre}.topk"]), f"{name}: {pre}.topk reproduced")
    run.close()
    return cases, base


def check_folded(name, model, images, cases, base):
    folded = rr.fold_batch_norm(model)
    run = rr.FeatureRelus(folded)
    got = mgr.cases_of(name, folded, run, images)
    compare(name, got, cases, tolerances(name), "batch norm folded")
    got_b = mgr.baselines(name, folded, run, images)
    tol = tolerances(name)
    if tol is not None:
        compare_baselines(name, got_b, base, tol, "batch norm folded")
    run.close()


def main():
    quick = "--quick" in sys.argv
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    inputs, meta = read_safetensors(os.path.join(mgr.OUT_DIR, "inputs.safetensors"))
    images = [inputs[f"img{i}.input"] for i in range(len(inputs))]
    seeds = json.loads(meta["images"])["seeds"]
    check(all(torch.equal(mgr.make_image(s), images[i]) for i, s in enumerate(seeds)),
          f"inputs regenerated from seeds {seeds}")
    if "--compare" in sys.argv:
        other = sys.argv[sys.argv.index("--compare") + 1]
        for name in mgr.NETS:
            cases, base, _ = load(mgr.OUT_DIR, name)
            oc, ob, om = load(other, name)
            label = f"{om.get('cpu')} / {om.get('aten_cpu_capability')}"
            compare(name, oc, cases, tolerances(name), label)
            compare_baselines(name, ob, base, tolerances(name), label)
    else:
        check_construction(quick)
        for name in mgr.NETS:
            model = mgr.build_net(name)
            check_walk(name, model, images[0])
            check_algorithm(name, model, images[0], mgr.VARIANTS_PER_IMAGE[name][0], quick)
            cases, base = check_files(name, model, images, quick)
            if not quick:
                check_folded(name, model, images, cases, base)
    print("FAILED: %d" % len(FAILURES) if FAILURES else "all checks passed")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
