"""The asyncio client: :class:`AsyncClient`, with the methods of :class:`licnn.Client`."""
from __future__ import annotations

import asyncio
import collections
import itertools
from typing import Any, AsyncIterator, Callable, Deque, Dict, Iterable, List, Optional, Sequence, Set, Tuple, Union

import grpc
import grpc.aio

from licnn import _channels
from licnn._channels import RETRYABLE, TlsLike
from licnn._progress import Progress
from licnn._request import build_request
from licnn.client import resolve_class_name
from licnn.errors import Cancelled, LicnnError, Unavailable, from_rpc_error, from_status
from licnn.events import ClassScore, Event, to_event
from licnn.explanation import Collector, Explanation
from licnn.images import ImageLike, image_input
from licnn.v1 import licnn_service_pb2 as pb
from licnn.v1 import licnn_service_pb2_grpc as pb_grpc
from licnn.v1 import types_pb2

__all__ = ["AsyncClient", "AsyncEventStream"]

Result = Union[Explanation, Exception]


class AsyncEventStream:
    """The typed events of one ``Explain`` call for ``async for``; :meth:`cancel` (or leaving an
    ``async with`` block early) cancels it on the server."""

    def __init__(self, start: Callable[[int], Any], attempts: int,
                 on_done: Callable[[Collector], Any]) -> None:
        self._start = start
        self._attempts = attempts
        self._attempt = 0
        self._call = start(0)
        self._it = self._call.__aiter__()
        self._started = False
        self._cancelled = False
        self._finished = False
        self._on_done = on_done
        self.collector = Collector()

    def __aiter__(self) -> "AsyncEventStream":
        return self

    async def __anext__(self) -> Event:
        while True:
            if self._finished:
                raise StopAsyncIteration
            try:
                raw = await self._it.__anext__()
            except StopAsyncIteration:
                self._finished = True
                raise
            except asyncio.CancelledError:
                if self._cancelled:
                    self._finished = True
                    raise StopAsyncIteration from None
                raise
            except grpc.RpcError as e:
                if self._cancelled:
                    self._finished = True
                    raise StopAsyncIteration from None
                if not self._started and e.code() in RETRYABLE and self._attempt + 1 < self._attempts:
                    self._attempt += 1
                    await asyncio.sleep(_channels.backoff(self._attempt))
                    self._call = self._start(self._attempt)
                    self._it = self._call.__aiter__()
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
        """Cancels the call; iteration then ends."""
        if not self._finished:
            self._cancelled = True
            self._call.cancel()

    async def collect(self) -> Explanation:
        """Drains the remaining events into an :class:`Explanation`."""
        async for _ in self:
            pass
        if self._cancelled:
            raise Cancelled("the explanation was cancelled")
        return await self._on_done(self.collector)

    async def __aenter__(self) -> "AsyncEventStream":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        self.cancel()


class AsyncClient:
    """The asyncio twin of :class:`licnn.Client` (same arguments and methods, awaited)::

        async with licnn.AsyncClient("localhost:50051") as client:
            e = await client.explain("cat.png")
            async for ev in client.stream("cat.png", kinds=["suppression_mask"]):
                ...
            async for e in client.explain_many(paths):
                ...
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
        self._channels = [grpc.aio.secure_channel(t, creds, options=opts) if creds is not None
                          else grpc.aio.insecure_channel(t, options=opts) for t in self.targets]
        self._stubs = [pb_grpc.LicnnServiceStub(c) for c in self._channels]
        self._next = itertools.count()
        self._descriptions: Dict[str, pb.ModelDescription] = {}

    async def _unary(self, method: str, request: Any) -> Any:
        first = next(self._next)
        for attempt in range(self.attempts):
            stub = self._stubs[(first + attempt) % len(self._stubs)]
            try:
                return await getattr(stub, method)(request, timeout=self.timeout, metadata=self._metadata)
            except grpc.RpcError as e:
                if e.code() in RETRYABLE and attempt + 1 < self.attempts:
                    await asyncio.sleep(_channels.backoff(attempt + 1))
                    continue
                raise from_rpc_error(e) from None
        raise AssertionError("unreachable")

    async def models(self) -> List[types_pb2.ModelSummary]:
        """The served models, the default one first."""
        r = await self._unary("ListModels", pb.ListModelsRequest())
        return sorted(r.models, key=lambda m: m.name != r.default_model)

    async def describe(self, model: str = "") -> pb.ModelDescription:
        """The full description of a model ("" for the default); cached."""
        d = self._descriptions.get(model)
        if d is None:
            d = await self._unary("DescribeModel", pb.DescribeModelRequest(model=model))
            self._descriptions[model] = self._descriptions[d.name] = d
        return d

    async def _preprocessing(self, model: str) -> Optional[Tuple[int, int]]:
        try:
            p = (await self.describe(model)).preprocessing
        except LicnnError:
            return None
        return (p.resize_shorter_edge, p.crop_size.height) if p.resize_shorter_edge else None

    async def request(self, image: ImageLike, **kwargs: Any) -> pb.ExplainRequest:
        """The ``licnn.v1.ExplainRequest`` that :meth:`explain` sends for these arguments."""
        classes = kwargs.get("classes")
        names = [c for c in ([classes] if isinstance(classes, (int, str)) else (classes or ()))
                 if isinstance(c, str) and not c.isdigit()]
        d = await self.describe(kwargs.get("model", "")) if names else None
        return build_request(image, resolve_class=(lambda n: resolve_class_name(d, n)) if d else None, **kwargs)

    async def stream(self, image: ImageLike, *, timeout: Optional[float] = None, **kwargs: Any) -> AsyncEventStream:
        """Starts an explanation; ``async for`` over the result yields its typed events."""
        req = await self.request(image, **kwargs)
        first = next(self._next)
        model = kwargs.get("model", "")

        def start(attempt: int) -> Any:
            stub = self._stubs[(first + attempt) % len(self._stubs)]
            return stub.Explain(req, timeout=timeout or self.timeout, metadata=self._metadata)

        async def done(c: Collector) -> Explanation:
            return c.build(image=image, preprocessing=await self._preprocessing(model))

        return AsyncEventStream(start, self.attempts, done)

    async def explain(self, image: ImageLike, **kwargs: Any) -> Explanation:
        """Explains one image; the arguments of :meth:`licnn.Client.explain`."""
        return await (await self.stream(image, **kwargs)).collect()

    async def classify(self, images: Sequence[ImageLike], *, top_k: int = 5,
                       model: str = "") -> List[Union[List[ClassScore], LicnnError]]:
        """Per image its top classes, or the :class:`LicnnError` of that image."""
        r = await self._unary("Classify", pb.ClassifyRequest(model=model, images=[image_input(i) for i in images],
                                                             top_k=top_k))
        return [[ClassScore.of(c) for c in res.classification.top_classes]
                if res.WhichOneof("outcome") == "classification" else from_status(res.error.code, res.error.message)
                for res in r.results]

    async def explain_many(self, images: Iterable[ImageLike], *, in_flight: int = 8, progress: bool = True,
                           ordered: bool = True, errors: str = "raise", stream_timeout: Optional[float] = None,
                           **kwargs: Any) -> AsyncIterator[Result]:
        """Pipelined explanations over one ``ExplainStream`` per replica; see
        :meth:`licnn.Client.explain_many` (same behaviour, ``async for``)."""
        if in_flight < 1:
            raise ValueError(f"in_flight must be at least 1, got {in_flight}")
        if errors not in ("raise", "return"):
            raise ValueError(f"errors must be 'raise' or 'return', got {errors!r}")
        try:
            total: Optional[int] = len(images)  # type: ignore[arg-type]
        except TypeError:
            total = None
        pre = await self._preprocessing(kwargs.get("model", ""))
        run = _AsyncPipeline(self, iter(enumerate(images)), lambda img: build_request(img, **kwargs), in_flight,
                             stream_timeout, Progress(total, progress), pre)
        async for r in run.results(ordered, errors == "raise"):
            yield r

    async def close(self) -> None:
        """Closes the channels."""
        for c in self._channels:
            await c.close()

    async def __aenter__(self) -> "AsyncClient":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()


class _Item:
    __slots__ = ("index", "image", "request", "id")

    def __init__(self, index: int, image: Any, request: pb.ExplainRequest) -> None:
        self.index, self.image, self.request, self.id = index, image, request, str(index)


class _AsyncPipeline:
    """explain_many on one event loop: a task per replica, state guarded by one asyncio.Condition."""

    def __init__(self, client: AsyncClient, source: Any, make_request: Callable[[Any], pb.ExplainRequest],
                 in_flight: int, stream_timeout: Optional[float], progress: Progress,
                 pre: Optional[Tuple[int, int]]) -> None:
        self.client, self.source, self.make_request = client, source, make_request
        self.in_flight, self.stream_timeout, self.progress, self.pre = in_flight, stream_timeout, progress, pre
        self.cond = asyncio.Condition()
        self.retry: Deque[_Item] = collections.deque()
        self.source_done = False
        self.outstanding = 0
        self.sending = 0
        self.live = len(client.targets)
        self.stopped = False
        self.done_sent = False
        self.delivered: Set[int] = set()
        self.calls: List[Any] = []
        self.resent = 0
        self.restarts = 0
        self.out: "asyncio.Queue[Any]" = asyncio.Queue()

    def _check_done(self) -> None:
        if not self.done_sent and self.source_done and self.outstanding == 0:
            self.done_sent = True
            self.out.put_nowait(None)
            self.cond.notify_all()

    def _deliver(self, item: _Item, result: Result) -> None:
        if item.index in self.delivered:
            return
        self.delivered.add(item.index)
        self.outstanding -= 1
        if isinstance(result, Exception):
            setattr(result, "index", item.index)
            setattr(result, "image", item.image)
        self.out.put_nowait(result)
        self._check_done()

    def _pull(self) -> Optional[_Item]:
        while True:
            nxt = next(self.source, None)
            if nxt is None:
                self.source_done = True
                self._check_done()
                return None
            index, image = nxt
            self.outstanding += 1
            try:
                return _Item(index, image, self.make_request(image))
            except (ValueError, TypeError, OSError) as e:
                self._deliver(_Item(index, image, None), e)

    async def _take(self, sent: Dict[str, _Item], ended: List[bool]) -> Optional[_Item]:
        async with self.cond:
            while True:
                if self.stopped or ended[0]:
                    return None
                cap = -(-self.in_flight // max(1, self.live))
                if self.sending < self.in_flight and len(sent) < cap:
                    item = self.retry.popleft() if self.retry else (None if self.source_done else self._pull())
                    if item is not None:
                        sent[item.id] = item
                        self.sending += 1
                        return item
                if self.source_done and self.outstanding == 0:
                    return None
                await self.cond.wait()

    async def _finish(self, sent: Dict[str, _Item], item: _Item, result: Result) -> None:
        async with self.cond:
            if sent.pop(item.id, None) is None:
                return
            self.sending -= 1
            self._deliver(item, result)
            self.cond.notify_all()

    async def _run_target(self, t: int) -> None:
        stub = self.client._stubs[t]
        failures = 0
        while not (self.stopped or self.done_sent):
            sent: Dict[str, _Item] = {}
            ended = [False]

            async def requests() -> AsyncIterator[pb.ExplainStreamRequest]:
                while True:
                    item = await self._take(sent, ended)
                    if item is None:
                        return
                    yield pb.ExplainStreamRequest(request_id=item.id, request=item.request)

            call = stub.ExplainStream(requests(), timeout=self.stream_timeout, metadata=self.client._metadata)
            self.calls.append(call)
            error: Optional[grpc.RpcError] = None
            collectors: Dict[str, Collector] = {}
            progressed = False
            try:
                async for ev in call:
                    item = sent.get(ev.request_id)
                    if item is None:
                        continue
                    if ev.WhichOneof("kind") == "failed":
                        collectors.pop(item.id, None)
                        await self._finish(sent, item, from_status(ev.failed.status.code, ev.failed.status.message))
                        progressed = True
                        continue
                    c = collectors.setdefault(item.id, Collector())
                    c.add(to_event(ev.event))
                    if ev.event.WhichOneof("event") == "completed":
                        collectors.pop(item.id, None)
                        await self._finish(sent, item, c.build(image=item.image, index=item.index, preprocessing=self.pre))
                        progressed = True
            except grpc.RpcError as e:
                error = e
            finally:
                self.calls.remove(call)
            async with self.cond:
                ended[0] = True
                unfinished = sorted(sent.values(), key=lambda i: i.index)
                sent.clear()
                self.sending -= len(unfinished)
                self.cond.notify_all()
                if self.stopped:
                    return
                if error is None and not unfinished:
                    continue
                failures = 1 if progressed else failures + 1
                code = error.code() if error is not None else None
                retry = code in (None, grpc.StatusCode.UNAVAILABLE) and failures <= 5
                if retry or self.live > 1:
                    self.retry.extendleft(reversed(unfinished))
                    self.resent += len(unfinished)
                else:
                    for item in unfinished:
                        self._deliver(item, from_rpc_error(error) if error else Unavailable("stream ended early"))
                if not retry:
                    self.live -= 1
                    if self.live == 0:
                        last = from_rpc_error(error) if error else Unavailable("no replica left")
                        while self.retry:
                            self._deliver(self.retry.popleft(), type(last)(last.message, code=last.code))
                        while not self.source_done:
                            item = self._pull()
                            if item is not None:
                                self._deliver(item, type(last)(last.message, code=last.code))
                    self.cond.notify_all()
                    return
                self.restarts += 1
            await asyncio.sleep(_channels.backoff(failures))

    async def results(self, ordered: bool, raise_errors: bool) -> AsyncIterator[Result]:
        tasks = [asyncio.ensure_future(self._run_target(t)) for t in range(len(self.client.targets))]
        buffered: Dict[int, Result] = {}
        next_index = 0
        try:
            while True:
                r = await self.out.get()
                if r is None:
                    break
                self.progress.step(not isinstance(r, Exception))
                index = getattr(r, "index")
                if ordered:
                    buffered[index] = r
                    while next_index in buffered:
                        yield _emit(buffered.pop(next_index), raise_errors)
                        next_index += 1
                else:
                    yield _emit(r, raise_errors)
        finally:
            self.progress.close()
            self.stopped = True
            for c in list(self.calls):
                c.cancel()
            async with self.cond:
                self.cond.notify_all()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)


def _emit(r: Result, raise_errors: bool) -> Result:
    if raise_errors and isinstance(r, Exception):
        raise r
    return r
