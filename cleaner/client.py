"""A small typed client for the cleaner gRPC service: channels, spreading, retries hidden.

    from cleaner.client import CleanerClient
    with CleanerClient("127.0.0.1:50051") as c:
        article = c.clean(open("page.html", "rb").read(), format="html")
        results = c.clean_batch([("id-1", raw1, "auto", None), ("id-2", raw2, "text", url2)])

Load spreading: the server runs one process per core on one port (SO_REUSEPORT)
and the kernel hands each *connection* to a process at random, so the client
opens several connections per target (`channels_per_target` distinct channels
with private subchannel pools; 8 leave a 2-process server unused on one side
with odds of 1 in 128) and sends each call on the one with the fewest calls in
flight; a busy process answers slower, so its connections fill up and the
others take the load. The server recycles connections every few minutes
(max connection age), which re-deals an unlucky spread. A `dns:///name:port`
target uses round_robin over every address the name resolves to (e.g. a
Kubernetes headless Service), on each of those channels.

Errors: `clean()` raises the library's own exceptions for bad input
(INVALID_ARGUMENT becomes EmptyInputError, BinaryInputError,
InputTooLargeError, InputError or OptionsError) and `ClientError` for anything
else. UNAVAILABLE, overload (RESOURCE_EXHAUSTED) and CANCELLED are retried
with exponential backoff first: cleaning is idempotent, and this client never
cancels a call itself, so CANCELLED comes from a server that shut down with the
call received but not started (grpc core cancels those). A connection that
answered UNAVAILABLE marks its target down for a while (0.25 s, doubling up
to 5 s, until a call there succeeds): calls go to the other targets meanwhile,
so a server that is down among several costs no failures.
"""

from __future__ import annotations

import itertools
import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, TypeVar

import grpc
from google.rpc import error_details_pb2  # type: ignore[import-untyped]
from grpc_status import rpc_status

from . import _proto as conv
from ._errors import CleanerError, OptionsError
from ._model import Article
from ._options import Options
from .v1 import cleaner_pb2 as pb
from .v1 import cleaner_pb2_grpc as pb_grpc

__all__ = ["BatchItem", "CleanerClient", "ClientError"]

#: (id, raw, format, url): one document of `clean_batch`.
BatchItem = tuple[str, "str | bytes", str, "str | None"]

_RETRYABLE = frozenset({grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.RESOURCE_EXHAUSTED,
                        grpc.StatusCode.CANCELLED})
# Whole-chunk failures that say nothing about the service's health: reported per document.
_PER_DOCUMENT = frozenset({grpc.StatusCode.DEADLINE_EXCEEDED, grpc.StatusCode.INTERNAL,
                           grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.CANCELLED})
_BACKOFF_BASE = 0.05
_BACKOFF_MAX = 2.0
_DOWN_BASE = 0.25  # seconds a target that answered UNAVAILABLE is passed over, doubling
_DOWN_MAX = 5.0
_channel_ids = itertools.count()

T = TypeVar("T")


class ClientError(CleanerError):
    """The call failed for a reason other than the document: server down, timeout, auth..."""

    def __init__(self, message: str, code: grpc.StatusCode | None = None) -> None:
        super().__init__(message)
        self.code = code


@dataclass
class _Chunk:
    """One CleanBatch request of a `clean_batch` call and where its results go."""

    request: pb.CleanBatchRequest
    indexes: list[int] = field(default_factory=list)
    size: int = 0


class _Target:
    """What the client knows of one target's health."""

    def __init__(self) -> None:
        self.failures = 0  # UNAVAILABLE answers since the last success
        self.down_until = 0.0  # monotonic time before which `_pick` passes its connections over


class _Channel:
    """One connection (channel with a private subchannel pool) and its in-flight count."""

    def __init__(self, channel: grpc.Channel, target: _Target) -> None:
        self.channel = channel
        self.stub = pb_grpc.CleanerServiceStub(channel)
        self.target = target
        self.in_flight = 0


class CleanerClient:
    """Thread-safe; use as a context manager or call `close()`."""

    def __init__(
        self,
        targets: Sequence[str] | str,
        *,
        timeout: float = 30.0,
        retries: int = 3,
        tls_ca: str | None = None,
        token: str | None = None,
        tls_cert: str | None = None,
        tls_key: str | None = None,
        channels_per_target: int = 8,
        batch_size: int = 32,
        max_chunk_bytes: int = 8 * 1024 * 1024,
        options: Options | None = None,
    ) -> None:
        """`timeout` is per call (per chunk for batches); `retries` counts extra attempts.

        `tls_ca` (PEM path) turns on TLS; `tls_cert`/`tls_key` add a client certificate
        (mutual TLS). `token` is sent as `authorization: Bearer TOKEN`.
        """
        if isinstance(targets, str):
            targets = [targets]
        if not targets:
            raise ValueError("at least one target")
        self.timeout = timeout
        self.retries = retries
        self.batch_size = max(1, min(batch_size, 1000))
        self.max_chunk_bytes = max_chunk_bytes
        self._options = conv.options_to_proto(options)
        self._metadata: tuple[tuple[str, str], ...] = (("authorization", f"Bearer {token}"),) if token else ()
        creds = _credentials(tls_ca, tls_cert, tls_key)
        self._lock = threading.Lock()
        self._turn = 0
        health = {target: _Target() for target in targets}
        self._channels = [
            _Channel(_open(target, creds), health[target]) for target in targets
            for _ in range(max(1, channels_per_target))
        ]

    # --- lifecycle ----------------------------------------------------------

    def close(self) -> None:
        for ch in self._channels:
            ch.channel.close()

    def __enter__(self) -> CleanerClient:
        return self

    def __exit__(self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    # --- calls --------------------------------------------------------------

    def clean(self, raw: str | bytes, *, format: str = "auto", url: str | None = None, id: str = "") -> Article:
        """Clean one document on the server; same result and exceptions as `cleaner.clean`."""
        request = pb.CleanRequest(document=conv.document_to_proto(raw, format, url, id), options=self._options)
        try:
            response: pb.CleanResponse = self._with_retries(lambda ch: ch.stub.Clean(
                request, timeout=self.timeout, metadata=self._metadata))
        except grpc.RpcError as exc:
            raise _error_from_rpc(exc) from None
        return conv.article_from_proto(response.article)

    def clean_batch(self, docs: Sequence[BatchItem]) -> list[Article | CleanerError]:
        """Clean many documents, in chunks spread over the connections; one result per document, in order.

        A document that cannot be cleaned gets its exception in its slot. A chunk that
        times out or fails on the server gets a `ClientError` in each of its slots.
        Raises `ClientError` when the service itself is unusable (unavailable after
        retries, unauthenticated...).
        """
        results: list[Article | CleanerError | None] = [None] * len(docs)
        chunks: list[_Chunk] = []
        chunk: _Chunk | None = None
        for i, (doc_id, raw, fmt, url) in enumerate(docs):
            try:  # a bad format or type fails this document alone, before anything is built
                conv.format_to_proto(fmt)
                if not isinstance(raw, (str, bytes, bytearray, memoryview)):
                    raise OptionsError("raw", f"expected str or bytes, got {type(raw).__name__}")
            except CleanerError as exc:
                results[i] = exc
                continue
            n = len(raw)
            if chunk is None or len(chunk.indexes) >= self.batch_size or chunk.size + n > self.max_chunk_bytes:
                chunk = _Chunk(pb.CleanBatchRequest(options=self._options))
                chunks.append(chunk)
            try:  # filled in place: passing Documents to a constructor would copy every one
                conv.document_into_proto(chunk.request.documents.add(), raw, fmt, url, doc_id)
            except CleanerError as exc:
                del chunk.request.documents[-1]
                results[i] = exc
                continue
            chunk.indexes.append(i)
            chunk.size += n
        self._run_chunks([c for c in chunks if c.indexes], results)
        return [r if r is not None else ClientError("no result") for r in results]

    # --- internals ------------------------------------------------------------

    def _pick(self) -> _Channel:
        """The connection with the fewest calls in flight among those up (all, when none is);
        ties rotate, so every connection gets used."""
        with self._lock:
            chs = self._channels
            start = self._turn = (self._turn + 1) % len(chs)
            order = [chs[(start + k) % len(chs)] for k in range(len(chs))]
            now = time.monotonic()
            ch = min([c for c in order if c.target.down_until <= now] or order, key=lambda c: c.in_flight)
            ch.in_flight += 1
            return ch

    def _release(self, ch: _Channel, exc: grpc.RpcError | None = None) -> None:
        """The call on `ch` is over; `exc` its failure, if it failed."""
        with self._lock:
            ch.in_flight -= 1
            target = ch.target
            if exc is not None and exc.code() == grpc.StatusCode.UNAVAILABLE:
                target.failures += 1
                target.down_until = time.monotonic() + min(_DOWN_MAX, _DOWN_BASE * 2 ** min(target.failures - 1, 8))
            elif exc is None and target.failures:
                target.failures = 0
                target.down_until = 0.0

    def _backoff(self, attempt: int) -> float:
        return float(min(_BACKOFF_MAX, _BACKOFF_BASE * 2**attempt) * random.uniform(0.5, 1.0))

    def _with_retries(self, call: Callable[[_Channel], T]) -> T:
        attempt = 0
        while True:
            ch = self._pick()
            try:
                result = call(ch)
            except grpc.RpcError as exc:
                self._release(ch, exc)
                if attempt >= self.retries or not _retryable(exc):
                    raise
            except BaseException:
                self._release(ch)
                raise
            else:
                self._release(ch)
                return result
            time.sleep(self._backoff(attempt))
            attempt += 1

    def _run_chunks(self, chunks: list[_Chunk], results: list[Article | CleanerError | None]) -> None:
        """Keep up to two calls in flight per connection; retry chunks that may succeed later."""
        done = threading.Condition()
        finished: list[tuple[int, int, Any, _Channel]] = []  # (chunk index, attempt, future, channel)
        pending = [(k, 0) for k in range(len(chunks))]
        pending.reverse()
        waiting: list[tuple[float, int, int]] = []  # (not before, chunk, attempt): backoff queue
        in_flight = 0
        limit = 2 * len(self._channels)
        fatal: grpc.RpcError | None = None
        while pending or waiting or in_flight:
            now = time.monotonic()
            ready_again = [w for w in waiting if w[0] <= now]
            for w in ready_again:
                waiting.remove(w)
                pending.append((w[1], w[2]))
            while pending and in_flight < limit and fatal is None:
                k, attempt = pending.pop()
                ch = self._pick()
                fut = ch.stub.CleanBatch.future(chunks[k].request, timeout=self.timeout, metadata=self._metadata)
                in_flight += 1

                def on_done(f: Any, k: int = k, attempt: int = attempt, ch: _Channel = ch) -> None:
                    with done:
                        finished.append((k, attempt, f, ch))
                        done.notify()

                fut.add_done_callback(on_done)
            with done:
                if not finished and (in_flight or waiting):
                    wake = min((w[0] for w in waiting), default=None)
                    done.wait(None if wake is None else max(0.0, wake - now))
                batch, finished[:] = list(finished), []
            for k, attempt, fut, ch in batch:
                in_flight -= 1
                exc = fut.exception()
                self._release(ch, exc)
                if exc is None:
                    got = fut.result().results
                    if len(got) != len(chunks[k].indexes):  # a broken server; never expected
                        got = [pb.CleanResult(error=pb.CleanError(
                            reason=pb.ERROR_REASON_INTERNAL, message="server returned a wrong number of results"))
                        ] * len(chunks[k].indexes)
                    for i, result in zip(chunks[k].indexes, got, strict=True):
                        results[i] = conv.error_from_proto(result.error) if result.HasField("error") \
                            else conv.article_from_proto(result.article)
                elif _retryable(exc) and attempt < self.retries:
                    waiting.append((time.monotonic() + self._backoff(attempt), k, attempt + 1))
                elif exc.code() in _PER_DOCUMENT:
                    err = _error_from_rpc(exc)
                    for i in chunks[k].indexes:
                        results[i] = err if isinstance(err, ClientError) else ClientError(str(err), exc.code())
                else:
                    fatal = fatal or exc
            if fatal is not None and not in_flight:
                raise _error_from_rpc(fatal)


def _credentials(tls_ca: str | None, cert: str | None, key: str | None) -> grpc.ChannelCredentials | None:
    if not (tls_ca or cert):
        return None

    def read(path: str | None) -> bytes | None:
        if path is None:
            return None
        with open(path, "rb") as f:
            return f.read()

    return grpc.ssl_channel_credentials(root_certificates=read(tls_ca), private_key=read(key),
                                        certificate_chain=read(cert))


def _open(target: str, creds: grpc.ChannelCredentials | None) -> grpc.Channel:
    options: list[tuple[str, Any]] = [
        # A private subchannel pool and a unique argument: a real, separate connection
        # per channel, so the server's processes share the calls.
        ("grpc.use_local_subchannel_pool", 1),
        ("cleaner.channel_id", next(_channel_ids)),
        ("grpc.max_receive_message_length", -1),
        ("grpc.max_send_message_length", -1),
        ("grpc.keepalive_time_ms", 30_000),
    ]
    if target.startswith("dns:"):
        options.append(("grpc.lb_policy_name", "round_robin"))
    if creds is not None:
        return grpc.secure_channel(target, creds, options=options)
    return grpc.insecure_channel(target, options=options)


def _retryable(exc: grpc.RpcError) -> bool:
    code = exc.code()
    if code not in _RETRYABLE:
        return False
    if code == grpc.StatusCode.RESOURCE_EXHAUSTED:
        # Overload is worth retrying; a message over the size limit is not.
        return "larger than max" not in (exc.details() or "")
    return True


def _error_from_rpc(exc: grpc.RpcError) -> CleanerError:
    """INVALID_ARGUMENT with an ErrorInfo from the server: the library exception; else ClientError."""
    code: grpc.StatusCode = exc.code()
    message: str = exc.details() or code.name
    if code == grpc.StatusCode.INVALID_ARGUMENT:
        reason, field, meta = "", "", {}
        status = rpc_status.from_call(exc)  # type: ignore[arg-type]
        for detail in status.details if status else ():
            if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
                info = error_details_pb2.ErrorInfo()
                detail.Unpack(info)
                reason, meta = info.reason, dict(info.metadata)
            elif detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
                bad = error_details_pb2.BadRequest()
                detail.Unpack(bad)
                field = bad.field_violations[0].field if bad.field_violations else ""
        pb_reason = conv.reason_from_name(reason) if reason else pb.ERROR_REASON_INTERNAL
        if pb_reason != pb.ERROR_REASON_INTERNAL:
            return conv.error_from_proto(pb.CleanError(
                reason=pb_reason, field=field.removeprefix("document."),
                message=message.removeprefix(f"{field}: ") if field else message,
                size=int(meta.get("size", 0)), limit=int(meta.get("limit", 0))))
    return ClientError(f"{code.name}: {message}", code)
