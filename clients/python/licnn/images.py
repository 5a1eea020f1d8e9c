"""Turning what a Python user has (a path, bytes, a PIL image, an array) into an ImageInput."""
from __future__ import annotations

import io
import os
import struct
import zlib
from typing import Any, Optional, Union

import numpy as np

from licnn.v1 import types_pb2

__all__ = ["ImageLike", "image_input", "describe_image", "encode_png"]

#: What ``explain`` accepts as an image: a path, PNG/JPEG bytes, a PIL image, an HxWx3 (or HxW,
#: HxWx4) uint8 array or float array in [0, 1], or a ready ``licnn.v1.ImageInput``.
ImageLike = Union[str, "os.PathLike[str]", bytes, bytearray, memoryview, np.ndarray, Any]


def encode_png(pixels: np.ndarray) -> bytes:
    """A lossless 8-bit PNG of an HxW (grey), HxWx3 (RGB) or HxWx4 (RGBA) uint8 array."""
    a = np.ascontiguousarray(pixels, dtype=np.uint8)
    if a.ndim == 2:
        colour, channels = 0, 1
    elif a.ndim == 3 and a.shape[2] in (3, 4):
        colour, channels = (2, 3) if a.shape[2] == 3 else (6, 4)
    else:
        raise ValueError(f"an image array must be HxW, HxWx3 or HxWx4, got shape {a.shape}")
    h, w = a.shape[:2]
    if h < 1 or w < 1:
        raise ValueError(f"an image array must be at least 1 x 1, got {h} x {w}")
    rows = a.reshape(h, w * channels)
    raw = np.hstack([np.zeros((h, 1), np.uint8), rows]).tobytes()  # filter 0 on every row

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", w, h, 8, colour, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b"")


def _array_pixels(a: np.ndarray) -> np.ndarray:
    if a.dtype == np.uint8:
        return a
    if np.issubdtype(a.dtype, np.floating):
        if a.size and not np.isfinite(a).all():
            raise ValueError("a float image array must be finite")
        if a.size and (a.min() < 0 or a.max() > 1):
            raise ValueError(f"a float image array must hold values in [0, 1], got [{a.min():.4g}, {a.max():.4g}]")
        return np.rint(a * 255).astype(np.uint8)
    raise ValueError(f"an image array must be uint8 or float, got {a.dtype}")


def image_input(image: ImageLike) -> types_pb2.ImageInput:
    """The ``ImageInput`` of ``image`` (see :data:`ImageLike`); arrays and PIL images go as PNG.

    Raises:
        ValueError: an array of the wrong shape or type, or empty bytes.
        FileNotFoundError: a path that does not exist.
        TypeError: anything else.
    """
    if isinstance(image, types_pb2.ImageInput):
        return image
    if isinstance(image, (bytes, bytearray, memoryview)):
        if len(image) == 0:
            raise ValueError("the image bytes are empty")
        return types_pb2.ImageInput(encoded=bytes(image))
    if isinstance(image, (str, os.PathLike)):
        with open(image, "rb") as f:
            return types_pb2.ImageInput(encoded=f.read())
    if isinstance(image, np.ndarray):
        return types_pb2.ImageInput(encoded=encode_png(_array_pixels(image)))
    if hasattr(image, "save") and hasattr(image, "mode") and hasattr(image, "size"):  # a PIL image
        im = image if image.mode in ("RGB", "RGBA", "L") else image.convert("RGB")
        buf = io.BytesIO()
        im.save(buf, format="PNG")
        return types_pb2.ImageInput(encoded=buf.getvalue())
    raise TypeError("image must be a path, bytes, a PIL image or a numpy array, got " + type(image).__name__)


def describe_image(image: Any) -> Optional[str]:
    """The path of ``image`` as a string when it is one, else None (for reports and result.json)."""
    if isinstance(image, (str, os.PathLike)):
        return os.fspath(image)
    return None
