"""The result of one explanation, and the collector that builds it from events."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple, Union

import numpy as np

from licnn.events import (Accepted, AttentionMap, ClassScore, Completed, Event, InhibitedRanking, LayerMap,
                          MapKey, Prediction, SaliencyMap, TargetRanking, Timings)
from licnn.maps import KINDS

__all__ = ["Explanation", "Collector"]


@dataclass
class Explanation:
    """Everything one successful explanation produced, maps decoded to float32 numpy arrays.

    Attributes:
        top_classes: the first pass's most probable classes (rank 1 first), with labels.
        targets: the explained classes, in target order (``rank`` below is the index into it).
        saliency: the saliency map (H x W), or None when it was omitted.
        attention: attention maps by rank (target index).
        layers: layer maps by :class:`MapKey` ``(rank, layer name, kind name)``.
        ranking: per target, the class ranking after inhibition (LICNN only).
        timings: queue, compute and total seconds, batch size, worker and device.
        model, method, request_id, options: from the server's ``accepted`` event.
        image: the input this explanation is of (a path, bytes, an array, ...).
        index: its position in the input of ``explain_many`` (0 for ``explain``).

    Example::

        e = client.explain("cat.png", kinds=["suppression_mask"], layers=["relu5_3"])
        e.top_classes[0].label, e.saliency.shape, e.layers[0, "relu5_3", "suppression_mask"]
        e.save("out/cat")
    """

    model: str
    method: str
    request_id: str
    options: Dict[str, object]
    top_classes: List[ClassScore]
    targets: List[ClassScore]
    saliency: Optional[np.ndarray]
    attention: Dict[int, np.ndarray]
    layers: Dict[MapKey, np.ndarray]
    ranking: List[TargetRanking]
    timings: Timings
    image: Any = field(default=None, repr=False)
    index: int = 0
    raw: Dict[str, Any] = field(default_factory=dict, repr=False)
    preprocessing: Optional[Tuple[int, int]] = field(default=None, repr=False)
    layer_order: Dict[str, int] = field(default_factory=dict, repr=False)

    def __repr__(self) -> str:
        top = self.top_classes[0] if self.top_classes else None
        sal = "x".join(map(str, self.saliency.shape)) if self.saliency is not None else "none"
        return (f"Explanation(index={self.index}, model={self.model!r}, method={self.method!r}, "
                f"top={top.label if top else None!r} p={top.probability if top else 0:.3f}, "
                f"targets={[t.class_id for t in self.targets]}, saliency={sal}, attention={len(self.attention)}, "
                f"layers={len(self.layers)}, total_s={self.timings.total_s:.3f})")

    @property
    def prediction(self) -> ClassScore:
        """The top class of the first pass."""
        return self.top_classes[0]

    def layer_map(self, rank: int, layer: Union[str, int], kind: str) -> np.ndarray:
        """One layer map by rank, layer (name or index) and kind name; KeyError if not sent."""
        if isinstance(layer, int):
            names = [n for n, i in self.layer_order.items() if i == layer]
            if not names:
                raise KeyError(f"no layer map of layer index {layer}")
            layer = names[0]
        kind = kind.lower().removeprefix("map_kind_")
        return self.layers[MapKey(rank, layer, kind)]

    def pixels(self) -> Optional[np.ndarray]:
        """The model's view of the image: shorter edge resized (bilinear), centre crop, as an
        HxWx3 uint8 array; None for a pre-processed tensor input. Needs Pillow."""
        from licnn._save import prepared_pixels

        return prepared_pixels(self.image, self.preprocessing)

    def save(self, directory: Union[str, "os.PathLike[str]"]) -> str:
        """Writes the files ``licnn explain`` writes for one image into ``directory``.

        ``saliency.npy`` (float32 H x W), ``attention-<n>-<classId>.npy`` (n = rank + 1: counted
        from 1, as everywhere in the files), ``heatmap.png`` and ``overlay.png`` (over the model's
        pre-processed crop of the image; both titled, with a colour scale), ``layers.png`` (a
        labelled grid of the layer maps, when any were streamed) and ``result.json`` (top classes
        with labels, attention files, ranking after inhibition, options, timings). PNGs need
        Pillow. Returns the directory.
        """
        from licnn import _save

        return _save.save(self, os.fspath(directory))

    def overlay(self, ax: Any = None, *, which: Union[str, int] = "saliency", alpha: float = 0.5,
                cmap: str = "jet") -> Any:
        """Draws a map over the pre-processed image with matplotlib; see :func:`licnn.overlay`."""
        from licnn.plot import overlay

        return overlay(self, ax=ax, which=which, alpha=alpha, cmap=cmap)


class Collector:
    """Accumulates the events of one explanation into an :class:`Explanation`. Not thread-safe."""

    def __init__(self) -> None:
        self.accepted: Optional[Accepted] = None
        self.prediction: Optional[Prediction] = None
        self.saliency: Optional[np.ndarray] = None
        self.attention: Dict[int, np.ndarray] = {}
        self.layers: Dict[Tuple[int, int, int], Tuple[MapKey, np.ndarray]] = {}
        self.ranking: Optional[InhibitedRanking] = None
        self.completed: Optional[Completed] = None

    def add(self, ev: Optional[Event]) -> None:
        if isinstance(ev, Accepted):
            self.accepted = ev
        elif isinstance(ev, Prediction):
            self.prediction = ev
        elif isinstance(ev, LayerMap):
            self.layers[(ev.rank, ev.layer_index, KINDS.get(ev.kind, 99))] = (ev.key, ev.map)
        elif isinstance(ev, AttentionMap):
            self.attention[ev.rank] = ev.map
        elif isinstance(ev, SaliencyMap):
            self.saliency = ev.map
        elif isinstance(ev, InhibitedRanking):
            self.ranking = ev
        elif isinstance(ev, Completed):
            self.completed = ev

    @property
    def done(self) -> bool:
        return self.completed is not None

    def build(self, image: Any = None, index: int = 0, preprocessing: Optional[Tuple[int, int]] = None) -> Explanation:
        """The explanation; ValueError when the events ended without ``completed``."""
        if self.completed is None or self.accepted is None or self.prediction is None:
            raise ValueError("the stream ended before the explanation completed")
        a, p = self.accepted, self.prediction
        order: Dict[str, int] = {}
        layers: Dict[MapKey, np.ndarray] = {}
        for k in sorted(self.layers):
            key, m = self.layers[k]
            layers[key] = m
            order[key.layer] = k[1]
        return Explanation(
            model=a.model, method=a.method, request_id=a.request_id, options=a.options,
            top_classes=p.top_classes, targets=p.targets, saliency=self.saliency,
            attention=dict(sorted(self.attention.items())), layers=layers,
            ranking=self.ranking.rankings if self.ranking else [], timings=self.completed.timings,
            image=image, index=index, preprocessing=preprocessing, layer_order=order,
            raw={"accepted": a.raw, "prediction": p.raw, "completed": self.completed.raw,
                 "inhibited_ranking": self.ranking.raw if self.ranking else None})
