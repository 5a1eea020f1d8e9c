"""Training-recipe sweep for the bundled shapes model: a PyTorch mirror of dev.licnn.train.Trainer.

The same network (VggBlocks with the pooled classifier), initialisation (torchvision scheme, LeCun
normal classifier), Adam with cosine decay, dropout, batch size and data as `licnn train`, so that
many settings can be compared side by side on a GPU in minutes; the bundled weights themselves come
from `licnn train` (DJL, CPU). Each setting also scores LICNN's pointing game (top-5 saliency, 15 px)
with a batched version of engine/src/test/python/licnn_reference.py.

  python3 recipe_sweep.py drive                 generate data (Java generator), decode, run settings in parallel
  python3 recipe_sweep.py work NAME JSON        one setting (started by drive)

Environment: JAVA and GEN_CP (java and the server classes, for the generator), NTRAIN (16000),
CONFIGS (names, comma-separated), EPOCHS (cap), T_END (unix time to stop by), RUN and OUT (folders).
Results of one run on one H200: sweep.json beside this file.
"""
import json, os, sys, time, subprocess, math, csv, struct
import numpy as np

ROOT = os.path.dirname(os.path.abspath(__file__))
OUT = os.environ.get("RUN", "/tmp/run")
FINAL = os.environ.get("OUT", "/tmp/out")
DATA = os.environ.get("DATA", "/tmp/shapes")
CACHE = os.environ.get("CACHE", "/dev/shm/cache")
T_END = float(os.environ.get("T_END", "0")) or (time.time() + 1e9)
JAVA = os.environ.get("JAVA", "java")
GEN_CP = os.environ.get("GEN_CP", "server/target/classes")
THREADS = os.environ.get("GEN_THREADS", "16")

W16 = [4, 4, "M", 8, 8, "M", 16, 16, 16, "M", 32, 32, 32, "M", 32, 32, 32, "M"]
W8 = [8, 8, "M", 16, 16, "M", 32, 32, 32, "M", 64, 64, 64, "M", 64, 64, 64, "M"]
WMID = [8, 8, "M", 16, 16, "M", 16, 16, 16, "M", 32, 32, 32, "M", 32, 32, 32, "M"]
WIDTHS = {"w16": W16, "w8": W8, "wmid": WMID}


def gen(out, ntrain, nnat, nadv, own):
    if os.path.exists(os.path.join(out, "manifest.csv")):
        return
    cmd = [JAVA, "-Djava.awt.headless=true", "-cp", GEN_CP,
           "dev.licnn.dataset.DatasetMain", "--out", out, "--seed", "7", "--train", str(ntrain),
           "--natural", str(nnat), "--adversarial", str(nadv), "--own-rate", str(own), "--threads", THREADS]
    t = time.time()
    subprocess.run(cmd, check=True)
    print(f"gen {out} {ntrain} in {time.time()-t:.1f}s", flush=True)


def _load(args):
    from PIL import Image
    path, is_mask = args
    im = Image.open(path)
    if is_mask:
        return (np.asarray(im.convert("L")) > 127)
    return np.asarray(im.convert("RGB"))


def decode(data, split, limit, tag):
    os.makedirs(CACHE, exist_ok=True)
    xf = os.path.join(CACHE, f"{tag}_{split}_x.npy")
    if os.path.exists(xf):
        return
    from multiprocessing import Pool
    rows = [r for r in csv.DictReader(open(os.path.join(data, "manifest.csv"))) if r["split"] == split]
    rows = rows[:limit]
    t = time.time()
    with Pool(int(THREADS)) as p:
        xs = p.map(_load, [(os.path.join(data, r["file"]), False) for r in rows], chunksize=64)
        ms = p.map(_load, [(os.path.join(data, r["mask"]), True) for r in rows], chunksize=64) if split != "train" else None
    np.save(os.path.join(CACHE, f"{tag}_{split}_y.npy"), np.array([int(r["class_id"]) for r in rows], dtype=np.int64))
    np.save(os.path.join(CACHE, f"{tag}_{split}_own.npy"), np.array([r["own_background"] == "true" for r in rows]))
    if ms is not None:
        np.save(os.path.join(CACHE, f"{tag}_{split}_m.npy"), np.stack(ms))
    np.save(xf, np.stack(xs))
    print(f"decoded {tag}/{split}: {len(rows)} in {time.time()-t:.1f}s", flush=True)


# ---------------------------------------------------------------- model

def build(widths, hidden=128, ncls=10, dropout=0.3):
    import torch.nn as nn
    layers, c = [], 3
    for v in widths:
        if v == "M":
            layers.append(nn.MaxPool2d(2, 2))
        else:
            layers += [nn.Conv2d(c, v, 3, padding=1), nn.BatchNorm2d(v), nn.ReLU()]
            c = v
    m = nn.Module()
    m.features = nn.Sequential(*layers)
    m.avgpool = nn.AdaptiveAvgPool2d(1)  # == adaptive 7 then the pooled classifier's mean
    m.classifier = nn.Sequential(nn.Linear(c, hidden), nn.ReLU(), nn.Dropout(dropout), nn.Linear(hidden, hidden),
                                 nn.ReLU(), nn.Dropout(dropout), nn.Linear(hidden, ncls))
    for mod in m.modules():
        if isinstance(mod, nn.Conv2d):
            nn.init.kaiming_normal_(mod.weight, mode="fan_out", nonlinearity="relu")
            nn.init.zeros_(mod.bias)
        elif isinstance(mod, nn.BatchNorm2d):
            nn.init.ones_(mod.weight); nn.init.zeros_(mod.bias)
        elif isinstance(mod, nn.Linear):
            nn.init.normal_(mod.weight, 0, math.sqrt(1.0 / mod.weight.shape[1]))
            nn.init.zeros_(mod.bias)
    return m


def forward(m, x):
    import torch
    h = m.features(x)
    h = torch.flatten(m.avgpool(h), 1)
    return m.classifier(h)


def state_dict_torchvision(m):
    sd = {k: v.detach().float().cpu().contiguous() for k, v in m.state_dict().items() if "num_batches" not in k}
    w = sd["classifier.0.weight"]
    sd["classifier.0.weight"] = (w / 49.0)[:, :, None].repeat(1, 1, 49).reshape(w.shape[0], -1).contiguous()
    return sd


def write_safetensors(path, tensors, meta=None):
    header, blobs, off = {}, [], 0
    for name in sorted(tensors):
        a = tensors[name].numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensors[name].shape), "data_offsets": [off, off + len(a)]}
        blobs.append(a); off += len(a)
    if meta:
        header["__metadata__"] = {str(k): str(v) for k, v in meta.items()}
    hb = json.dumps(header, separators=(",", ":")).encode()
    hb += b" " * ((8 - len(hb) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(hb))); f.write(hb)
        for b in blobs:
            f.write(b)


def read_safetensors(path):
    import torch
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n)); body = f.read()
    header.pop("__metadata__", None)
    out = {}
    for k, info in header.items():
        b, e = info["data_offsets"]
        out[k] = torch.from_numpy(np.frombuffer(body[b:e], dtype="<f4").reshape(info["shape"]).copy())
    return out


# ---------------------------------------------------------------- LICNN (batched, GPU)

def dist_weights(k, dev):
    import torch
    p = k // 2
    o = torch.arange(k, dtype=torch.float64) - p
    dy, dx = torch.meshgrid(o, o, indexing="ij")
    d = torch.sqrt(dy * dy + dx * dx) / k
    return (d * torch.exp(-d)).float().reshape(1, k * k, 1).to(dev)


def l2n(x):
    import torch
    n = torch.sqrt((x * x).flatten(1).sum(1)).clamp_min(1e-30)
    shape = (-1,) + (1,) * (x.dim() - 1)
    nz = (n > 1e-30).float()
    return x / n.reshape(shape) * nz.reshape(shape)


def licnn_saliency(m, x, top_k=5, k=7, a=0.1, b=0.9):
    """x [B,3,H,W] -> saliency [B,H,W] (spec defaults: after softmax, last ReLU not inhibited)."""
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
    B, _, H, W = x.shape
    with torch.no_grad():
        top = forward(m, x).topk(top_k, dim=1).indices  # [B,K]
    xb = x.repeat_interleave(top_k, 0)
    cls = top.reshape(-1)
    acts = []
    h = xb.clone().requires_grad_(True)
    for mod in m.features:
        h = mod(h)
        if isinstance(mod, nn.ReLU):
            h.retain_grad(); acts.append(h)
    logits = m.classifier(torch.flatten(m.avgpool(h), 1))
    s = torch.softmax(logits, 1)[torch.arange(len(cls), device=x.device), cls].sum()
    s.backward()
    wts = dist_weights(k, x.device)
    keeps = []
    for li, al in enumerate(acts):
        if li == len(acts) - 1:
            keeps.append(None); continue
        g = al.grad.max(1).values  # [N,h,w]
        mm = l2n(g)
        N, hh, ww = mm.shape
        cols = F.unfold(mm[:, None], kernel_size=k, padding=k // 2)  # [N,k*k,hw]
        avg = torch.exp(-cols.sum(1) / (k * k))
        diff = (wts * torch.clamp(cols - mm.reshape(N, 1, -1), min=0)).sum(1)
        lim = l2n((a * avg + b * diff).reshape(N, hh, ww))
        keeps.append((mm > lim).float()[:, None])
        del cols
    with torch.no_grad():
        h = xb
        att = torch.zeros(xb.shape[0], H, W, device=x.device)
        l = 0
        for mod in m.features:
            h = mod(h)
            if isinstance(mod, nn.ReLU):
                if keeps[l] is not None:
                    h = h * keeps[l]
                l += 1
                att += F.interpolate(h.sum(1, keepdim=True), size=(H, W), mode="nearest")[:, 0]
        att = l2n(att).reshape(B, top_k, H, W).sum(1)
        return l2n(att)


def pointing(sal, masks, tol=15):
    import torch
    import torch.nn.functional as F
    r = int(math.ceil(tol))
    o = torch.arange(-r, r + 1, device=sal.device, dtype=torch.float32)
    disk = ((o[:, None] ** 2 + o[None, :] ** 2) <= tol * tol).float()[None, None]
    dil = F.conv2d(masks[:, None].float(), disk, padding=r)[:, 0] > 0
    B, H, W = sal.shape
    arg = sal.reshape(B, -1).argmax(1)
    return dil.reshape(B, -1)[torch.arange(B, device=sal.device), arg]


# ---------------------------------------------------------------- worker

def work(name, cfg):
    import torch
    import torch.nn.functional as F
    torch.backends.cudnn.benchmark = True
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    dev = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    torch.manual_seed(cfg.get("seed", 1))
    tag = cfg.get("data", "d80")
    ntrain = cfg.get("ntrain", 8000)
    X = torch.from_numpy(np.load(os.path.join(CACHE, f"{tag}_train_x.npy"), mmap_mode="r")[:ntrain].copy()).to(dev)
    Y = torch.from_numpy(np.load(os.path.join(CACHE, f"{tag}_train_y.npy"))[:ntrain]).to(dev)
    ntrain = len(Y)
    EN = int(os.environ.get("EVAL_N", "500"))
    ev = {}
    for sp in ("natural", "adversarial"):
        ev[sp] = (torch.from_numpy(np.load(os.path.join(CACHE, f"d80_{sp}_x.npy"))[:EN]).to(dev),
                  torch.from_numpy(np.load(os.path.join(CACHE, f"d80_{sp}_y.npy"))[:EN]).to(dev),
                  torch.from_numpy(np.load(os.path.join(CACHE, f"d80_{sp}_m.npy"))[:EN]).to(dev),
                  torch.from_numpy(np.load(os.path.join(CACHE, f"d80_{sp}_own.npy"))[:EN]).to(dev))
    mean = torch.tensor([0.485, 0.456, 0.406], device=dev).reshape(1, 3, 1, 1)
    std = torch.tensor([0.229, 0.224, 0.225], device=dev).reshape(1, 3, 1, 1)

    def prep(u8):
        return (u8.permute(0, 3, 1, 2).float() / 255.0 - mean) / std

    m = build(WIDTHS[cfg.get("widths", "w16")], dropout=cfg.get("dropout", 0.3)).to(dev)
    if cfg.get("init"):
        sd = read_safetensors(cfg["init"])
        w = sd["classifier.0.weight"]
        sd["classifier.0.weight"] = w.reshape(w.shape[0], -1, 49).sum(2)
        own = m.state_dict()
        for k in own:
            if k in sd:
                own[k].copy_(sd[k])
    epochs = cfg.get("epochs", 30)
    bs = cfg.get("bs", 32)
    steps = (ntrain + bs - 1) // bs
    lr0, lr1 = cfg.get("lr", 1e-3), cfg.get("final_lr", 5e-5)
    opt = torch.optim.Adam(m.parameters(), lr=lr0, weight_decay=cfg.get("wd", 0.0))
    total = epochs * steps
    hist = []
    g = torch.Generator(device="cpu"); g.manual_seed(cfg.get("seed", 1))
    t0 = time.time()
    step = 0
    for e in range(epochs):
        m.train()
        perm = torch.randperm(ntrain, generator=g).to(dev)
        lsum = 0.0
        for s in range(steps):
            lr = lr1 + (lr0 - lr1) * 0.5 * (1 + math.cos(math.pi * min(step, total) / total))
            for pg in opt.param_groups:
                pg["lr"] = lr
            idx = perm[s * bs:(s + 1) * bs]
            x = prep(X[idx])
            if cfg.get("flip"):
                x = torch.where(torch.rand(x.shape[0], 1, 1, 1, device=dev) < 0.5, x.flip(3), x)
            loss = F.cross_entropy(forward(m, x), Y[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            lsum += loss.detach()
            step += 1
        m.eval()
        rec = {"epoch": e + 1, "loss": round(float(lsum) / steps, 4), "t": round(time.time() - t0, 1)}
        with torch.no_grad():
            for sp, (x, y, _, own) in ev.items():
                pred = torch.cat([forward(m, prep(x[i:i + 250])).argmax(1) for i in range(0, len(x), 250)])
                ok = (pred == y)
                rec[sp] = round(ok.float().mean().item(), 4)
                if sp == "natural":
                    rec["nat_own"] = round(ok[own].float().mean().item(), 4)
                    rec["nat_other"] = round(ok[~own].float().mean().item(), 4)
        if (e + 1) in cfg.get("pg_at", []) or e + 1 == epochs or time.time() > T_END - 25:
            for sp, (x, y, mk, own) in ev.items():
                hits = []
                for i in range(0, len(x), 25):
                    sal = licnn_saliency(m, prep(x[i:i + 25]))
                    hits.append(pointing(sal, mk[i:i + 25]))
                    m.zero_grad(set_to_none=True)
                rec["pg_" + sp] = round(torch.cat(hits).float().mean().item(), 4)
        hist.append(rec)
        print(name, json.dumps(rec), flush=True)
        with open(os.path.join(OUT, f"res_{name}.json"), "w") as f:
            json.dump({"name": name, "cfg": cfg, "hist": hist}, f)
        if time.time() > T_END - 25:
            break
    os.makedirs(os.path.join(OUT, "w"), exist_ok=True)
    write_safetensors(os.path.join(OUT, "w", f"{name}.safetensors"), state_dict_torchvision(m))


CONFIGS = {
    "base": {},
    "lr3e3": {"lr": 3e-3},
    "w8": {"widths": "w8"},
    "wmid": {"widths": "wmid"},
    "own50": {"data": "d50"},
    "n16k": {"ntrain": 16000, "epochs": 15},
    "bs16": {"bs": 16},
    "nodrop": {"dropout": 0.0},
    "wd": {"wd": 5e-4},
    "init": {"init": "MODELS/weights.safetensors", "epochs": 20},
    "w8own50": {"widths": "w8", "data": "d50"},
    "flip": {"flip": True},
}


def drive():
    os.makedirs(OUT, exist_ok=True)
    t = time.time()
    ntr = int(os.environ.get("NTRAIN", "16000"))
    gen(DATA + "80", ntr, 500, 500, 0.8)
    n50 = min(8000, ntr)
    gen(DATA + "50", n50, 0, 0, 0.5)
    decode(DATA + "80", "train", ntr, "d80")
    decode(DATA + "80", "natural", 500, "d80")
    decode(DATA + "80", "adversarial", 500, "d80")
    decode(DATA + "50", "train", n50, "d50")
    print(f"data ready in {time.time()-t:.1f}s", flush=True)
    names = os.environ.get("CONFIGS", ",".join(CONFIGS)).split(",")
    ep = os.environ.get("EPOCHS")
    procs = []
    for n in names:
        cfg = dict(CONFIGS[n])
        if ep:
            cfg["epochs"] = min(cfg.get("epochs", 30), int(ep))
        if "init" in cfg:
            cfg["init"] = cfg["init"].replace("MODELS", os.environ.get("MODELS", "models/shapes-vgg16"))
        cfg.setdefault("pg_at", [10, 20])
        log = open(os.path.join(OUT, f"log_{n}.txt"), "w")
        procs.append(subprocess.Popen([sys.executable, os.path.abspath(__file__), "work", n, json.dumps(cfg)],
                                      stdout=log, stderr=subprocess.STDOUT))
    for p in procs:
        p.wait()
    summary = {}
    for n in names:
        f = os.path.join(OUT, f"res_{n}.json")
        if os.path.exists(f):
            summary[n] = json.load(open(f))
    with open(os.path.join(OUT, "summary.json"), "w") as f:
        json.dump(summary, f)
    os.makedirs(FINAL, exist_ok=True)
    with open(os.path.join(FINAL, "summary.json"), "w") as f:
        json.dump(summary, f)
    subprocess.run("cd %s && tar cf %s/results.tar *.json *.txt" % (OUT, FINAL), shell=True)
    subprocess.run("cd %s/w && tar cf %s/weights.tar $(ls | grep -v w8) ; tar cf %s/weights_w8.tar *w8*" % (OUT, FINAL, FINAL), shell=True)
    for n, r in summary.items():
        print(n, {k: v for k, v in r["cfg"].items() if k != "pg_at"})
        for h in r["hist"]:
            if "pg_natural" in h or h is r["hist"][-1] or h["epoch"] % 5 == 0:
                print("  e%d l%.3f nat %.3f (own %.3f oth %.3f) adv %.3f pg %s/%s t%.0f" % (
                    h["epoch"], h["loss"], h["natural"], h["nat_own"], h["nat_other"], h["adversarial"],
                    h.get("pg_natural", "-"), h.get("pg_adversarial", "-"), h["t"]))

if __name__ == "__main__":
    if sys.argv[1] == "drive":
        drive()
    else:
        work(sys.argv[2], json.loads(sys.argv[3]))
