"""Explanation.save: the files of ``licnn explain`` (npy, heatmap/overlay/layers PNG, result.json)."""
from __future__ import annotations

import io
import json
import os
from typing import Any, Dict, List, Optional, Tuple

import numpy as np
from google.protobuf import json_format
from google.protobuf.message import Message

from licnn.images import image_input

_SHORT_KIND = {"gradient_max_c": "gradient", "inhibition": "inhibition", "suppression_mask": "mask",
               "response_before": "resp. before", "response_after": "resp. after"}


def _pil() -> Any:
    try:
        from PIL import Image, ImageDraw, ImageOps
    except ImportError:
        raise RuntimeError("Explanation.save needs Pillow for its PNG files "
                           "(apt-get install python3-pil, or pip install Pillow)") from None
    return Image, ImageDraw, ImageOps


def heat_rgb(m: np.ndarray) -> np.ndarray:
    """The heatmap of a map, min to max, on the blue-cyan-green-yellow-red ramp of ``licnn explain``."""
    m = np.asarray(m, dtype=np.float32)
    lo, hi = np.float32(m.min()), np.float32(m.max())
    span = np.float32(hi - lo) if hi > lo else np.float32(1)
    t = np.clip(((m - lo) / span).astype(np.float64), 0, 1)
    out = np.empty(m.shape + (3,), np.uint8)
    for c, centre in enumerate((3, 2, 1)):
        out[..., c] = (np.clip(1.5 - np.abs(4 * t - centre), 0, 1) * 255).astype(np.uint8)
    return out


def prepared_pixels(image: Any, preprocessing: Optional[Tuple[int, int]]) -> Optional[np.ndarray]:
    """The model's view of the image (shorter edge resized bilinearly, centre crop) as HxWx3 uint8."""
    Image, _, ImageOps = _pil()
    try:
        data = image_input(image)
    except (TypeError, ValueError, OSError):
        return None
    if data.WhichOneof("source") != "encoded":
        return None
    shorter, crop = preprocessing or (256, 224)
    with Image.open(io.BytesIO(data.encoded)) as im:
        im = ImageOps.exif_transpose(im).convert("RGB")
        w, h = im.size
        size = (shorter, int(shorter * h / w)) if w <= h else (int(shorter * w / h), shorter)
        im = im.resize(size, Image.BILINEAR)
        left, top = round((size[0] - crop) / 2.0), round((size[1] - crop) / 2.0)
        return np.asarray(im.crop((left, top, left + crop, top + crop)), dtype=np.uint8)


def overlay_rgb(base: np.ndarray, heat: np.ndarray, alpha: float = 0.5) -> np.ndarray:
    h, w = base.shape[:2]
    ys = np.arange(h) * heat.shape[0] // h
    xs = np.arange(w) * heat.shape[1] // w
    sampled = heat[ys][:, xs].astype(np.float64)
    return ((1 - alpha) * base.astype(np.float64) + alpha * sampled).astype(np.uint8)


def _grid(titles: List[str], rows: List[List[Tuple[str, np.ndarray]]], cell: int = 64) -> Any:
    Image, ImageDraw, _ = _pil()
    cols = max((len(r) for r in rows), default=1)
    left, label = 180, 14
    w = left + cols * (cell + 4)
    h = len(rows) * (cell + label + 6) + 4
    img = Image.new("RGB", (w, max(h, 1)), "white")
    draw = ImageDraw.Draw(img)
    for r, row in enumerate(rows):
        y0 = 4 + r * (cell + label + 6)
        draw.multiline_text((4, y0 + label + cell // 2 - 12), titles[r], fill="black")
        for c, (name, m) in enumerate(row):
            x0 = left + c * (cell + 4)
            draw.text((x0, y0 + 1), name, fill=(64, 64, 64))
            tile = Image.fromarray(heat_rgb(m)).resize((cell, cell), Image.NEAREST)
            img.paste(tile, (x0, y0 + label))
    return img


def proto_json(m: Optional[Message]) -> Any:
    """A message as ``licnn explain`` writes it: proto field names, defaults included, field order."""
    if m is None:
        return {}
    d = json_format.MessageToDict(m, preserving_proto_field_name=True, including_default_value_fields=True)
    return _ordered(m.DESCRIPTOR, d)


def _ordered(desc: Any, d: Dict[str, Any]) -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    for f in desc.fields:
        if f.name not in d:
            continue
        v = d[f.name]
        if f.message_type is not None and not f.message_type.full_name.startswith("google.protobuf."):
            if isinstance(v, list):
                v = [_ordered(f.message_type, x) for x in v]
            elif isinstance(v, dict):
                v = _ordered(f.message_type, v)
        out[f.name] = v
    return out


_METHOD_TITLES = {"licnn": "LICNN", "gradient": "gradient", "gradient_x_input": "gradient x input",
                  "integrated_gradients": "integrated-gradients", "smoothgrad": "SmoothGrad", "grad_cam": "Grad-CAM"}

# The layout of ``licnn explain``'s titled pictures (dev.licnn.experiments.imaging.Titled).
_PAD, _LINE, _BAR, _MIN_WIDTH, _TITLE_CLASSES = 6, 16, 10, 320, 5


def saliency_title(e: Any) -> List[str]:
    """The title lines of heatmap.png and overlay.png: the method, then each explained class."""
    n = len(e.targets)
    lines = [f"{_METHOD_TITLES.get(e.method, e.method)} saliency of {n} {'class' if n == 1 else 'classes'}"]
    for i, t in enumerate(e.targets[:_TITLE_CLASSES]):
        lines.append(f"{i + 1}. {t.label} (class {t.class_id}): rank {t.rank}, p = {t.probability:.3f}")
    if n > _TITLE_CLASSES:
        lines.append(f"and {n - _TITLE_CLASSES} more (see result.json)")
    return lines


def titled(body: np.ndarray, title: List[str], lo: float, hi: float, notes: List[str]) -> Any:
    """``body`` (HxWx3) under ``title``, above the colour scale from ``lo`` to ``hi`` and ``notes``."""
    Image, ImageDraw, _ = _pil()
    bh, bw = body.shape[:2]
    w = max(_MIN_WIDTH, bw + 2 * _PAD)
    top = _PAD + len(title) * _LINE + _PAD
    scale_top = top + bh + _PAD
    h = scale_top + _BAR + _LINE + len(notes) * _LINE + _PAD
    img = Image.new("RGB", (w, h), "white")
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(title):
        draw.text((_PAD, _PAD + i * _LINE + 2), line, fill="black")
    img.paste(Image.fromarray(body), ((w - bw) // 2, top))
    bar_w = w - 2 * _PAD
    t = np.arange(bar_w, dtype=np.float64) / max(1, bar_w - 1)
    bar = np.empty((_BAR, bar_w, 3), np.uint8)
    for c, centre in enumerate((3, 2, 1)):
        bar[..., c] = (np.clip(1.5 - np.abs(4 * t - centre), 0, 1) * 255).astype(np.uint8)[None, :]
    img.paste(Image.fromarray(bar), (_PAD, scale_top))
    y = scale_top + _BAR + 2
    draw.text((_PAD, y), f"{lo:.3g} (low)", fill=(64, 64, 64))
    hi_text = f"{hi:.3g} (high)"
    draw.text((w - _PAD - draw.textlength(hi_text), y), hi_text, fill=(64, 64, 64))
    for i, n in enumerate(notes):
        draw.text((_PAD, y + (i + 1) * _LINE), n, fill=(64, 64, 64))
    return img


def _seen_fraction(image: Any, preprocessing: Optional[Tuple[int, int]]) -> Optional[float]:
    Image, _, ImageOps = _pil()
    try:
        data = image_input(image)
    except (TypeError, ValueError, OSError):
        return None
    if data.WhichOneof("source") != "encoded":
        return None
    shorter, crop = preprocessing or (256, 224)
    with Image.open(io.BytesIO(data.encoded)) as im:
        w, h = ImageOps.exif_transpose(im).size
    size = (shorter, int(shorter * h / w)) if w <= h else (int(shorter * w / h), shorter)
    return crop * crop / (size[0] * size[1])


def save(e: Any, directory: str) -> str:
    Image, _, _ = _pil()
    os.makedirs(directory, exist_ok=True)
    attention = []
    if e.saliency is not None:
        np.save(os.path.join(directory, "saliency.npy"), e.saliency.astype("<f4"))
    for rank, m in e.attention.items():
        t = e.targets[rank]
        name = f"attention-{rank + 1}-{t.class_id}.npy"
        np.save(os.path.join(directory, name), m.astype("<f4"))
        attention.append({"position": rank + 1, "rank": t.rank, "class_id": t.class_id, "label": t.label,
                          "file": name})
    overlay = None
    if e.saliency is not None:
        heat = heat_rgb(e.saliency)
        title = saliency_title(e)
        lo, hi = float(e.saliency.min()), float(e.saliency.max())
        titled(heat, title, lo, hi, []).save(os.path.join(directory, "heatmap.png"))
        base = prepared_pixels(e.image, e.preprocessing)
        if base is None:  # a pre-processed tensor: no picture to draw on
            base = np.full((e.saliency.shape[0], e.saliency.shape[1], 3), 128, np.uint8)
        seen = _seen_fraction(e.image, e.preprocessing)
        notes = [] if seen is None or seen >= 1 else [
            f"the network's crop: {100 * seen:.0f}% of the image; --overlay full draws all of it"]
        titled(overlay_rgb(base, heat), title, lo, hi, notes).save(os.path.join(directory, "overlay.png"))
        overlay = {"mode": "crop", "seen_fraction": seen}
    rows: Dict[str, List[Tuple[str, np.ndarray]]] = {}
    for key, m in e.layers.items():
        title = f"#{key.rank + 1} {e.targets[key.rank].label}\n{_SHORT_KIND.get(key.kind, key.kind)}"
        rows.setdefault(title, []).append((key.layer, m))
    if rows:
        _grid(list(rows), list(rows.values())).save(os.path.join(directory, "layers.png"))
    image = e.image if isinstance(e.image, str) else (os.fspath(e.image) if isinstance(e.image, os.PathLike) else None)
    accepted = e.raw.get("accepted")
    result = {
        "image": image,
        "model": e.model,
        "method": "EXPLAIN_METHOD_" + e.method.upper(),
        "ranks": "1-based",
        "prediction": proto_json(e.raw.get("prediction")),
        "attention_maps": attention,
        "saliency_map": "saliency.npy" if e.saliency is not None else None,
    }
    if overlay is not None:
        result["overlay"] = overlay
    result.update({
        "inhibited_ranking": proto_json(e.raw.get("inhibited_ranking")),
        "options": proto_json(accepted.licnn_options if accepted is not None else None),
        "timings": {"queue_seconds": e.timings.queue_s, "compute_seconds": e.timings.compute_s,
                    "total_seconds": e.timings.total_s, "batch_size": e.timings.batch_size,
                    "worker": e.timings.worker, "device": e.timings.device},
    })
    with open(os.path.join(directory, "result.json"), "w", encoding="utf-8") as f:
        json.dump(result, f, indent=2, ensure_ascii=False)
        f.write("\n")
    return directory
