"""The CleanerService servicer: proto in, `cleaner.clean`, proto out.

Runs on grpc.aio: one event loop per worker process. Cleaning is CPU-bound
and a process has one core's worth of GIL anyway, so a handler simply runs
`clean()` on the loop; batches and streams yield between documents so health
checks, cancellations and deadlines get through.
"""

from __future__ import annotations

import asyncio
import collections
import time
from collections.abc import AsyncIterator, Callable
from typing import Any, TypeVar

import grpc
import grpc.aio
from google.protobuf.message import DecodeError, Message

from cleaner import Article, CleanerError, Options, clean
from cleaner import _proto as conv
from cleaner.v1 import cleaner_pb2 as pb

from . import errors, logs
from .calls import CallGuard

log = logs.get("service")
SERVICE_NAME = "cleaner.v1.CleanerService"
# Yield to the event loop at least this often (seconds) inside a batch.
_YIELD_EVERY = 0.01

Ctx = grpc.aio.ServicerContext[Any, Any]
M = TypeVar("M", bound=Message)


class Undecodable:
    """Stands for a request the protobuf parser refused (e.g. a string that is not UTF-8)."""

    def __init__(self, message: str) -> None:
        self.message = message


def _deserializer(cls: type[M]) -> Callable[[bytes], M | Undecodable]:
    # grpc would answer a parse failure with INTERNAL; bad bytes are the
    # client's fault, so the handler answers INVALID_ARGUMENT instead.
    def parse(data: bytes) -> M | Undecodable:
        try:
            return cls.FromString(data)
        except DecodeError as exc:
            return Undecodable(str(exc))

    return parse


def _reject_undecodable(request: object) -> None:
    if isinstance(request, Undecodable):
        raise errors.invalid_argument("", f"request cannot be parsed: {request.message}", "INVALID_INPUT")


class CleanerServicer:
    """The three methods; per-call policy (auth, cap, logs, metrics) lives in `CallGuard`."""

    def __init__(self, guard: CallGuard, *, max_input_bytes: int, max_batch: int) -> None:
        self._guard = guard
        self._max_input_bytes = max_input_bytes
        self._max_batch = max_batch
        self._count_removed = guard.metrics.enabled

    # --- helpers ----------------------------------------------------------

    def _options(self, request: pb.CleanRequest | pb.CleanBatchRequest | pb.CleanStreamRequest) -> Options:
        return conv.options_from_proto(request.options if request.HasField("options") else None,
                                       self._max_input_bytes)

    def _clean(self, doc: pb.Document, options: Options) -> Article:
        article = clean(conv.raw_from_proto(doc), format=conv.format_from_proto(doc.format), url=doc.url or None,
                        options=options)
        if self._count_removed and article.removed:
            self._guard.metrics.removed(collections.Counter(r.category.value for r in article.removed))
        return article

    def _result(self, doc: pb.Document, options: Options, call_id: str) -> pb.CleanResult:
        """One document of a batch or stream: it succeeds or fails on its own."""
        try:
            return pb.CleanResult(id=doc.id, article=conv.article_to_proto(self._clean(doc, options)))
        except CleanerError as exc:
            return pb.CleanResult(id=doc.id, error=conv.error_to_proto(exc, conv.raw_field(doc)))
        except Exception as exc:  # a library bug must not sink the other documents
            log.error("document failed: %s", type(exc).__name__, extra={"fields": {"call_id": call_id, "doc": doc.id}})
            err = pb.CleanError(reason=pb.ERROR_REASON_INTERNAL, message=f"internal error; call id {call_id}")
            return pb.CleanResult(id=doc.id, error=err)

    # --- methods ----------------------------------------------------------

    async def Clean(self, request: pb.CleanRequest | Undecodable, context: Ctx) -> pb.CleanResponse:
        async with self._guard.call(context, "Clean") as call:
            _reject_undecodable(request)
            assert isinstance(request, pb.CleanRequest)
            call.documents = 1
            doc = request.document
            try:
                options = self._options(request)
                article = self._clean(doc, options)
            except CleanerError as exc:
                field = getattr(exc, "field", "")
                if field == "raw":
                    field = conv.raw_field(doc)
                path = field if field.startswith("options.") else f"document.{field}"
                reason = conv.reason_name(conv.error_to_proto(exc).reason)
                raise errors.invalid_argument(path, str(exc), reason) from None
            return pb.CleanResponse(id=doc.id, article=conv.article_to_proto(article))
        raise AssertionError("unreachable")  # the guard re-raises or aborts

    async def CleanBatch(self, request: pb.CleanBatchRequest | Undecodable, context: Ctx) -> pb.CleanBatchResponse:
        async with self._guard.call(context, "CleanBatch") as call:
            _reject_undecodable(request)
            assert isinstance(request, pb.CleanBatchRequest)
            n = call.documents = len(request.documents)
            if n > self._max_batch:
                raise errors.invalid_argument(
                    "documents", f"{n} documents, over the maximum of {self._max_batch} a call", "INVALID_INPUT")
            try:
                options = self._options(request)
            except CleanerError as exc:
                raise errors.invalid_argument(getattr(exc, "field", "options"), str(exc), "INVALID_OPTION") from None
            results = []
            last_yield = time.perf_counter()
            for doc in request.documents:
                results.append(self._result(doc, options, call.id))
                if time.perf_counter() - last_yield > _YIELD_EVERY:
                    await asyncio.sleep(0)  # let health checks and cancellation in
                    last_yield = time.perf_counter()
            return pb.CleanBatchResponse(results=results)
        raise AssertionError("unreachable")

    async def CleanStream(self, requests: AsyncIterator[pb.CleanStreamRequest | Undecodable],
                          context: Ctx) -> AsyncIterator[pb.CleanStreamResponse]:
        async with self._guard.call(context, "CleanStream") as call:
            async for request in requests:
                _reject_undecodable(request)
                assert isinstance(request, pb.CleanStreamRequest)
                call.documents += 1
                doc = request.document
                try:
                    options = self._options(request)
                except CleanerError as exc:
                    result = pb.CleanResult(id=doc.id, error=conv.error_to_proto(exc))
                else:
                    result = self._result(doc, options, call.id)
                yield pb.CleanStreamResponse(result=result)


def add_to_server(servicer: CleanerServicer, server: grpc.aio.Server) -> None:
    """Register like the generated `add_CleanerServiceServicer_to_server`, with forgiving deserializers."""
    handlers = {
        "Clean": grpc.unary_unary_rpc_method_handler(
            servicer.Clean,
            request_deserializer=_deserializer(pb.CleanRequest),
            response_serializer=pb.CleanResponse.SerializeToString,
        ),
        "CleanBatch": grpc.unary_unary_rpc_method_handler(
            servicer.CleanBatch,
            request_deserializer=_deserializer(pb.CleanBatchRequest),
            response_serializer=pb.CleanBatchResponse.SerializeToString,
        ),
        "CleanStream": grpc.stream_stream_rpc_method_handler(
            servicer.CleanStream,
            request_deserializer=_deserializer(pb.CleanStreamRequest),
            response_serializer=pb.CleanStreamResponse.SerializeToString,
        ),
    }
    server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler(SERVICE_NAME, handlers),))
    server.add_registered_method_handlers(SERVICE_NAME, handlers)  # type: ignore[attr-defined]
