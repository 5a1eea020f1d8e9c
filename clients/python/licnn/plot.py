"""Drawing maps over images with matplotlib (optional: ``licnn.overlay`` needs it installed)."""
from __future__ import annotations

from typing import Any, Optional, Union

import numpy as np

from licnn.events import MapKey

__all__ = ["overlay"]


def _pick(e: Any, which: Union[str, int, MapKey, tuple]) -> np.ndarray:
    if isinstance(which, str) and which == "saliency":
        if e.saliency is None:
            raise ValueError("the explanation has no saliency map (omit_saliency_map)")
        return e.saliency
    if isinstance(which, int):
        if which not in e.attention:
            raise ValueError(f"no attention map of rank {which} (ranks: {sorted(e.attention)})")
        return e.attention[which]
    if isinstance(which, tuple):
        key = MapKey(*which)
        if key not in e.layers:
            raise ValueError(f"no layer map {tuple(key)}")
        return e.layers[key]
    raise ValueError(f"which must be 'saliency', a rank or a (rank, layer, kind) key, got {which!r}")


def overlay(image: Any, map: Optional[np.ndarray] = None, *, ax: Any = None,
            which: Union[str, int, MapKey, tuple] = "saliency", alpha: float = 0.5, cmap: str = "jet",
            title: Optional[str] = None) -> Any:
    """Draws a map over an image and returns the matplotlib Axes.

    ``overlay(explanation)`` draws its saliency map over the model's pre-processed crop of the
    image; ``which`` picks another map: a rank (its attention map) or a ``(rank, layer, kind)``
    key. ``overlay(pixels, map)`` draws any map over an HxWx3 array (the map is stretched to the
    image). Needs matplotlib (and Pillow to decode an explanation's image).
    """
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        raise RuntimeError("licnn.overlay needs matplotlib (apt-get install python3-matplotlib)") from None
    from licnn.explanation import Explanation

    if isinstance(image, Explanation):
        e = image
        m = _pick(e, which) if map is None else np.asarray(map)
        from licnn._save import prepared_pixels

        base = prepared_pixels(e.image, e.preprocessing)
        if title is None:
            title = f"{e.method}: {e.top_classes[0].label}" if which == "saliency" else str(which)
    else:
        if map is None:
            raise ValueError("overlay(pixels, map): give the map to draw")
        base, m = np.asarray(image), np.asarray(map)
    if ax is None:
        _, ax = plt.subplots()
    if base is not None:
        h, w = base.shape[:2]
        ax.imshow(base)
        ax.imshow(m, cmap=cmap, alpha=alpha, extent=(-0.5, w - 0.5, h - 0.5, -0.5), interpolation="bilinear")
    else:
        ax.imshow(m, cmap=cmap)
    ax.set_axis_off()
    if title:
        ax.set_title(title, fontsize=9)
    return ax
