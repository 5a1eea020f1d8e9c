"""Targets, credentials and call metadata shared by Client and AsyncClient."""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, List, Optional, Sequence, Tuple, Union

import grpc

PathOrBytes = Union[str, "os.PathLike[str]", bytes, None]

#: Inbound message limit of the client's channels (a 224 x 224 float32 map is ~200 KB).
MAX_RECEIVE_BYTES = 64 << 20
#: Codes retried (with back-off, on the next replica) before any answer arrived.
RETRYABLE = (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.RESOURCE_EXHAUSTED)


@dataclass(frozen=True)
class TLS:
    """TLS settings: trusted CA certificates, a client certificate for mutual TLS, a name override.

    Each of ``ca``, ``cert`` and ``key`` is a PEM file path or PEM bytes; ``ca=None`` trusts the
    system's CA certificates. ``server_name`` checks the server's certificate against that name
    instead of the target's host.
    """

    ca: PathOrBytes = None
    cert: PathOrBytes = None
    key: PathOrBytes = None
    server_name: Optional[str] = None

    def __post_init__(self) -> None:
        if (self.cert is None) != (self.key is None):
            raise ValueError("TLS: a client certificate needs its private key, and the other way round")


TlsLike = Union[bool, TLS, grpc.ChannelCredentials, None]


def _read(x: PathOrBytes, what: str) -> Optional[bytes]:
    if x is None or isinstance(x, bytes):
        return x
    try:
        with open(x, "rb") as f:
            return f.read()
    except OSError as e:
        raise ValueError(f"TLS {what} {os.fspath(x)!r} cannot be read: {e.strerror}") from None


def credentials(tls: TlsLike) -> Tuple[Optional[grpc.ChannelCredentials], List[Tuple[str, Any]]]:
    """Channel credentials (None: plaintext) and the channel options they need."""
    if tls is None or tls is False:
        return None, []
    if tls is True:
        return grpc.ssl_channel_credentials(), []
    if isinstance(tls, TLS):
        creds = grpc.ssl_channel_credentials(root_certificates=_read(tls.ca, "ca"),
                                             private_key=_read(tls.key, "key"),
                                             certificate_chain=_read(tls.cert, "cert"))
        opts = [("grpc.ssl_target_name_override", tls.server_name)] if tls.server_name else []
        return creds, opts
    if isinstance(tls, grpc.ChannelCredentials):
        return tls, []
    raise TypeError("tls must be True, False, a licnn.TLS or grpc.ChannelCredentials, got " + type(tls).__name__)


def parse_targets(target: Union[str, Sequence[str]]) -> List[str]:
    """``"h1:p1,h2:p2"`` or a list of targets -> the list; ValueError when empty."""
    parts = target.split(",") if isinstance(target, str) else list(target)
    targets = [t.strip() for t in parts if t and t.strip()]
    if not targets:
        raise ValueError("no target given (host:port, or several separated by commas)")
    return targets


def read_token(path: Union[str, "os.PathLike[str]"]) -> str:
    """The first line of a token file that is neither blank nor a ``#`` comment (as the server reads it)."""
    with open(path, encoding="ascii") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                return line
    raise ValueError(f"no token in {os.fspath(path)}")


def metadata(token: Optional[str]) -> Optional[Tuple[Tuple[str, str], ...]]:
    if token is None:
        return None
    if not token or any(c in token for c in "\r\n"):
        raise ValueError("the token must be a non-empty single line")
    return (("authorization", "Bearer " + token),)


def channel_options(extra: Sequence[Tuple[str, Any]] = ()) -> List[Tuple[str, Any]]:
    return [("grpc.max_receive_message_length", MAX_RECEIVE_BYTES), ("grpc.enable_retries", 0)] + list(extra)


def backoff(attempt: int) -> float:
    """Seconds to wait before retry ``attempt`` (1, 2, ...): 0.1, 0.2, 0.4, ... at most 2."""
    return min(2.0, 0.1 * (2 ** (attempt - 1)))
