"""google.rpc.Status: googleapis-common-protos' when installed, else one registered from
licnn._status_descriptor (same wire format). The generated licnn.v1 stubs import this module."""
from google.protobuf import descriptor_pool

try:  # pragma: no cover - depends on what is installed
    from google.rpc.status_pb2 import DESCRIPTOR, Status  # type: ignore[import]
except ImportError:
    from google.protobuf import any_pb2  # noqa: F401  (registers the dependency)
    from google.protobuf.internal import builder as _builder

    from licnn import _status_descriptor

    _pool = descriptor_pool.Default()
    try:
        DESCRIPTOR = _pool.FindFileByName(_status_descriptor.FILE_NAME)
    except KeyError:
        DESCRIPTOR = _pool.AddSerializedFile(_status_descriptor.file_descriptor().SerializeToString())
    _names: dict = {}
    _builder.BuildMessageAndEnumDescriptors(DESCRIPTOR, _names)
    _builder.BuildTopDescriptorsAndMessages(DESCRIPTOR, "licnn._status", _names)
    Status = _names["Status"]

__all__ = ["DESCRIPTOR", "Status"]
