"""The blocking client: :class:`Client`."""
from __future__ import annotations

import itertools
import threading
import time
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple, Union

import grpc

from licnn import _channels
from licnn._channels import RETRYABLE, TlsLike
from licnn._request import build_request
from licnn.errors import Cancelled, LicnnError, from_rpc_error, from_status
from licnn.events import ClassScore, Event, to_event
from licnn.explanation import Collector, Explanation
from licnn.images import ImageLike, image_input
from licnn.v1 import licnn_service_pb2 as pb
from licnn.v1 import licnn_service_pb2_grpc as pb_grpc
from licnn.v1 import types_pb2

__all__ = ["Client", "EventStream", "resolve_class_name"]


def resolve_class_name(description: pb.ModelDescription, name: str) -> int:
    """The class id of a label (``"tabby, tabby cat"``, or one of its comma-separated names) or a
    key (``"n02123045"``), case-insensitive. ValueError when none or several classes match."""
    want = name.strip().lower()
    hits = sorted({lab.class_id for lab in description.labels
                   if want == lab.key.lower() or want == lab.name.lower()
                   or want in (p.strip().lower() for p in lab.name.split(","))})
    if len(hits) != 1:
        raise ValueError(f"class {name!r}: {'no' if not hits else 'more than one'} class of model "
                         f"{description.name} has that name or key")
    return hits[0]


class EventStream(Iterator[Event]):
    """The typed events of one ``Explain`` call, as they arrive. Iterate it, or :meth:`collect`.

    Leaving a ``with`` block (or :meth:`cancel`) before the end cancels the call on the server.
    The call is retried on the next replica when it fails with UNAVAILABLE or RESOURCE_EXHAUSTED
    before its first event.
    """

    def __init__(self, start: Callable[[int], Any], attempts: int, image: Any = None,
                 on_done: Optional[Callable[[Collector], Explanation]] = None) -> None:
        self._start = start
        self._attempts = attempts
        self._attempt = 0
        self._call = start(0)
        self._started = False
        self._cancelled = False
        self._finished = False
        self._image = image
        self._on_done = on_done
        self.collector = Collector()

    def __iter__(self) -> "EventStream":
        return self

    def __next__(self) -> Event:
        while True:
            if self._finished:
                raise StopIteration
            try:
                raw = next(self._call)
            except StopIteration:
                self._finished = True
                raise
            except grpc.RpcError as e:
                if self._cancelled:
                    self._finished = True
                    raise StopIteration from None
                if not self._started and e.code() in RETRYABLE and self._attempt + 1 < self._attempts:
                    self._attempt += 1
                    time.sleep(_channels.backoff(self._attempt))
                    self._call = self._start(self._attempt)
                    continue
                self._finished = True
                raise from_rpc_error(e) from None
            self._started = True
            ev = to_event(raw)
            if ev is None:
                continue
            self.collector.add(ev)
            return ev

    def cancel(self) -> None:
        """Cancels the call (the server stops computing it); iteration then ends."""
        if not self._finished:
            self._cancelled = True
            self._call.cancel()

    close = cancel

    def collect(self) -> Explanation:
        """Drains the remaining events into an :class:`Explanation`."""
        for _ in self:
            pass
        if self._cancelled:
            raise Cancelled("the explanation was cancelled")
        if self._on_done is not None:
            return self._on_done(self.collector)
        return self.collector.build(image=self._image)

    def __enter__(self) -> "EventStream":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.cancel()


class Client:
    """Client of a LICNN server, or of several replicas.

    Args:
        target: ``"host:port"``, several separated by commas (``"h1:50051,h2:50051"``) or a list.
            Calls go round-robin over the replicas; a call that fails with UNAVAILABLE or
            RESOURCE_EXHAUSTED before any answer is retried on the next one, with back-off.
        tls: False (plaintext, the default), True (TLS with the system's CA certificates), a
            :class:`licnn.TLS` (private CA, client certificate) or ``grpc.ChannelCredentials``.
        token: a bearer token sent with every call (servers started with ``--token-file``);
            :func:`licnn.read_token` reads one from such a file. Use it over TLS.
        timeout: deadline in seconds of each call except ``explain_many``'s stream (None: none).
        attempts: tries per call, the first one included.

    Example::

        with licnn.Client("localhost:50051") as client:
            e = client.explain("cat.png", top_k=3)
            print(e.top_classes[0].label, e.saliency.shape)
            for ev in client.stream("cat.png", kinds=["suppression_mask"]):
                ...
            for e in client.explain_many(paths, in_flight=8):
                e.save(f"out/{e.index}")
    """

    def __init__(self, target: Union[str, Sequence[str]], *, tls: TlsLike = False, token: Optional[str] = None,
                 timeout: Optional[float] = 120.0, attempts: int = 5,
                 channel_options: Sequence[Tuple[str, Any]] = ()) -> None:
        if attempts < 1:
            raise ValueError(f"attempts must be at least 1, got {attempts}")
        if timeout is not None and timeout <= 0:
            raise ValueError(f"timeout must be positive, got {timeout}")
        self.targets: List[str] = _channels.parse_targets(target)
        self.timeout = timeout
        self.attempts = attempts
        self._metadata = _channels.metadata(token)
        creds, extra = _channels.credentials(tls)
        opts = _channels.channel_options(list(extra) + list(channel_options))
        self._channels = [grpc.secure_channel(t, creds, options=opts) if creds is not None
                          else grpc.insecure_channel(t, options=opts) for t in self.targets]
        self._stubs = [pb_grpc.LicnnServiceStub(c) for c in self._channels]
        self._next = itertools.count()
        self._lock = threading.Lock()
        self._descriptions: Dict[str, pb.ModelDescription] = {}

    # ---- plumbing ----

    def _stub(self, offset: int = 0) -> pb_grpc.LicnnServiceStub:
        return self._stubs[(next(self._next) + offset) % len(self._stubs)]

    def _unary(self, method: str, request: Any, timeout: Optional[float] = None) -> Any:
        first = next(self._next)
        for attempt in range(self.attempts):
            stub = self._stubs[(first + attempt) % len(self._stubs)]
            try:
                return getattr(stub, method)(request, timeout=timeout or self.timeout, metadata=self._metadata)
            except grpc.RpcError as e:
                if e.code() in RETRYABLE and attempt + 1 < self.attempts:
                    time.sleep(_channels.backoff(attempt + 1))
                    continue
                raise from_rpc_error(e) from None
        raise AssertionError("unreachable")

    # ---- models ----

    def models(self) -> List[types_pb2.ModelSummary]:
        """The served models (``licnn.v1.ModelSummary``); the default one first."""
        r = self._unary("ListModels", pb.ListModelsRequest())
        return sorted(r.models, key=lambda m: m.name != r.default_model)

    def describe(self, model: str = "") -> pb.ModelDescription:
        """The full description of a model ("" for the default): labels, layers, pre-processing.
        Cached per client. Raises NotFound for an unknown model."""
        with self._lock:
            d = self._descriptions.get(model)
        if d is None:
            d = self._unary("DescribeModel", pb.DescribeModelRequest(model=model))
            with self._lock:
                self._descriptions[model] = d
                self._descriptions[d.name] = d
        return d

    def _preprocessing(self, model: str) -> Optional[Tuple[int, int]]:
        try:
            p = self.describe(model).preprocessing
        except LicnnError:
            return None
        return (p.resize_shorter_edge, p.crop_size.height) if p.resize_shorter_edge else None

    # ---- explain ----

    def request(self, image: ImageLike, **kwargs: Any) -> pb.ExplainRequest:
        """The ``licnn.v1.ExplainRequest`` that :meth:`explain` sends for these arguments."""
        model = kwargs.get("model", "")
        return build_request(image, resolve_class=lambda n: resolve_class_name(self.describe(model), n), **kwargs)

    def stream(self, image: ImageLike, *, timeout: Optional[float] = None, **kwargs: Any) -> EventStream:
        """Starts an explanation and returns its typed events as they arrive (see
        :class:`licnn.events`); takes the arguments of :meth:`explain`. For live plots::

            with client.stream(img, kinds=["suppression_mask"]) as events:
                for ev in events:
                    if isinstance(ev, licnn.LayerMap): show(ev.layer, ev.map)
        """
        req = self.request(image, **kwargs)
        first = next(self._next)

        def start(attempt: int) -> Any:
            stub = self._stubs[(first + attempt) % len(self._stubs)]
            return stub.Explain(req, timeout=timeout or self.timeout, metadata=self._metadata)

        model = kwargs.get("model", "")
        return EventStream(start, self.attempts, image,
                           lambda c: c.build(image=image, preprocessing=self._preprocessing(model)))

    def explain(self, image: ImageLike, *, top_k: Optional[int] = 5, classes: Optional[Iterable[Union[int, str]]] = None,
                method: str = "licnn", layers: Optional[Iterable[Union[int, str]]] = None,
                kinds: Optional[Iterable[str]] = None, encoding: str = "float16", options: Any = None,
                model: str = "", output_size: Optional[Tuple[int, int]] = None, ranking_size: int = 0,
                omit_attention_maps: bool = False, omit_saliency_map: bool = False,
                timeout: Optional[float] = None) -> Explanation:
        """Explains one image and returns the :class:`Explanation`.

        Args:
            image: a path, PNG/JPEG bytes, a PIL image, or an HxWx3 uint8 array (or float in [0, 1]).
            top_k: explain the top-k classes of the first pass (ignored when ``classes`` is given).
            classes: explain these classes instead, in this order: ids, labels or keys.
            method: ``"licnn"``, ``"gradient"``, ``"gradient_x_input"``, ``"integrated_gradients"``,
                ``"smoothgrad"`` or ``"grad_cam"``.
            layers: layers whose maps to stream, by name (``"relu5_3"``) or index; default all.
            kinds: layer map kinds to stream: ``"gradient_max_c"``, ``"inhibition"``,
                ``"suppression_mask"``, ``"response_before"``, ``"response_after"``; default none.
            encoding: ``"float16"`` (default; half the bytes), ``"float32"`` (exact) or ``"uint8"``.
            options: LICNN options (``score="after"|"before"``, ``inhibit_last_relu``,
                ``per_layer_normalization``, ``liz_size``, ``a``, ``b``) or, for the other methods,
                ``score``, ``ig_steps``, ``ig_baseline``, ``smoothgrad_samples``, ``noise_level``,
                ``seed``, ``grad_cam_layer``; a dict or the proto message.
            model: model name ("" for the server's default).
            output_size: (height, width) to resize every map to before it is sent.
            ranking_size: classes listed in each ranking (0: the server's default, 5).
            omit_attention_maps, omit_saliency_map: do not send those maps.
            timeout: deadline in seconds (default: the client's).

        Raises:
            LicnnError: its subclass names the gRPC status (InvalidArgument, NotFound, ...).
            ValueError, TypeError: bad arguments, found before anything is sent.
        """
        return self.stream(image, top_k=top_k, classes=classes, method=method, layers=layers, kinds=kinds,
                           encoding=encoding, options=options, model=model, output_size=output_size,
                           ranking_size=ranking_size, omit_attention_maps=omit_attention_maps,
                           omit_saliency_map=omit_saliency_map, timeout=timeout).collect()

    def explain_many(self, images: Iterable[ImageLike], *, in_flight: int = 8, progress: bool = True,
                     ordered: bool = True, errors: str = "raise", stream_timeout: Optional[float] = None,
                     **kwargs: Any) -> Iterator[Union[Explanation, Exception]]:
        """Explains many images over pipelined ``ExplainStream`` calls, one per replica.

        At most ``in_flight`` requests are outstanding in all. When a replica's stream breaks
        (UNAVAILABLE: killed, shutting down), what it had in flight is re-sent to the others (or
        to it once it is back); each image is answered exactly once. Yields an
        :class:`Explanation` per image (``.index`` is its position in ``images``), in input
        order (``ordered=True``) or as they complete. A request that fails raises its
        :class:`LicnnError` when reached (``errors="raise"``; leaving the loop cancels the rest)
        or is yielded in place (``errors="return"``; ``.index`` and ``.image`` tell which).
        ``progress`` shows a bar on a terminal and plain lines otherwise. Other keyword
        arguments are those of :meth:`explain`. The iterator's ``resent`` and ``restarts``
        count re-sent requests and re-opened streams; ``close()`` cancels the rest.
        """
        from licnn._pipeline import Pipeline

        if in_flight < 1:
            raise ValueError(f"in_flight must be at least 1, got {in_flight}")
        if errors not in ("raise", "return"):
            raise ValueError(f"errors must be 'raise' or 'return', got {errors!r}")
        model = kwargs.get("model", "")
        try:
            total: Optional[int] = len(images)  # type: ignore[arg-type]
        except TypeError:
            total = None
        run = Pipeline(self, images, lambda img: self.request(img, **kwargs), in_flight, stream_timeout, total,
                       progress, lambda: self._preprocessing(model))
        return run.results(ordered=ordered, raise_errors=errors == "raise")

    # ---- classify ----

    def classify(self, images: Sequence[ImageLike], *, top_k: int = 5, model: str = "") -> List[Union[List[ClassScore], LicnnError]]:
        """Classifies images (one plain forward pass each): per image its top classes, or the
        :class:`LicnnError` of that image (e.g. InvalidArgument for an undecodable one)."""
        r = self._unary("Classify", pb.ClassifyRequest(model=model, images=[image_input(i) for i in images], top_k=top_k))
        out: List[Union[List[ClassScore], LicnnError]] = []
        for res in r.results:
            if res.WhichOneof("outcome") == "classification":
                out.append([ClassScore.of(c) for c in res.classification.top_classes])
            else:
                out.append(from_status(res.error.code, res.error.message))
        return out

    # ---- lifetime ----

    def close(self) -> None:
        """Closes the channels; calls in progress are cancelled."""
        for c in self._channels:
            c.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
