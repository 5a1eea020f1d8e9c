"""Exceptions of the licnn client: one class per gRPC status code.

Every failed call raises a :class:`LicnnError` subclass that carries the gRPC status
(:attr:`LicnnError.code`) and the server's message (:attr:`LicnnError.message`)::

    try:
        client.explain("cat.png", top_k=5000)
    except licnn.InvalidArgument as e:
        print(e.code.name, e.message)   # INVALID_ARGUMENT top_k must be in [1, 1000], got 5000

Failures of one request of a pipelined run (``explain_many``) reach the caller as the same
classes, built from the in-band ``google.rpc.Status``.
"""
from __future__ import annotations

from typing import Any, Dict, Optional, Type

import grpc

__all__ = [
    "LicnnError", "Cancelled", "Unknown", "InvalidArgument", "DeadlineExceeded", "NotFound",
    "AlreadyExists", "PermissionDenied", "ResourceExhausted", "FailedPrecondition", "Aborted",
    "OutOfRange", "Unimplemented", "Internal", "Unavailable", "DataLoss", "Unauthenticated",
    "error_class", "from_rpc_error", "from_status",
]


class LicnnError(Exception):
    """A call to the server failed. Subclasses name the gRPC status code.

    Attributes:
        code: the :class:`grpc.StatusCode`.
        message: the server's (or gRPC's) description of the failure.
        index: for a request of ``explain_many``, its position in the input; else None.
        image: for a request of ``explain_many``, the input it was made from; else None.
    """

    code: grpc.StatusCode = grpc.StatusCode.UNKNOWN

    def __init__(self, message: str, *, code: Optional[grpc.StatusCode] = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code
        self.message = message
        self.index: Optional[int] = None
        self.image: Any = None

    def __str__(self) -> str:
        return f"{self.code.name}: {self.message}"


def _make(name: str, code: grpc.StatusCode, doc: str) -> Type[LicnnError]:
    return type(name, (LicnnError,), {"code": code, "__doc__": doc, "__module__": __name__})


Cancelled = _make("Cancelled", grpc.StatusCode.CANCELLED, "The call was cancelled (usually by the client).")
Unknown = _make("Unknown", grpc.StatusCode.UNKNOWN, "An error gRPC could not classify.")
InvalidArgument = _make("InvalidArgument", grpc.StatusCode.INVALID_ARGUMENT,
                        "The request is invalid: no or undecodable image, top_k out of range, unknown layer, ...")
DeadlineExceeded = _make("DeadlineExceeded", grpc.StatusCode.DEADLINE_EXCEEDED, "The call's deadline passed.")
NotFound = _make("NotFound", grpc.StatusCode.NOT_FOUND, "Unknown model, or a class id the model does not have.")
AlreadyExists = _make("AlreadyExists", grpc.StatusCode.ALREADY_EXISTS,
                      "A request id already in flight on the same ExplainStream.")
PermissionDenied = _make("PermissionDenied", grpc.StatusCode.PERMISSION_DENIED, "The caller may not do this.")
ResourceExhausted = _make("ResourceExhausted", grpc.StatusCode.RESOURCE_EXHAUSTED,
                          "The server's queue is full, or a message exceeded a size limit; retry later.")
FailedPrecondition = _make("FailedPrecondition", grpc.StatusCode.FAILED_PRECONDITION,
                           "The server is not in a state to run the call.")
Aborted = _make("Aborted", grpc.StatusCode.ABORTED, "The call was aborted.")
OutOfRange = _make("OutOfRange", grpc.StatusCode.OUT_OF_RANGE, "A value was out of range.")
Unimplemented = _make("Unimplemented", grpc.StatusCode.UNIMPLEMENTED,
                      "A method the model (or server) does not support.")
Internal = _make("Internal", grpc.StatusCode.INTERNAL, "A computation failed unexpectedly on the server.")
Unavailable = _make("Unavailable", grpc.StatusCode.UNAVAILABLE,
                    "The server cannot be reached, or is starting or shutting down; retry.")
DataLoss = _make("DataLoss", grpc.StatusCode.DATA_LOSS, "Unrecoverable data loss.")
Unauthenticated = _make("Unauthenticated", grpc.StatusCode.UNAUTHENTICATED,
                        "The server needs a bearer token and the call had none or a wrong one.")

_BY_CODE: Dict[grpc.StatusCode, Type[LicnnError]] = {
    c.code: c for c in (Cancelled, Unknown, InvalidArgument, DeadlineExceeded, NotFound, AlreadyExists,
                        PermissionDenied, ResourceExhausted, FailedPrecondition, Aborted, OutOfRange,
                        Unimplemented, Internal, Unavailable, DataLoss, Unauthenticated)
}
_BY_NUMBER: Dict[int, grpc.StatusCode] = {c.value[0]: c for c in grpc.StatusCode}


def error_class(code: grpc.StatusCode) -> Type[LicnnError]:
    """The exception class of a gRPC status code (``Unknown`` for OK or a code gRPC lacks)."""
    return _BY_CODE.get(code, Unknown)


def from_status(code: int, message: str) -> LicnnError:
    """The exception of a ``google.rpc.Status`` (numeric code, message)."""
    status = _BY_NUMBER.get(code, grpc.StatusCode.UNKNOWN)
    return error_class(status)(message or status.name, code=status)


def from_rpc_error(e: grpc.RpcError) -> LicnnError:
    """The exception of a failed gRPC call (sync or asyncio)."""
    code = e.code() if hasattr(e, "code") else grpc.StatusCode.UNKNOWN
    details = e.details() if hasattr(e, "details") else str(e)
    if code is None:
        code = grpc.StatusCode.UNKNOWN
    return error_class(code)(details or code.name, code=code)
