"""The CleanerService servicer: proto in, `cleaner.clean`, proto out.

Runs on grpc's thread-pool server: measured here, it costs less CPU per call
than grpc.aio (the per-call floor decides unary throughput), and health checks
still get answered while a long batch holds another thread. A process has one
core's worth of GIL, so the pool is small; the process model adds cores.
Batches check between documents that the caller is still there.
"""

from __future__ import annotations

import collections
import time
from collections.abc import Callable
from typing import TypeVar

import grpc
from google.protobuf.message import DecodeError, Message

from cleaner import Article, CleanerError, Options, clean
from cleaner import _proto as conv
from cleaner.v1 import cleaner_pb2 as pb

from . import errors, logs
from .calls import CallGuard, log_failure

log = logs.get("service")
SERVICE_NAME = "cleaner.v1.CleanerService"
# Inside a batch, check this often (seconds) that the caller still waits.
_CHECK_EVERY = 0.05

Ctx = grpc.ServicerContext
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
    """The two methods; per-call policy (auth, logs, metrics) lives in `CallGuard`."""

    def __init__(self, guard: CallGuard, *, max_input_bytes: int, max_batch: int) -> None:
        self._guard = guard
        self._max_input_bytes = max_input_bytes
        self._max_batch = max_batch
        self._count_removed = guard.metrics.enabled

    # --- helpers ----------------------------------------------------------

    def _options(self, request: pb.CleanRequest | pb.CleanBatchRequest) -> Options:
        return conv.options_from_proto(request.options if request.HasField("options") else None,
                                       self._max_input_bytes)

    def _clean(self, doc: pb.Document, options: Options) -> Article:
        article = clean(conv.raw_from_proto(doc), format=conv.format_from_proto(doc.format), url=doc.url or None,
                        options=options)
        if self._count_removed and article.removed:
            self._guard.metrics.removed(collections.Counter(r.category.value for r in article.removed))
        return article

    def _result(self, out: pb.CleanResult, doc: pb.Document, options: Options, call_id: str) -> None:
        """Fill `out` for one document of a batch: it succeeds or fails on its own."""
        out.id = doc.id
        try:
            conv.article_into_proto(out.article, self._clean(doc, options))
        except CleanerError as exc:
            out.error.CopyFrom(conv.error_to_proto(exc, conv.raw_field(doc)))
        except Exception as exc:  # a library bug must not sink the other documents
            log_failure(log, "document failed", exc, {"call_id": call_id, "doc": doc.id})
            out.error.CopyFrom(pb.CleanError(reason=pb.ERROR_REASON_INTERNAL,
                                             message=f"internal error; call id {call_id}"))

    # --- methods ----------------------------------------------------------

    def Clean(self, request: pb.CleanRequest | Undecodable, context: Ctx) -> pb.CleanResponse:
        with self._guard.call(context, "Clean") as call:
            _reject_undecodable(request)
            assert isinstance(request, pb.CleanRequest)
            call.documents = 1
            doc = request.document
            try:
                options = self._options(request)
                article = self._clean(doc, options)
            except CleanerError as exc:
                err = conv.error_to_proto(exc, conv.raw_field(doc))
                path = err.field if err.field.startswith("options.") else f"document.{err.field}"
                meta = {"size": str(err.size), "limit": str(err.limit)} if err.size else None
                raise errors.invalid_argument(path, err.message, conv.reason_name(err.reason), meta) from None
            response = pb.CleanResponse(id=doc.id)
            conv.article_into_proto(response.article, article)
            return response
        raise AssertionError("unreachable")  # the guard re-raises or aborts

    def CleanBatch(self, request: pb.CleanBatchRequest | Undecodable, context: Ctx) -> pb.CleanBatchResponse:
        with self._guard.call(context, "CleanBatch") as call:
            _reject_undecodable(request)
            assert isinstance(request, pb.CleanBatchRequest)
            n = call.documents = len(request.documents)
            if n > self._max_batch:
                raise errors.invalid_argument(
                    "documents", f"{n} documents, over the maximum of {self._max_batch} a call", "INVALID_INPUT")
            try:
                options = self._options(request)
            except CleanerError as exc:
                err = conv.error_to_proto(exc)
                raise errors.invalid_argument(err.field, err.message, "INVALID_OPTION") from None
            response = pb.CleanBatchResponse()
            add = response.results.add
            last_check = time.perf_counter()
            for doc in request.documents:
                self._result(add(), doc, options, call.id)
                if time.perf_counter() - last_check > _CHECK_EVERY:
                    call.check_alive()  # a deadline passed mid-batch: stop, the answer would be lost
                    last_check = time.perf_counter()
            return response
        raise AssertionError("unreachable")


def add_to_server(servicer: CleanerServicer, server: grpc.Server) -> None:
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
    }
    server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler(SERVICE_NAME, handlers),))
    server.add_registered_method_handlers(SERVICE_NAME, handlers)  # type: ignore[attr-defined]
