"""Building an ExplainRequest from the keyword arguments of ``explain``."""
from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping, Optional, Sequence, Tuple, Union

from licnn.images import ImageLike, image_input
from licnn.maps import ENCODINGS, KINDS, METHODS
from licnn.v1 import licnn_service_pb2 as pb
from licnn.v1 import types_pb2

_SCORES = {"after": types_pb2.SCORE_MODE_AFTER_SOFTMAX, "before": types_pb2.SCORE_MODE_BEFORE_SOFTMAX,
           "after_softmax": types_pb2.SCORE_MODE_AFTER_SOFTMAX, "before_softmax": types_pb2.SCORE_MODE_BEFORE_SOFTMAX}
_IG_BASELINES = {"black": types_pb2.IG_BASELINE_BLACK, "zeros": types_pb2.IG_BASELINE_ZEROS}
_LICNN_KEYS = ("score", "inhibit_last_relu", "per_layer_normalization", "liz_size", "a", "b")
_BASELINE_KEYS = ("score", "ig_steps", "ig_baseline", "smoothgrad_samples", "noise_level", "seed", "grad_cam_layer")

ClassLike = Union[int, str]
Options = Union[Mapping[str, Any], types_pb2.LicnnOptions, types_pb2.BaselineOptions, None]


def _enum(kind: str, table: Mapping[str, int], value: Any, prefix: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        key = value.lower()
        if key.startswith(prefix):
            key = key[len(prefix):]
        if key in table:
            return table[key]
    raise ValueError(f"unknown {kind} {value!r} (one of {', '.join(table)})")


def method_value(method: Any) -> int:
    """The ExplainMethod of ``"licnn"``, ``"grad_cam"``, ... (or an enum value)."""
    return _enum("method", METHODS, method, "explain_method_")


def _options(method: int, options: Options) -> Tuple[Optional[types_pb2.LicnnOptions], Optional[types_pb2.BaselineOptions]]:
    if options is None:
        return None, None
    if isinstance(options, types_pb2.LicnnOptions):
        return options, None
    if isinstance(options, types_pb2.BaselineOptions):
        return None, options
    licnn = method in (types_pb2.EXPLAIN_METHOD_LICNN, types_pb2.EXPLAIN_METHOD_UNSPECIFIED)
    allowed = _LICNN_KEYS if licnn else _BASELINE_KEYS
    unknown = sorted(set(options) - set(allowed))
    if unknown:
        raise ValueError(f"unknown option(s) {', '.join(unknown)} for method "
                         f"{'licnn' if licnn else 'baselines'} (allowed: {', '.join(allowed)})")
    values = dict(options)
    if "score" in values:
        values["score"] = _enum("score", _SCORES, values["score"], "score_mode_")
    if "ig_baseline" in values:
        values["ig_baseline"] = _enum("ig_baseline", _IG_BASELINES, values["ig_baseline"], "ig_baseline_")
    if licnn:
        return types_pb2.LicnnOptions(**values), None
    return None, types_pb2.BaselineOptions(**values)


def build_request(
    image: ImageLike,
    *,
    model: str = "",
    top_k: Optional[int] = 5,
    classes: Optional[Iterable[ClassLike]] = None,
    method: Any = "licnn",
    layers: Optional[Iterable[Union[int, str]]] = None,
    kinds: Optional[Iterable[Any]] = None,
    encoding: str = "float16",
    options: Options = None,
    output_size: Optional[Tuple[int, int]] = None,
    ranking_size: int = 0,
    omit_attention_maps: bool = False,
    omit_saliency_map: bool = False,
    resolve_class: Optional[Callable[[str], int]] = None,
) -> pb.ExplainRequest:
    """The ExplainRequest of ``Client.explain``'s arguments (see there). Raises ValueError for
    an unknown method, kind, encoding or option, and TypeError/ValueError for a bad image."""
    m = method_value(method)
    req = pb.ExplainRequest(model=model, image=image_input(image), method=m, ranking_size=ranking_size,
                            omit_attention_maps=omit_attention_maps, omit_saliency_map=omit_saliency_map)
    if classes is not None:
        ids = []
        for c in ([classes] if isinstance(classes, (int, str)) else list(classes)):
            if isinstance(c, str) and not c.isdigit():
                if resolve_class is None:
                    raise ValueError(f"class {c!r}: give class ids, or names through a Client")
                ids.append(resolve_class(c))
            else:
                ids.append(int(c))
        req.class_ids.class_ids.extend(ids)
    elif top_k is not None:
        req.top_k = top_k
    for k in kinds or ():
        req.layer_map_kinds.append(_enum("map kind", KINDS, k, "map_kind_"))
    for layer in ([layers] if isinstance(layers, (int, str)) else (layers or ())):
        if isinstance(layer, int) or (isinstance(layer, str) and layer.isdigit()):
            req.layer_indices.append(int(layer))
        else:
            req.layer_names.append(layer)
    if encoding not in ENCODINGS:
        raise ValueError(f"unknown encoding {encoding!r} (one of {', '.join(ENCODINGS)})")
    req.map_encoding = ENCODINGS[encoding]
    licnn_opts, baseline_opts = _options(m, options)
    if licnn_opts is not None:
        req.licnn_options.CopyFrom(licnn_opts)
    if baseline_opts is not None:
        req.baseline_options.CopyFrom(baseline_opts)
    if output_size is not None:
        req.output_size.height, req.output_size.width = int(output_size[0]), int(output_size[1])
    return req


def as_sequence(x: Any) -> Sequence[Any]:
    return x if isinstance(x, (list, tuple)) else list(x)
