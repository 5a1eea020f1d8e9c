"""What needs no server: the build's drift check, map decoding, image inputs, request building."""
from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import grpc
import numpy as np
import pytest

import licnn
from licnn import errors
from licnn._request import build_request
from licnn.images import encode_png, image_input
from licnn.maps import decode_map
from licnn.v1 import types_pb2

from conftest import ROOT

PROTO = ROOT / "proto" / "src" / "main" / "proto"


def test_stubs_matchTheTreesProtoFiles():
    licnn.check_proto(str(PROTO))


def test_driftCheck_failsWhenAProtoFileChanged(tmp_path: Path):
    copy = tmp_path / "proto"
    shutil.copytree(PROTO, copy)
    with open(copy / "licnn" / "v1" / "types.proto", "a") as f:
        f.write("\n// changed\n")
    with pytest.raises(RuntimeError, match="types.proto changed since the licnn package was built"):
        licnn.check_proto(str(copy))


def test_generatedStubs_areNotCommitted():
    tracked = subprocess.run(["git", "ls-files", "clients/python"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.split()
    assert not [f for f in tracked if f.endswith("_pb2.py") or f.endswith("_pb2_grpc.py") or "/v1/" in f]


def test_package_isTyped():
    assert (Path(licnn.__file__).parent / "py.typed").is_file()


def _map(values: np.ndarray, encoding: int) -> types_pb2.MapData:
    h, w = values.shape
    m = types_pb2.MapData(height=h, width=w, encoding=encoding, min=float(values.min()), max=float(values.max()))
    if encoding == types_pb2.MAP_ENCODING_FLOAT32:
        m.data = values.astype("<f4").tobytes()
    elif encoding == types_pb2.MAP_ENCODING_FLOAT16:
        m.data = values.astype("<f2").tobytes()
    else:
        lo, hi = np.float32(values.min()), np.float32(values.max())
        q = np.rint(255 * (values - lo) / (hi - lo)).astype(np.uint8)
        m.data = q.tobytes()
    return m


VALUES = np.array([[0.0, 0.25, -1.5], [3.0, 1e-3, 65504.0]], dtype=np.float32)


def test_decodeMap_float32_isExact():
    out = decode_map(_map(VALUES, types_pb2.MAP_ENCODING_FLOAT32))
    assert out.dtype == np.float32 and out.shape == (2, 3)
    np.testing.assert_array_equal(out, VALUES)


def test_decodeMap_float16_isLittleEndianBinary16():
    out = decode_map(_map(VALUES, types_pb2.MAP_ENCODING_FLOAT16))
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, VALUES.astype(np.float16).astype(np.float32))
    # 1.0 is 0x3c00: little-endian bytes 00 3c
    one = types_pb2.MapData(height=1, width=1, encoding=types_pb2.MAP_ENCODING_FLOAT16, data=b"\x00\x3c")
    assert decode_map(one)[0, 0] == 1.0


def test_decodeMap_uint8_isMinPlusRangeTimesQOver255():
    m = types_pb2.MapData(height=1, width=3, encoding=types_pb2.MAP_ENCODING_UINT8, min=-1.0, max=3.0,
                          data=bytes([0, 255, 51]))
    out = decode_map(m)
    np.testing.assert_allclose(out, [[-1.0, 3.0, -1.0 + 4.0 * 51 / 255]], rtol=1e-6)
    flat = types_pb2.MapData(height=1, width=2, encoding=types_pb2.MAP_ENCODING_UINT8, min=2.0, max=2.0,
                             data=bytes([0, 0]))
    np.testing.assert_array_equal(decode_map(flat), [[2.0, 2.0]])


@pytest.mark.parametrize("m, message", [
    (types_pb2.MapData(height=2, width=2, encoding=types_pb2.MAP_ENCODING_FLOAT32, data=b"\0" * 15),
     "must be 16 bytes, got 15"),
    (types_pb2.MapData(height=0, width=2, encoding=types_pb2.MAP_ENCODING_FLOAT32), "at least 1 x 1"),
    (types_pb2.MapData(height=1, width=1, encoding=7, data=b"\0"), "unknown map encoding 7"),
])
def test_decodeMap_rejectsBadMaps(m, message):
    with pytest.raises(ValueError, match=message):
        decode_map(m)


def test_encodePng_isReadBackLossless():
    PIL = pytest.importorskip("PIL.Image")
    rgb = (np.arange(5 * 7 * 3) % 256).astype(np.uint8).reshape(5, 7, 3)
    with PIL.open(io.BytesIO(encode_png(rgb))) as im:
        assert im.mode == "RGB"
        np.testing.assert_array_equal(np.asarray(im), rgb)


def test_imageInput_acceptsPathBytesPilAndArrays(image: Path):
    PIL = pytest.importorskip("PIL.Image")
    data = image.read_bytes()
    assert image_input(image).encoded == data
    assert image_input(str(image)).encoded == data
    assert image_input(data).encoded == data
    with PIL.open(image) as im:
        pixels = np.asarray(im.convert("RGB"))
        from_pil = image_input(im.convert("RGB")).encoded
    assert from_pil.startswith(b"\x89PNG")
    assert image_input(pixels).encoded == encode_png(pixels)
    assert image_input(pixels / 255.0).encoded == encode_png(pixels)


@pytest.mark.parametrize("bad, error, message", [
    (b"", ValueError, "the image bytes are empty"),
    (np.zeros((4, 4, 2), np.uint8), ValueError, "HxW, HxWx3 or HxWx4"),
    (np.full((2, 2, 3), 2.0), ValueError, r"values in \[0, 1\]"),
    (np.zeros((2, 2, 3), np.int32), ValueError, "uint8 or float"),
    (42, TypeError, "image must be a path, bytes, a PIL image or a numpy array, got int"),
])
def test_imageInput_rejectsWhatIsNoImage(bad, error, message):
    with pytest.raises(error, match=message):
        image_input(bad)


def test_buildRequest_mapsEveryArgument():
    r = build_request(b"x", classes=[3, "1"], method="grad_cam", layers=["relu5_3", 2], kinds=["suppression_mask"],
                      encoding="uint8", options={"grad_cam_layer": 4, "score": "before"}, output_size=(10, 20),
                      ranking_size=3, omit_attention_maps=True)
    assert list(r.class_ids.class_ids) == [3, 1] and r.WhichOneof("targets") == "class_ids"
    assert r.method == types_pb2.EXPLAIN_METHOD_GRAD_CAM
    assert list(r.layer_names) == ["relu5_3"] and list(r.layer_indices) == [2]
    assert list(r.layer_map_kinds) == [types_pb2.MAP_KIND_SUPPRESSION_MASK]
    assert r.map_encoding == types_pb2.MAP_ENCODING_UINT8
    assert r.baseline_options.grad_cam_layer == 4 and r.baseline_options.score == types_pb2.SCORE_MODE_BEFORE_SOFTMAX
    assert (r.output_size.height, r.output_size.width) == (10, 20) and r.ranking_size == 3 and r.omit_attention_maps
    d = build_request(b"x", options={"liz_size": 5, "a": 0.2})
    assert d.top_k == 5 and d.map_encoding == types_pb2.MAP_ENCODING_FLOAT16
    assert d.licnn_options.liz_size == 5 and d.licnn_options.HasField("a") and not d.licnn_options.HasField("b")


@pytest.mark.parametrize("kwargs, message", [
    ({"kinds": ["masks"]}, "unknown map kind 'masks'"),
    ({"method": "lime"}, "unknown method 'lime'"),
    ({"encoding": "bf16"}, "unknown encoding 'bf16'"),
    ({"options": {"liz": 3}}, "unknown option"),
    ({"classes": ["hexagon"]}, "give class ids, or names through a Client"),
])
def test_buildRequest_rejectsUnknownNames(kwargs, message):
    with pytest.raises(ValueError, match=message):
        build_request(b"x", **kwargs)


@pytest.mark.parametrize("code", [c for c in grpc.StatusCode if c != grpc.StatusCode.OK])
def test_everyStatusCode_hasItsErrorClass(code: grpc.StatusCode):
    cls = errors.error_class(code)
    assert issubclass(cls, licnn.LicnnError) and cls.code == code
    assert cls.__name__.lower() == code.name.replace("_", "").lower()
    assert getattr(licnn, cls.__name__) is cls
    e = errors.from_status(code.value[0], "the server's message")
    assert type(e) is cls and e.code == code and e.message == "the server's message"
    assert str(e) == f"{code.name}: the server's message"

    class FakeRpcError(grpc.RpcError):
        def code(self):
            return code

        def details(self):
            return "details"

    f = errors.from_rpc_error(FakeRpcError())
    assert type(f) is cls and f.message == "details"


def test_client_rejectsBadSettings():
    with pytest.raises(ValueError, match="no target given"):
        licnn.Client(" , ")
    with pytest.raises(ValueError, match="timeout must be positive"):
        licnn.Client("localhost:1", timeout=0)
    with pytest.raises(ValueError, match="needs its private key"):
        licnn.TLS(cert="client.pem")
    with pytest.raises(ValueError, match="cannot be read"):
        licnn.Client("localhost:1", tls=licnn.TLS(ca="/nonexistent/ca.pem"))


def test_readToken_skipsCommentsAndBlankLines(tmp_path: Path):
    f = tmp_path / "tokens"
    f.write_text("# a comment\n\n  secret-1  \nsecret-2\n")
    assert licnn.read_token(f) == "secret-1"
    f.write_text("# only comments\n")
    with pytest.raises(ValueError, match="no token in"):
        licnn.read_token(f)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_drawsABarOnATerminal_andPlainLinesOtherwise():
    from licnn._progress import Progress

    tty = _Terminal()
    p = Progress(4, stream=tty)
    for ok in (True, True, False, True):
        p.step(ok)
    p.close()
    out = tty.getvalue()
    assert out.count("\r") == 4 and "[" + "#" * 30 + "] 4/4 (1 failed)" in out and out.endswith("\n")

    plain = io.StringIO()
    p = Progress(20, stream=plain)
    for _ in range(20):
        p.step()
    lines = plain.getvalue().splitlines()
    assert "\r" not in plain.getvalue() and len(lines) == 10 and lines[-1].startswith("explain: 20/20 done")

    quiet = io.StringIO()
    p = Progress(3, enabled=False, stream=quiet)
    p.step()
    assert quiet.getvalue() == ""
