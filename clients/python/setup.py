"""Build hook: generates the licnn.v1 stubs from the repository's proto/ into the build.

The stubs are never committed. protoc (Debian: protobuf-compiler) and grpc_python_plugin
(protobuf-compiler-grpc) must be on PATH, or named by $PROTOC and $GRPC_PYTHON_PLUGIN. The
.proto files are looked up in $LICNN_PROTO_DIR, else ../../proto/src/main/proto (this
directory inside the repository). google/rpc/status.proto, imported by the contract, is given
to protoc as a descriptor built from google.rpc.Status's three fields (see licnn/_status.py), so
no googleapis checkout is needed.
"""
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile

from setuptools import setup

HERE = os.path.dirname(os.path.abspath(__file__))
PROTO_FILES = ("licnn/v1/types.proto", "licnn/v1/licnn_service.proto")


def proto_dir():
    d = os.environ.get("LICNN_PROTO_DIR") or os.path.join(HERE, "..", "..", "proto", "src", "main", "proto")
    d = os.path.abspath(d)
    missing = [f for f in PROTO_FILES if not os.path.isfile(os.path.join(d, f))]
    if missing:
        sys.exit(f"licnn build: {', '.join(missing)} not found under {d}; set LICNN_PROTO_DIR")
    return d


def tool(env, name, apt):
    path = os.environ.get(env) or shutil.which(name)
    if not path:
        sys.exit(f"licnn build: {name} not found (apt-get install {apt}, or set ${env})")
    return path


def status_descriptor_set(path):
    sys.path.insert(0, os.path.join(HERE, "licnn"))
    try:
        import _status_descriptor  # licnn/_status_descriptor.py, importable without the package
    finally:
        sys.path.pop(0)
    with open(path, "wb") as f:
        f.write(_status_descriptor.descriptor_set().SerializeToString())


def generate(out):
    """Writes licnn/v1/*.py(i) and licnn/_build_info.py under out (the project directory)."""
    src = proto_dir()
    protoc = tool("PROTOC", "protoc", "protobuf-compiler")
    plugin = tool("GRPC_PYTHON_PLUGIN", "grpc_python_plugin", "protobuf-compiler-grpc")
    with tempfile.TemporaryDirectory() as tmp:
        desc = os.path.join(tmp, "status.pb")
        status_descriptor_set(desc)
        gen = os.path.join(tmp, "gen")
        os.makedirs(gen)
        subprocess.run([protoc, "-I", src, "--descriptor_set_in=" + desc,
                        "--python_out=" + gen, "--pyi_out=" + gen, "--grpc_python_out=" + gen,
                        "--plugin=protoc-gen-grpc_python=" + plugin]
                       + [os.path.join(src, f) for f in PROTO_FILES], check=True)
        dest = os.path.join(out, "licnn", "v1")
        os.makedirs(dest, exist_ok=True)
        for name in sorted(os.listdir(os.path.join(gen, "licnn", "v1"))):
            if name == "types_pb2_grpc.py":
                continue  # types.proto has no service
            with open(os.path.join(gen, "licnn", "v1", name), encoding="utf-8") as f:
                text = f.read()
            # google.rpc.Status from googleapis-common-protos when installed, else our own.
            text = text.replace("from google.rpc import status_pb2 as", "from licnn import _status as")
            with open(os.path.join(dest, name), "w", encoding="utf-8") as f:
                f.write(text)
        with open(os.path.join(dest, "__init__.py"), "w", encoding="utf-8") as f:
            f.write('"""Stubs of the licnn.v1 contract, generated from proto/ when the package was built."""\n')
    hashes = {}
    for f in PROTO_FILES:
        with open(os.path.join(src, f), "rb") as fh:
            hashes[f] = hashlib.sha256(fh.read()).hexdigest()
    with open(os.path.join(out, "licnn", "_build_info.py"), "w", encoding="utf-8") as f:
        f.write('"""Written by the build (setup.py): what the stubs were generated from."""\n')
        f.write(f"PROTO_SHA256 = {hashes!r}\n")


# Every command (metadata, wheel, editable) needs the stubs, so they are generated first, next to
# the sources (git ignores them): a rebuild always regenerates them from the current proto/.
generate(HERE)
setup()
