"""Per-call bookkeeping shared by every CleanerService method.

`CallGuard.call()` wraps a handler body: it authenticates, refuses calls
whose deadline has already passed (they may have waited in the queue), turns
exceptions into statuses (CallError into its rich status, anything unexpected
into INTERNAL with the call id, never UNKNOWN), and records one log line and
the metrics for the call.
"""

from __future__ import annotations

import hmac
import logging
import time
import traceback
import uuid
from types import TracebackType

import grpc

from . import errors, logs
from .metrics import Metrics, NoMetrics

log = logs.get("calls")
_REQUEST_ID = "x-request-id"

# Routine outcomes (success, a client's bad input or hang-up): one line at debug
# only. The rest (auth failures, deadlines) at info; INTERNAL at error.
_QUIET = frozenset({grpc.StatusCode.OK, grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.CANCELLED})


def log_failure(logger: logging.Logger, what: str, exc: BaseException, fields: dict[str, object]) -> None:
    """An unexpected exception: its type and stack always, its message (which may
    quote the document) only at debug level."""
    if logger.isEnabledFor(logging.DEBUG):
        logger.error("%s: %s", what, type(exc).__name__, exc_info=exc, extra={"fields": fields})
    else:
        stack = "".join(traceback.format_tb(exc.__traceback__, limit=-8)).rstrip()
        logger.error("%s: %s", what, type(exc).__name__, extra={"fields": {**fields, "stack": stack}})


class Gone(Exception):
    """The client cancelled or its deadline passed: stop working on the call."""


class Call:
    """One call in progress: a context manager made by `CallGuard.call`."""

    __slots__ = ("_guard", "_start", "context", "documents", "id", "method")

    def __init__(self, guard: CallGuard, context: grpc.ServicerContext, method: str) -> None:
        self._guard = guard
        self.context = context
        self.method = method
        self.documents = 0
        self.id = ""
        self._start = time.perf_counter()

    def __enter__(self) -> Call:
        auth = b""
        for key, value in self.context.invocation_metadata() or ():
            if key == _REQUEST_ID:
                self.id = str(value)[:64]
            elif key == "authorization":
                auth = value.encode() if isinstance(value, str) else value
        if not self.id:
            self.id = uuid.uuid4().hex[:16]
        token = self._guard.token
        if token is not None and not hmac.compare_digest(auth, token):
            self._abort(errors.unauthenticated().status)
        try:
            self.check_alive()  # it may have expired while queued for a thread
        except Gone:
            self._gone()
        return self

    def check_alive(self) -> None:
        """Raise `Gone` when nobody is waiting for the answer any more."""
        remaining = self.context.time_remaining()
        if (remaining is not None and remaining <= 0) or not self.context.is_active():
            raise Gone

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if exc is None:
            self._record(grpc.StatusCode.OK)
            return
        if isinstance(exc, errors.CallError):
            self._abort(exc.status)
        if isinstance(exc, Gone):
            self._gone()
        if isinstance(exc, Exception):
            log_failure(log, "call failed", exc, self._fields(grpc.StatusCode.INTERNAL))
            self._abort(errors.internal(self.id).status, logged=True)

    def _gone(self) -> None:
        """End a call nobody waits for: DEADLINE_EXCEEDED or CANCELLED (raises)."""
        remaining = self.context.time_remaining()
        expired = remaining is not None and remaining <= 0
        code = grpc.StatusCode.DEADLINE_EXCEEDED if expired else grpc.StatusCode.CANCELLED
        self._record(code)
        self.context.abort(code, "deadline exceeded" if expired else "cancelled")

    def _abort(self, status: grpc.Status, *, logged: bool = False) -> None:
        """Record the call, then end it with `status` (raises)."""
        self._record(status.code, logged)
        self.context.abort_with_status(status)

    def _fields(self, code: grpc.StatusCode) -> dict[str, object]:
        return {"call_id": self.id, "method": self.method, "code": code.name,
                "ms": round((time.perf_counter() - self._start) * 1000, 3), "docs": self.documents}

    def _record(self, code: grpc.StatusCode, logged: bool = False) -> None:
        self._guard.metrics.call(self.method, code.name, time.perf_counter() - self._start, self.documents)
        if logged:
            return
        level = logging.DEBUG if code in _QUIET else logging.INFO
        if log.isEnabledFor(level):
            log.log(level, "call", extra={"fields": self._fields(code)})


class CallGuard:
    """Per-process state behind `Call`: the expected token and the metrics sink."""

    def __init__(self, *, token: str | None = None, metrics: Metrics | None = None) -> None:
        self.token = f"Bearer {token}".encode() if token else None
        self.metrics: Metrics = metrics or NoMetrics()

    def call(self, context: grpc.ServicerContext, method: str) -> Call:
        return Call(self, context, method)
