"""Reference implementation of LICNN (Lateral Inhibition-Inspired CNN) saliency maps.

Written for clarity, not speed. Steps (see docs/LICNN.md):

Per target class c:
  1. forward pass, keep every feature ReLU output A_l;
  2. score = softmax(logits)[c] (or the raw logit), back-propagate to G_l = dScore/dA_l;
  3. per feature ReLU: M = max_C(G_l), L2-normalised; LI = a*avg + b*diff over a k x k
     zone (zero padding k//2), L2-normalised; mask = M where M > LI else 0;
  4. second forward pass, zeroing all channels at suppressed locations (mask == 0) after
     every feature ReLU except the last (unless inhibit_last);
  5. attention = L2-normalise( sum_l nearest_upsample( Sum_C(A'_l) ) ).
Saliency = L2-normalise( sum of the attention maps of the top-k classes ).

Every L2 normalisation leaves an all-zero map as zeros (no division by zero).
"""

import math
from dataclasses import dataclass, asdict

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class Options:
    after_softmax: bool = True     # score = softmax(logits)[c]; False: raw logit
    inhibit_last: bool = False     # also mask the last feature ReLU in the second pass
    per_layer_norm: bool = False   # L2-normalise each Sum-C map S_l before summing
    k: int = 7                     # lateral inhibition zone side (odd)
    a: float = 0.1                 # weight of the average term
    b: float = 0.9                 # weight of the differential term
    top_k: int = 5                 # number of classes summed into the saliency map

    def as_dict(self):
        return asdict(self)


def l2_normalize(x):
    """x / ||x||_2 over all elements; an all-zero x stays all zero."""
    norm = torch.sqrt((x * x).sum())
    if norm.item() == 0.0:
        return torch.zeros_like(x)
    return x / norm


def distance_weights(k, dtype=torch.float32):
    """w(d) = d * exp(-d), d = euclidean distance to the centre of the k x k zone / k."""
    p = k // 2
    offs = torch.arange(k, dtype=torch.float64) - p
    dy, dx = torch.meshgrid(offs, offs, indexing="ij")
    d = torch.sqrt(dy * dy + dx * dx) / k
    return (d * torch.exp(-d)).to(dtype)  # [k, k], centre weight 0


def lateral_inhibition(m, k=7, a=0.1, b=0.9):
    """Un-normalised LI map of a (normalised) Max-C map m [H, W], with unfold.

    avg_ij  = exp(-(sum of the k*k window, padded zeros included) / (k*k))
    diff_ij = sum_uv w(d_uv) * max(0, m_uv - m_ij), padded neighbours have value 0
    LI_ij   = a * avg_ij + b * diff_ij
    """
    h, w = m.shape
    p = k // 2
    cols = F.unfold(m[None, None], kernel_size=k, padding=p)[0]  # [k*k, H*W]
    avg = torch.exp(-cols.sum(dim=0) / (k * k))
    centre = m.reshape(1, h * w)
    wts = distance_weights(k, m.dtype).reshape(k * k, 1)
    diff = (wts * torch.clamp(cols - centre, min=0)).sum(dim=0)
    return (a * avg + b * diff).reshape(h, w)


def lateral_inhibition_loop(m, k=7, a=0.1, b=0.9):
    """Same as lateral_inhibition, written as plain loops in float64 (for checking)."""
    h, w = m.shape
    p = k // 2
    vals = m.double().tolist()
    out = [[0.0] * w for _ in range(h)]
    for i in range(h):
        for j in range(w):
            total = 0.0
            diff = 0.0
            for u in range(i - p, i + p + 1):
                for v in range(j - p, j + p + 1):
                    x = vals[u][v] if (0 <= u < h and 0 <= v < w) else 0.0
                    total += x
                    d = math.sqrt((u - i) ** 2 + (v - j) ** 2) / k
                    diff += d * math.exp(-d) * max(0.0, x - vals[i][j])
            out[i][j] = a * math.exp(-total / (k * k)) + b * diff
    return torch.tensor(out, dtype=torch.float64)


def suppression_mask(m, li):
    """Gate: mask_ij = m_ij where m_ij > li_ij (strictly), else 0."""
    return torch.where(m > li, m, torch.zeros_like(m))


def relu_positions(features):
    return [i for i, mod in enumerate(features) if isinstance(mod, nn.ReLU)]


def run_network(model, x, keep=None):
    """Forward through model.features / avgpool / classifier.

    keep: optional list, one entry per feature ReLU: None (no masking) or a tensor
    broadcastable to the ReLU output ([H, W] or [N, 1, H, W]) holding 1 where the
    location is kept and 0 where it is suppressed.
    Returns (logits [N, classes], list of feature ReLU outputs (after masking)).
    """
    acts = []
    h = x
    layer = 0
    for mod in model.features:
        h = mod(h)
        if isinstance(mod, nn.ReLU):
            if keep is not None and keep[layer] is not None:
                h = h * keep[layer]
            acts.append(h)
            layer += 1
    h = model.avgpool(h)
    h = torch.flatten(h, 1)
    return model.classifier(h), acts


def score_of(logits, classes, after_softmax):
    """Sum over the batch of the score of classes[n] for sample n."""
    if after_softmax:
        s = torch.softmax(logits, dim=1)
    else:
        s = logits
    idx = torch.arange(logits.shape[0])
    return s[idx, torch.as_tensor(classes)].sum()


def attention_from_acts(acts, size, per_layer_norm):
    """acts: second-pass feature ReLU outputs of one sample, each [C, H, W]."""
    att = torch.zeros(size, dtype=acts[0].dtype)
    for a_l in acts:
        s_l = a_l.sum(dim=0)
        if per_layer_norm:
            s_l = l2_normalize(s_l)
        up = F.interpolate(s_l[None, None], size=size, mode="nearest")[0, 0]
        att = att + up
    return l2_normalize(att)


def attention_for_class(model, x, c, opt, run=run_network):
    """Category-specific attention map of class c for one image x [1, 3, H, W].

    run(model, x, keep) -> (logits, feature ReLU outputs) is the network walk (run_network for
    VGG; resnet_reference.FeatureRelus for ResNets); steps 2-5 do not depend on the network.
    """
    # 1. forward, keep the feature ReLU outputs (the input requires grad so that a
    #    graph is built even when the parameters do not)
    logits, acts = run(model, x.detach().clone().requires_grad_(True))
    for a_l in acts:
        a_l.retain_grad()
    # 2. back-propagate the score
    model.zero_grad(set_to_none=True)
    score_of(logits, [c], opt.after_softmax).backward()
    # 3. Max-C, lateral inhibition, gate
    n_layers = len(acts)
    gradmax, inhibition, masks, keep = [], [], [], []
    for l, a_l in enumerate(acts):
        g = a_l.grad[0]                          # [C, H, W]
        m = l2_normalize(g.max(dim=0).values)    # [H, W]
        li = l2_normalize(lateral_inhibition(m, opt.k, opt.a, opt.b))
        mask = suppression_mask(m, li)
        gradmax.append(m)
        inhibition.append(li)
        masks.append(mask)
        if l == n_layers - 1 and not opt.inhibit_last:
            keep.append(None)
        else:
            keep.append((mask != 0).to(x.dtype))
    # 4. second, masked forward pass (whole network)
    with torch.no_grad():
        logits2, acts2 = run(model, x, keep)
    # 5. response-based attention map
    size = tuple(x.shape[-2:])
    att = attention_from_acts([a[0] for a in acts2], size, opt.per_layer_norm)
    return {
        "attention": att,
        "logits_after": logits2[0].detach(),
        "gradmax": gradmax,
        "inhibition": inhibition,
        "mask": masks,
        "before": [a[0].detach().sum(dim=0) for a in acts],
        "after": [a[0].sum(dim=0) for a in acts2],
    }


def licnn(model, x, opt=None, run=run_network):
    """Saliency map of one image x [1, 3, H, W], one class at a time."""
    opt = opt or Options()
    model.eval()
    with torch.no_grad():
        logits, _ = run(model, x)
    logits = logits[0]
    probs = torch.softmax(logits, dim=0)
    top = torch.topk(logits, opt.top_k).indices  # descending score
    per_class = [attention_for_class(model, x, int(c), opt, run) for c in top]
    sal = torch.zeros_like(per_class[0]["attention"])
    for r in per_class:
        sal = sal + r["attention"]
    return {
        "topk": top,
        "logits": logits,
        "probs": probs,
        "attention": torch.stack([r["attention"] for r in per_class]),
        "saliency": l2_normalize(sal),
        "logits_after": torch.stack([r["logits_after"] for r in per_class]),
        "per_class": per_class,
    }


def licnn_batched(model, x, opt=None, run=run_network):
    """Same result as licnn, with all top-k classes in one batch (for checking)."""
    opt = opt or Options()
    model.eval()
    with torch.no_grad():
        logits, _ = run(model, x)
    top = torch.topk(logits[0], opt.top_k).indices
    kk = opt.top_k
    xb = x.detach().repeat(kk, 1, 1, 1)
    logits_b, acts = run(model, xb.clone().requires_grad_(True))
    for a_l in acts:
        a_l.retain_grad()
    model.zero_grad(set_to_none=True)
    score_of(logits_b, top, opt.after_softmax).backward()
    keep = []
    masks = []
    for l, a_l in enumerate(acts):
        gm = a_l.grad.max(dim=1).values  # [K, H, W]
        per_sample = []
        for n in range(kk):
            m = l2_normalize(gm[n])
            li = l2_normalize(lateral_inhibition(m, opt.k, opt.a, opt.b))
            per_sample.append(suppression_mask(m, li))
        mask = torch.stack(per_sample)
        masks.append(mask)
        if l == len(acts) - 1 and not opt.inhibit_last:
            keep.append(None)
        else:
            keep.append((mask != 0).to(x.dtype)[:, None])
    with torch.no_grad():
        logits2, acts2 = run(model, xb, keep)
    size = tuple(x.shape[-2:])
    att = torch.stack([attention_from_acts([a[n] for a in acts2], size, opt.per_layer_norm)
                       for n in range(kk)])
    return {
        "topk": top,
        "attention": att,
        "saliency": l2_normalize(att.sum(dim=0)),
        "logits_after": logits2.detach(),
        "mask": masks,
    }
