"""Python client of the LICNN saliency server.

::

    import licnn

    with licnn.Client("localhost:50051") as client:
        e = client.explain("cat.png", top_k=3)           # an Explanation
        print(e.top_classes[0].label, e.saliency.shape)  # numpy float32 maps
        e.save("out/cat")                                # the files of `licnn explain`

:class:`Client` (blocking) and :class:`AsyncClient` (asyncio) have the same methods:
``explain``, ``stream`` (typed events as they arrive), ``explain_many`` (pipelined over
replicas), ``classify``, ``models`` and ``describe``. Failures raise :class:`LicnnError`
subclasses named after the gRPC status (:class:`InvalidArgument`, :class:`NotFound`, ...).
The generated stubs of the contract are in :mod:`licnn.v1`.
"""
from licnn._channels import TLS, read_token
from licnn.aio import AsyncClient
from licnn.client import Client, EventStream
from licnn.errors import (Aborted, AlreadyExists, Cancelled, DataLoss, DeadlineExceeded, FailedPrecondition,
                          Internal, InvalidArgument, LicnnError, NotFound, OutOfRange, PermissionDenied,
                          ResourceExhausted, Unauthenticated, Unavailable, Unimplemented, Unknown)
from licnn.events import (Accepted, AttentionMap, ClassScore, Completed, Event, InhibitedRanking, LayerMap, MapKey,
                          Prediction, SaliencyMap, TargetRanking, Timings)
from licnn.explanation import Explanation
from licnn.maps import ENCODINGS, KINDS, METHODS, decode_map
from licnn.plot import overlay

__version__ = "0.1.0"

__all__ = [
    "Client", "AsyncClient", "EventStream", "TLS", "read_token", "Explanation", "overlay", "decode_map",
    "ENCODINGS", "KINDS", "METHODS",
    "Event", "Accepted", "Prediction", "LayerMap", "AttentionMap", "SaliencyMap", "InhibitedRanking", "Completed",
    "ClassScore", "TargetRanking", "Timings", "MapKey",
    "LicnnError", "Cancelled", "Unknown", "InvalidArgument", "DeadlineExceeded", "NotFound", "AlreadyExists",
    "PermissionDenied", "ResourceExhausted", "FailedPrecondition", "Aborted", "OutOfRange", "Unimplemented",
    "Internal", "Unavailable", "DataLoss", "Unauthenticated", "check_proto",
]


def check_proto(proto_dir: str) -> None:
    """Raises RuntimeError when the .proto files under ``proto_dir`` (``proto/src/main/proto``)
    differ from those this package's stubs were generated from (rebuild: pip install again)."""
    import hashlib
    import os

    from licnn._build_info import PROTO_SHA256

    changed = []
    for name, digest in sorted(PROTO_SHA256.items()):
        path = os.path.join(proto_dir, name)
        try:
            with open(path, "rb") as f:
                now = hashlib.sha256(f.read()).hexdigest()
        except OSError:
            now = "missing"
        if now != digest:
            changed.append(name)
    if changed:
        raise RuntimeError(f"{', '.join(changed)} changed since the licnn package was built; "
                           "reinstall it (pip install ./clients/python)")
