"""Decoding of the server's maps (``licnn.v1.MapData``) into numpy arrays."""
from __future__ import annotations

import numpy as np

from licnn.v1 import types_pb2

__all__ = ["decode_map", "ENCODINGS", "KINDS", "METHODS", "kind_name", "method_name"]

#: Map encodings by name, as ``explain(encoding=...)`` takes them.
ENCODINGS = {
    "float32": types_pb2.MAP_ENCODING_FLOAT32,
    "float16": types_pb2.MAP_ENCODING_FLOAT16,
    "uint8": types_pb2.MAP_ENCODING_UINT8,
}

#: Layer map kinds by name, as ``explain(kinds=...)`` takes them and layer-map keys name them.
KINDS = {
    "gradient_max_c": types_pb2.MAP_KIND_GRADIENT_MAX_C,
    "inhibition": types_pb2.MAP_KIND_INHIBITION,
    "suppression_mask": types_pb2.MAP_KIND_SUPPRESSION_MASK,
    "response_before": types_pb2.MAP_KIND_RESPONSE_BEFORE,
    "response_after": types_pb2.MAP_KIND_RESPONSE_AFTER,
}

#: Attribution methods by name, as ``explain(method=...)`` takes them.
METHODS = {
    "licnn": types_pb2.EXPLAIN_METHOD_LICNN,
    "gradient": types_pb2.EXPLAIN_METHOD_GRADIENT,
    "gradient_x_input": types_pb2.EXPLAIN_METHOD_GRADIENT_X_INPUT,
    "integrated_gradients": types_pb2.EXPLAIN_METHOD_INTEGRATED_GRADIENTS,
    "smoothgrad": types_pb2.EXPLAIN_METHOD_SMOOTHGRAD,
    "grad_cam": types_pb2.EXPLAIN_METHOD_GRAD_CAM,
}

_KIND_NAMES = {v: k for k, v in KINDS.items()}
_METHOD_NAMES = {v: k for k, v in METHODS.items()}


def kind_name(kind: int) -> str:
    """``"suppression_mask"`` for ``MAP_KIND_SUPPRESSION_MASK``, and so on."""
    return _KIND_NAMES.get(kind) or types_pb2.MapKind.Name(kind).lower()


def method_name(method: int) -> str:
    """``"licnn"`` for ``EXPLAIN_METHOD_LICNN``, and so on."""
    return _METHOD_NAMES.get(method) or types_pb2.ExplainMethod.Name(method).lower()


_F32 = np.dtype("<f4")
_F16 = np.dtype("<f2")


def decode_map(m: types_pb2.MapData) -> np.ndarray:
    """A ``MapData`` as a float32 array of shape (height, width).

    FLOAT32 (or unset) and FLOAT16 are little-endian IEEE-754; UINT8 is
    ``min + (max - min) * q / 255``, computed in float32 as the Java client does.

    Raises:
        ValueError: the size is below 1 x 1, the encoding is unknown, or the data length does
            not match height * width values of that encoding.
    """
    h, w = m.height, m.width
    if h < 1 or w < 1:
        raise ValueError(f"map size must be at least 1 x 1, got {h} x {w}")
    enc = m.encoding
    if enc in (types_pb2.MAP_ENCODING_FLOAT32, types_pb2.MAP_ENCODING_UNSPECIFIED):
        dtype = _F32
    elif enc == types_pb2.MAP_ENCODING_FLOAT16:
        dtype = _F16
    elif enc == types_pb2.MAP_ENCODING_UINT8:
        dtype = np.dtype(np.uint8)
    else:
        raise ValueError(f"unknown map encoding {enc}")
    expected = h * w * dtype.itemsize
    if len(m.data) != expected:
        name = types_pb2.MapEncoding.Name(enc) if enc in types_pb2.MapEncoding.values() else enc
        raise ValueError(f"map data of a {h} x {w} {name} map must be {expected} bytes, got {len(m.data)}")
    raw = np.frombuffer(m.data, dtype=dtype)
    if dtype.itemsize == 1:
        lo = np.float32(m.min)
        span = np.float32(np.float32(m.max) - lo)
        values = lo + (span * raw.astype(np.float32)) / np.float32(255)
    else:
        values = raw.astype(np.float32)
    return values.astype(np.float32, copy=False).reshape(h, w)
