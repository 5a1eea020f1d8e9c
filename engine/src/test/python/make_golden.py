"""Generate the golden LICNN fixtures under engine/src/test/resources/golden/.

Run from the repository root:
    /usr/bin/python3 engine/src/test/python/make_golden.py

Writes weights.safetensors, weights-timm.safetensors, vgg-narrow.pt and
cases.safetensors (see golden/README.md for the tensor names).
"""

import json
import os
import struct
import sys

import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from licnn_reference import Options, licnn  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_DIR = os.path.normpath(os.path.join(HERE, "..", "resources", "golden"))

# torchvision vgg16 cfg "D" with narrow widths
CFG = [8, 8, "M", 16, 16, "M", 32, 32, 32, "M", 32, 32, 32, "M", 32, 32, 32, "M"]
HIDDEN = 64
NUM_CLASSES = 10
WEIGHT_SEED = 1234
# image i uses seed IMAGE_SEEDS[i]; a seed is replaced by the next integer until the
# top-6 logits of the image are pairwise more than MIN_GAP apart
IMAGE_SEEDS = [100, 200, 300]
MIN_GAP = 1e-3

VARIANTS = {
    "default": Options(),
    "logit": Options(after_softmax=False),
    "inhibit_last": Options(inhibit_last=True),
    "per_layer_norm": Options(per_layer_norm=True),
    "liz5": Options(k=5, a=0.2, b=0.8),
}
VARIANTS_PER_IMAGE = [list(VARIANTS), ["default"], ["default"]]

MEAN = (0.485, 0.456, 0.406)
STD = (0.229, 0.224, 0.225)


class NarrowVGG(nn.Module):
    """VGG-16 layout with torchvision module names (features / avgpool / classifier)."""

    def __init__(self):
        super().__init__()
        layers = []
        in_ch = 3
        for v in CFG:
            if v == "M":
                layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
            else:
                layers.append(nn.Conv2d(in_ch, v, kernel_size=3, padding=1))
                layers.append(nn.ReLU(inplace=False))
                in_ch = v
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.classifier = nn.Sequential(
            nn.Linear(in_ch * 7 * 7, HIDDEN),
            nn.ReLU(inplace=False),
            nn.Dropout(),
            nn.Linear(HIDDEN, HIDDEN),
            nn.ReLU(inplace=False),
            nn.Dropout(),
            nn.Linear(HIDDEN, NUM_CLASSES),
        )

    def forward(self, x):
        x = self.features(x)
        x = self.avgpool(x)
        x = torch.flatten(x, 1)
        return self.classifier(x)


def build_model():
    model = NarrowVGG()
    torch.manual_seed(WEIGHT_SEED)
    for mod in list(model.features) + list(model.classifier):
        if isinstance(mod, nn.Conv2d):
            nn.init.kaiming_normal_(mod.weight, mode="fan_out", nonlinearity="relu")
            nn.init.uniform_(mod.bias, -0.1, 0.1)
        elif isinstance(mod, nn.Linear):
            nn.init.normal_(mod.weight, 0.0, 0.05)
            nn.init.uniform_(mod.bias, -0.1, 0.1)
    return model.eval()


def make_image(seed, size=224):
    """A structured test image: smooth colour blobs, a faint grating, and a bright
    striped ellipse; values in [0,1], then ImageNet-normalised. Returns [1,3,H,W] f32."""
    rng = np.random.RandomState(seed)
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float64)
    img = np.ones((3, size, size)) * rng.uniform(0.2, 0.5, size=3)[:, None, None]
    for _ in range(12):
        cy, cx = rng.uniform(0, size, size=2)
        s = rng.uniform(10, 40)
        col = rng.uniform(-0.3, 0.3, size=3)
        g = np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * s * s))
        img += col[:, None, None] * g[None]
    fy, fx = rng.uniform(0.05, 0.25, size=2)
    img += 0.06 * np.sin(fy * yy + fx * xx + rng.uniform(0, 2 * np.pi))[None]
    # bright striped ellipse
    cy, cx = rng.uniform(70, 154, size=2)
    ry, rx = rng.uniform(25, 55, size=2)
    ang = rng.uniform(0, np.pi)
    yr = (yy - cy) * np.cos(ang) + (xx - cx) * np.sin(ang)
    xr = -(yy - cy) * np.sin(ang) + (xx - cx) * np.cos(ang)
    inside = (yr / ry) ** 2 + (xr / rx) ** 2 <= 1.0
    col = rng.uniform(0.7, 1.0, size=3)
    stripes = 0.15 * np.sin(xr * rng.uniform(0.2, 0.5))
    for ch in range(3):
        img[ch][inside] = col[ch] + stripes[inside]
    img = np.clip(img, 0.0, 1.0)
    img = (img - np.array(MEAN)[:, None, None]) / np.array(STD)[:, None, None]
    return torch.from_numpy(img.astype(np.float32))[None]


def top_gap(model, x, n=6):
    with torch.no_grad():
        logits = model(x)[0]
    v = torch.sort(logits, descending=True).values[:n]
    return float((v[:-1] - v[1:]).min())


# ---------------------------------------------------------------- safetensors

_DTYPES = {torch.float32: "F32", torch.int64: "I64"}


def write_safetensors(path, tensors, metadata=None):
    """Minimal safetensors writer: u64 LE header length, JSON header, raw LE bytes."""
    header = {}
    blobs = []
    offset = 0
    for name in sorted(tensors):
        t = tensors[name].detach().contiguous().cpu()
        if t.dtype not in _DTYPES:
            raise ValueError(f"{name}: unsupported dtype {t.dtype}")
        np_dtype = "<f4" if t.dtype == torch.float32 else "<i8"
        data = t.numpy().astype(np_dtype, copy=False).tobytes(order="C")
        header[name] = {"dtype": _DTYPES[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    hbytes = json.dumps(header, separators=(",", ":")).encode("utf-8")
    hbytes += b" " * ((8 - len(hbytes) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(hbytes)))
        f.write(hbytes)
        for data in blobs:
            f.write(data)


def read_safetensors(path):
    """Minimal reader (used to check the writer). Returns (tensors, metadata)."""
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n).decode("utf-8"))
        body = f.read()
    meta = header.pop("__metadata__", {})
    out = {}
    for name, info in header.items():
        b, e = info["data_offsets"]
        np_dtype = {"F32": "<f4", "I64": "<i8"}[info["dtype"]]
        arr = np.frombuffer(body[b:e], dtype=np_dtype).reshape(info["shape"])
        out[name] = torch.from_numpy(arr.copy())
    return out, meta


# ---------------------------------------------------------------- main

def timm_state_dict(sd):
    out = {k: v for k, v in sd.items() if k.startswith("features.")}
    out["pre_logits.fc1.weight"] = sd["classifier.0.weight"].reshape(HIDDEN, CFG[-2], 7, 7)
    out["pre_logits.fc1.bias"] = sd["classifier.0.bias"]
    out["pre_logits.fc2.weight"] = sd["classifier.3.weight"].reshape(HIDDEN, HIDDEN, 1, 1)
    out["pre_logits.fc2.bias"] = sd["classifier.3.bias"]
    out["head.fc.weight"] = sd["classifier.6.weight"]
    out["head.fc.bias"] = sd["classifier.6.bias"]
    return out


def pick_images(model):
    images, seeds, gaps = [], [], []
    for seed in IMAGE_SEEDS:
        s = seed
        while True:
            x = make_image(s)
            g = top_gap(model, x)
            if g > MIN_GAP and s not in seeds:
                break
            print(f"image seed {s}: top-6 min gap {g:.3g} <= {MIN_GAP}, trying {s + 1}")
            s += 1
        images.append(x)
        seeds.append(s)
        gaps.append(g)
    return images, seeds, gaps


def main():
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    os.makedirs(OUT_DIR, exist_ok=True)
    model = build_model()
    for p in model.parameters():
        p.requires_grad_(False)  # only activation gradients are needed

    sd = {k: v.clone() for k, v in model.state_dict().items()}
    write_safetensors(os.path.join(OUT_DIR, "weights.safetensors"), sd,
                      {"format": "pt", "layout": "torchvision vgg16"})
    write_safetensors(os.path.join(OUT_DIR, "weights-timm.safetensors"), timm_state_dict(sd),
                      {"format": "pt", "layout": "timm vgg16.tv_in1k"})

    example = torch.zeros(1, 3, 224, 224)
    with torch.no_grad():
        traced = torch.jit.trace(model, example)
    torch.jit.save(traced, os.path.join(OUT_DIR, "vgg-narrow.pt"))

    images, seeds, gaps = pick_images(model)
    cases = {}
    summary = []
    for i, x in enumerate(images):
        cases[f"img{i}.input"] = x
        for vname in VARIANTS_PER_IMAGE[i]:
            opt = VARIANTS[vname]
            res = licnn(model, x, opt)
            pre = f"img{i}.{vname}"
            cases[f"{pre}.topk"] = res["topk"].to(torch.int64)
            cases[f"{pre}.logits"] = res["logits"]
            cases[f"{pre}.probs"] = res["probs"]
            cases[f"{pre}.attention"] = res["attention"]
            cases[f"{pre}.saliency"] = res["saliency"]
            cases[f"{pre}.logits_after"] = res["logits_after"]
            if i == 0 and vname == "default":
                for r, pc in enumerate(res["per_class"]):
                    for l in range(len(pc["mask"])):
                        cases[f"{pre}.mask.r{r}.l{l}"] = pc["mask"][l]
                        if r == 0:
                            cases[f"{pre}.gradmax.r0.l{l}"] = pc["gradmax"][l]
                            cases[f"{pre}.inhibition.r0.l{l}"] = pc["inhibition"][l]
                            cases[f"{pre}.before.r0.l{l}"] = pc["before"][l]
                            cases[f"{pre}.after.r0.l{l}"] = pc["after"][l]
                kept = [f"{float((pc['mask'][l] != 0).float().mean()):.3f}"
                        for l in range(len(pc["mask"]))]
                print(f"img0 default rank0 kept fraction per layer: {kept}")
            summary.append((i, vname, res["topk"].tolist(),
                            res["logits_after"].argmax(dim=1).tolist()))
            print(f"img{i} {vname}: top-5 {res['topk'].tolist()}, "
                  f"argmax after inhibition {res['logits_after'].argmax(dim=1).tolist()}")

    meta = {
        "net": json.dumps({
            "arch": "vgg16 (cfg D), narrow",
            "features_cfg": CFG,
            "conv": "3x3 pad 1 + ReLU", "pool": "max 2x2 stride 2",
            "avgpool": "AdaptiveAvgPool2d(7,7)",
            "classifier": [f"Linear({CFG[-2]}*7*7,{HIDDEN})", "ReLU", "Dropout",
                           f"Linear({HIDDEN},{HIDDEN})", "ReLU", "Dropout",
                           f"Linear({HIDDEN},{NUM_CLASSES})"],
            "feature_relus": 13,
            "init": {"seed": WEIGHT_SEED,
                     "conv.weight": "kaiming_normal_(fan_out, relu)",
                     "linear.weight": "normal(0, 0.05)", "bias": "uniform(-0.1, 0.1)"},
        }),
        "variants": json.dumps({k: v.as_dict() for k, v in VARIANTS.items()}),
        "variants_per_image": json.dumps({f"img{i}": v for i, v in enumerate(VARIANTS_PER_IMAGE)}),
        "images": json.dumps({"seeds": seeds, "top6_min_logit_gap": gaps,
                              "normalisation": {"mean": MEAN, "std": STD}}),
        "torch": torch.__version__,
    }
    write_safetensors(os.path.join(OUT_DIR, "cases.safetensors"), cases, meta)
    print("image seeds", seeds, "top-6 min logit gaps", [f"{g:.4f}" for g in gaps])
    for f in sorted(os.listdir(OUT_DIR)):
        print(f"{f}: {os.path.getsize(os.path.join(OUT_DIR, f))} bytes")
    return summary


if __name__ == "__main__":
    main()
