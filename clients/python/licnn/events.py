"""Typed events of an explanation, as :meth:`licnn.Client.stream` yields them.

Order (LICNN): :class:`Accepted`, :class:`Prediction`, then per target class its
:class:`LayerMap` events and its :class:`AttentionMap`, then :class:`SaliencyMap`,
:class:`InhibitedRanking` and finally :class:`Completed`. Maps arrive decoded (float32 numpy).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, NamedTuple, Optional, Tuple, Union

import numpy as np
from google.protobuf import json_format

from licnn.maps import decode_map, kind_name, method_name
from licnn.v1 import licnn_service_pb2 as pb
from licnn.v1 import types_pb2

__all__ = ["ClassScore", "TargetRanking", "Timings", "Accepted", "Prediction", "LayerMap", "AttentionMap",
           "SaliencyMap", "InhibitedRanking", "Completed", "Event", "to_event", "MapKey"]


class MapKey(NamedTuple):
    """Key of a layer map: target rank (0-based target index), layer name, map kind name."""

    rank: int
    layer: str
    kind: str


@dataclass(frozen=True)
class ClassScore:
    """A class with its score in one forward pass (rank 1 = most probable)."""

    class_id: int
    label: str
    probability: float
    logit: float
    rank: int

    @classmethod
    def of(cls, c: types_pb2.ClassScore) -> "ClassScore":
        return cls(c.class_id, c.label, c.probability, c.logit, c.rank)


@dataclass(frozen=True)
class TargetRanking:
    """The ranking of the inhibited pass of one target class."""

    rank: int
    class_id: int
    top_classes: List[ClassScore]
    target: ClassScore

    @classmethod
    def of(cls, r: pb.TargetRanking) -> "TargetRanking":
        return cls(r.target_index, r.class_id, [ClassScore.of(c) for c in r.top_classes], ClassScore.of(r.target))


def _seconds(d) -> float:
    return d.seconds + d.nanos / 1e9


@dataclass(frozen=True)
class Timings:
    """Server-side timings of one explanation, in seconds, and where it ran."""

    queue_s: float
    compute_s: float
    total_s: float
    batch_size: int
    worker: str
    device: str

    @classmethod
    def of(cls, c: pb.Completed) -> "Timings":
        return cls(_seconds(c.queue_time), _seconds(c.compute_time), _seconds(c.total_time), c.batch_size,
                   c.worker, c.device)


@dataclass(frozen=True)
class Accepted:
    """The request was validated and queued: model, method, options in effect, what will follow."""

    request_id: str
    model: str
    method: str
    num_targets: int
    selected_layers: List[str]
    layer_map_kinds: List[str]
    expected_layer_maps: int
    options: Dict[str, object]
    raw: pb.Accepted = field(repr=False)


@dataclass(frozen=True)
class Prediction:
    """The first (plain) forward pass: the top classes and the classes that will be explained."""

    top_classes: List[ClassScore]
    targets: List[ClassScore]
    raw: pb.Prediction = field(repr=False)


@dataclass(frozen=True)
class LayerMap:
    """One intermediate map of one target class at one feature layer."""

    rank: int
    class_id: int
    layer: str
    layer_index: int
    kind: str
    map: np.ndarray = field(repr=False)
    source_size: Tuple[int, int]

    @property
    def key(self) -> MapKey:
        return MapKey(self.rank, self.layer, self.kind)


@dataclass(frozen=True)
class AttentionMap:
    """The attention map of one target class (rank = its 0-based target index)."""

    rank: int
    class_id: int
    label: str
    map: np.ndarray = field(repr=False)


@dataclass(frozen=True)
class SaliencyMap:
    """The saliency map: the normalised sum of the targets' attention maps."""

    class_ids: List[int]
    map: np.ndarray = field(repr=False)


@dataclass(frozen=True)
class InhibitedRanking:
    """Rankings of the inhibited passes, one per target."""

    rankings: List[TargetRanking]
    raw: pb.InhibitedRanking = field(repr=False)


@dataclass(frozen=True)
class Completed:
    """The explanation finished (last event)."""

    timings: Timings
    raw: pb.Completed = field(repr=False)


Event = Union[Accepted, Prediction, LayerMap, AttentionMap, SaliencyMap, InhibitedRanking, Completed]


def _options_dict(a: pb.Accepted) -> Dict[str, object]:
    if not a.HasField("licnn_options"):
        return {}
    return json_format.MessageToDict(a.licnn_options, preserving_proto_field_name=True,
                                     including_default_value_fields=True)


def to_event(ev: pb.ExplainEvent) -> Optional[Event]:
    """The typed event of a ``licnn.v1.ExplainEvent`` (None for an event this client does not know)."""
    which = ev.WhichOneof("event")
    if which == "accepted":
        a = ev.accepted
        return Accepted(a.request_id, a.model.name, method_name(a.method), a.num_targets, list(a.selected_layers),
                        [kind_name(k) for k in a.layer_map_kinds], a.expected_layer_maps, _options_dict(a), a)
    if which == "prediction":
        p = ev.prediction
        return Prediction([ClassScore.of(c) for c in p.top_classes], [ClassScore.of(c) for c in p.targets], p)
    if which == "layer_map":
        m = ev.layer_map
        src = (m.map.source_size.height, m.map.source_size.width) if m.map.HasField("source_size") \
            else (m.map.height, m.map.width)
        return LayerMap(m.target_index, m.class_id, m.layer_name, m.layer_index, kind_name(m.kind),
                        decode_map(m.map), src)
    if which == "attention_map":
        m = ev.attention_map
        return AttentionMap(m.target_index, m.class_id, m.label, decode_map(m.map))
    if which == "saliency_map":
        return SaliencyMap(list(ev.saliency_map.class_ids), decode_map(ev.saliency_map.map))
    if which == "inhibited_ranking":
        r = ev.inhibited_ranking
        return InhibitedRanking([TargetRanking.of(t) for t in r.rankings], r)
    if which == "completed":
        return Completed(Timings.of(ev.completed), ev.completed)
    return None
