"""explain_many for the blocking client: pipelined ExplainStream calls, one per replica.

One thread per replica drives that replica's stream: gRPC pulls the stream's requests from a
generator (which blocks until a slot is free) and the thread reads the events. Every structure
shared by the threads is guarded by one condition variable; results go to the caller through a
queue, so no user code runs under the lock.
"""
from __future__ import annotations

import collections
import queue
import threading
from typing import Any, Callable, Deque, Dict, Iterable, Iterator, List, Optional, Set, Tuple, Union

import grpc

from licnn import _channels
from licnn._progress import Progress
from licnn.errors import LicnnError, Unavailable, from_rpc_error, from_status
from licnn.events import to_event
from licnn.explanation import Collector, Explanation
from licnn.v1 import licnn_service_pb2 as pb

#: Consecutive broken streams (without a finished request in between) before a replica is given up.
MAX_STREAM_FAILURES = 5
_DONE = object()

Result = Union[Explanation, Exception]


class _Item:
    __slots__ = ("index", "image", "request", "id")

    def __init__(self, index: int, image: Any, request: pb.ExplainRequest) -> None:
        self.index = index
        self.image = image
        self.request = request
        self.id = str(index)


class _Stream:
    __slots__ = ("ended", "call", "sent")

    def __init__(self) -> None:
        self.ended = False
        self.call: Any = None
        self.sent: Dict[str, _Item] = {}


class Pipeline:
    """One run of ``explain_many``. Use :meth:`results` once."""

    def __init__(self, client: Any, images: Iterable[Any], make_request: Callable[[Any], pb.ExplainRequest],
                 in_flight: int, stream_timeout: Optional[float], total: Optional[int], progress: bool,
                 preprocessing: Callable[[], Optional[Tuple[int, int]]]) -> None:
        self.client = client
        self.source = iter(enumerate(images))
        self.make_request = make_request
        self.in_flight = in_flight
        self.stream_timeout = stream_timeout
        self.progress = Progress(total, progress)
        self.preprocessing = preprocessing
        self._pre: Optional[Tuple[int, int]] = None
        self._pre_known = False
        self.cond = threading.Condition()
        # guarded by cond
        self.retry: Deque[_Item] = collections.deque()
        self.source_done = False
        self.pulling = False
        self.outstanding = 0  # pulled, not delivered
        self.sending = 0  # sent, not finished, over all streams
        self.live = len(client.targets)
        self.dead = 0
        self.stopped = False
        self.done_sent = False
        self.delivered: Set[int] = set()
        self.streams: List[_Stream] = []
        self.resent = 0
        self.restarts = 0
        self.out: "queue.Queue[Any]" = queue.Queue()

    # ---- under the lock ----

    def _check_done(self) -> None:
        if not self.done_sent and self.source_done and self.outstanding == 0:
            self.done_sent = True
            self.out.put(_DONE)
            self.cond.notify_all()

    def _deliver(self, item_index: int, image: Any, result: Result) -> None:
        if item_index in self.delivered:
            return
        self.delivered.add(item_index)
        self.outstanding -= 1
        if isinstance(result, Exception):
            setattr(result, "index", item_index)
            setattr(result, "image", image)
        self.out.put(result)
        self._check_done()

    def _take(self, stream: _Stream) -> Optional[_Item]:
        """The next request for ``stream``; None once the stream should half-close or has ended."""
        with self.cond:
            while True:
                if self.stopped or stream.ended:
                    return None
                cap = -(-self.in_flight // max(1, self.live))
                if self.sending < self.in_flight and len(stream.sent) < cap:
                    item = self.retry.popleft() if self.retry else None
                    if item is None and not self.source_done and not self.pulling:
                        item = self._pull()
                        if item is None:
                            continue
                        if self.stopped or stream.ended:  # it ended while the input was read
                            self.retry.appendleft(item)
                            self.cond.notify_all()
                            return None
                    if item is not None:
                        stream.sent[item.id] = item
                        self.sending += 1
                        return item
                if self.source_done and self.outstanding == 0:
                    return None
                self.cond.wait()

    def _pull(self) -> Optional[_Item]:
        """Takes the next input outside the lock (reading a file may take a while)."""
        self.pulling = True
        self.cond.release()
        item: Optional[_Item] = None
        failed: Optional[Tuple[int, Any, Exception]] = None
        end = False
        try:
            nxt = next(self.source, None)
            if nxt is None:
                end = True
            else:
                index, image = nxt
                try:
                    item = _Item(index, image, self.make_request(image))
                except (ValueError, TypeError, OSError) as e:
                    failed = (index, image, e)
        except Exception as e:  # the caller's iterable failed: end the run with it
            end = True
            failed = (-1, None, e)
        finally:
            self.cond.acquire()
            self.pulling = False
            self.cond.notify_all()
        if item is not None or failed is not None and failed[0] >= 0:
            self.outstanding += 1
        if failed is not None:
            if failed[0] >= 0:
                self._deliver(failed[0], failed[1], failed[2])
            else:
                self.out.put(failed[2])
        if end:
            self.source_done = True
            self._check_done()
        return item

    def _finish(self, stream: _Stream, item: _Item, result: Result) -> None:
        with self.cond:
            if stream.sent.pop(item.id, None) is None:
                return
            self.sending -= 1
            self._deliver(item.index, item.image, result)
            self.cond.notify_all()

    def _fail_rest(self, error: LicnnError) -> None:
        """No replica is left: every request not answered yet fails with ``error``."""
        while self.retry:
            item = self.retry.popleft()
            self._deliver(item.index, item.image, type(error)(error.message, code=error.code))
        while not self.source_done:
            if self.pulling:
                self.cond.wait()
                continue
            item = self._pull()
            if item is not None:
                self._deliver(item.index, item.image, type(error)(error.message, code=error.code))

    # ---- one replica ----

    def _build(self, collector: Collector, item: _Item) -> Result:
        if not self._pre_known:
            self._pre, self._pre_known = self.preprocessing(), True
        try:
            return collector.build(image=item.image, index=item.index, preprocessing=self._pre)
        except ValueError as e:
            return from_status(13, str(e))

    def _run_target(self, t: int) -> None:
        stub = self.client._stubs[t]
        failures = 0
        while True:
            with self.cond:
                if self.stopped or self.done_sent:
                    return
            stream = _Stream()
            with self.cond:
                self.streams.append(stream)

            def requests(s: _Stream = stream) -> Iterator[pb.ExplainStreamRequest]:
                while True:
                    item = self._take(s)
                    if item is None:
                        return
                    yield pb.ExplainStreamRequest(request_id=item.id, request=item.request)

            error: Optional[grpc.RpcError] = None
            collectors: Dict[str, Collector] = {}
            progressed = False
            try:
                call = stub.ExplainStream(requests(), timeout=self.stream_timeout, metadata=self.client._metadata)
                stream.call = call
                with self.cond:
                    if self.stopped:
                        call.cancel()
                for ev in call:
                    with self.cond:
                        item = stream.sent.get(ev.request_id)
                    if item is None:
                        continue
                    if ev.WhichOneof("kind") == "failed":
                        collectors.pop(item.id, None)
                        self._finish(stream, item, from_status(ev.failed.status.code, ev.failed.status.message))
                        progressed = True
                        continue
                    c = collectors.setdefault(item.id, Collector())
                    try:
                        c.add(to_event(ev.event))
                    except ValueError as e:
                        collectors.pop(item.id, None)
                        self._finish(stream, item, from_status(13, f"bad event: {e}"))
                        continue
                    if ev.event.WhichOneof("event") == "completed":
                        collectors.pop(item.id, None)
                        self._finish(stream, item, self._build(c, item))
                        progressed = True
            except grpc.RpcError as e:
                error = e
            with self.cond:
                stream.ended = True
                self.streams.remove(stream)
                unfinished = sorted(stream.sent.values(), key=lambda i: i.index)
                stream.sent.clear()
                self.sending -= len(unfinished)
                self.cond.notify_all()
                if self.stopped:
                    return
                code = error.code() if error is not None else None
                if error is None and not unfinished:
                    continue  # ended after a half-close: everything sent was answered
                if progressed:
                    failures = 0
                failures += 1
                retry = code in (None, grpc.StatusCode.UNAVAILABLE) and failures <= MAX_STREAM_FAILURES
                if retry or self.live > 1:
                    # back to the front of the queue: another replica (or this one, later) takes them
                    self.retry.extendleft(reversed(unfinished))
                    self.resent += len(unfinished)
                else:
                    for item in unfinished:
                        err = from_rpc_error(error) if error is not None else Unavailable("stream ended early")
                        self._deliver(item.index, item.image, err)
                if not retry:
                    self.live -= 1
                    self.dead += 1
                    if self.live == 0:
                        last = from_rpc_error(error) if error is not None else Unavailable("no replica left")
                        self._fail_rest(last)
                    self.cond.notify_all()
                    return
                self.restarts += 1
                self.live -= 1
                self.cond.notify_all()
                self.cond.wait(_channels.backoff(failures))
                self.live += 1
                self.cond.notify_all()

    # ---- the caller's side ----

    def stop(self) -> None:
        with self.cond:
            self.stopped = True
            calls = [s.call for s in self.streams if s.call is not None]
            self.cond.notify_all()
        for c in calls:
            c.cancel()

    def results(self, *, ordered: bool, raise_errors: bool) -> "Results":
        return Results(self, self._results(ordered, raise_errors))

    def _results(self, ordered: bool, raise_errors: bool) -> Iterator[Result]:
        threads = [threading.Thread(target=self._run_target, args=(t,), name=f"licnn-stream-{t}", daemon=True)
                   for t in range(len(self.client.targets))]
        for th in threads:
            th.start()
        buffered: Dict[int, Result] = {}
        next_index = 0
        try:
            while True:
                r = self.out.get()
                if r is _DONE:
                    break
                index = getattr(r, "index", None)
                if index is None:  # the caller's iterable failed
                    raise r
                self.progress.step(not isinstance(r, Exception))
                if ordered:
                    buffered[index] = r
                    while next_index in buffered:
                        yield self._emit(buffered.pop(next_index), raise_errors)
                        next_index += 1
                else:
                    yield self._emit(r, raise_errors)
            for i in sorted(buffered):
                yield self._emit(buffered[i], raise_errors)
        finally:
            self.progress.close()
            self.stop()
            for th in threads:
                th.join(timeout=10)

    @staticmethod
    def _emit(r: Result, raise_errors: bool) -> Result:
        if raise_errors and isinstance(r, Exception):
            raise r
        return r


class Results(Iterator[Result]):
    """The iterator ``explain_many`` returns; :meth:`close` (or leaving a ``with`` block) cancels
    what is still in flight. ``resent`` and ``restarts`` count requests re-sent after a broken
    stream and the streams re-opened."""

    def __init__(self, run: Pipeline, gen: Iterator[Result]) -> None:
        self._run = run
        self._gen = gen

    def __iter__(self) -> "Results":
        return self

    def __next__(self) -> Result:
        return next(self._gen)

    def close(self) -> None:
        self._gen.close()  # type: ignore[attr-defined]

    def __enter__(self) -> "Results":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    @property
    def resent(self) -> int:
        return self._run.resent

    @property
    def restarts(self) -> int:
        return self._run.restarts
