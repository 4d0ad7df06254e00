"""Per-call bookkeeping shared by every CleanerService method.

`CallGuard.call()` wraps a handler: it authenticates, enforces the
per-worker concurrency cap, turns exceptions into statuses (CallError into
its rich status, anything unexpected into INTERNAL with the call id, never
UNKNOWN), and records one log line and the metrics for the call.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import time
import uuid
from types import TracebackType
from typing import Any

import grpc
import grpc.aio

from . import errors, logs
from .metrics import Metrics, NoMetrics

log = logs.get("calls")
_REQUEST_ID = "x-request-id"


class Call:
    """One call in progress: an async context manager made by `CallGuard.call`."""

    __slots__ = ("_admitted", "_guard", "_start", "context", "documents", "id", "method")

    def __init__(self, guard: CallGuard, context: grpc.aio.ServicerContext[Any, Any], method: str) -> None:
        self._guard = guard
        self.context = context
        self.method = method
        self.documents = 0
        self.id = ""
        self._start = time.perf_counter()
        self._admitted = False

    async def __aenter__(self) -> Call:
        guard = self._guard
        auth = b""
        for key, value in self.context.invocation_metadata() or ():
            if key == _REQUEST_ID:
                self.id = str(value)[:64]
            elif key == "authorization":
                auth = value.encode() if isinstance(value, str) else value
        if not self.id:
            self.id = uuid.uuid4().hex[:16]
        if guard.token is not None and not hmac.compare_digest(auth, guard.token):
            await self._end(errors.unauthenticated())
        if guard.in_flight >= guard.max_concurrent:
            await self._end(errors.overloaded(guard.max_concurrent))
        remaining = self.context.time_remaining()
        if remaining is not None and remaining <= 0:
            await self._abort(grpc.StatusCode.DEADLINE_EXCEEDED, "deadline exceeded before the call started")
        guard.in_flight += 1
        self._admitted = True
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> bool:
        if exc is None:
            self._record(grpc.StatusCode.OK)
            return False
        if isinstance(exc, errors.CallError):
            await self._end(exc)
        if isinstance(exc, asyncio.CancelledError):
            remaining = self.context.time_remaining()
            expired = remaining is not None and remaining <= 0
            self._record(grpc.StatusCode.DEADLINE_EXCEEDED if expired else grpc.StatusCode.CANCELLED)
            return False
        if isinstance(exc, Exception) and not isinstance(exc, grpc.aio.AbortError):
            # Only the type and the stack at default level: messages may quote the document.
            log.error("call failed: %s", type(exc).__name__, exc_info=log.isEnabledFor(logging.DEBUG),
                      extra={"fields": self._fields(grpc.StatusCode.INTERNAL)})
            await self._end(errors.internal(self.id), logged=True)
        return False

    async def _end(self, err: errors.CallError, *, logged: bool = False) -> None:
        """Record the call, then abort it with `err`'s rich status (raises)."""
        status = err.status
        await self._abort(status.code, status.details, status.trailing_metadata, logged=logged)

    async def _abort(self, code: grpc.StatusCode, details: str, trailing: Any = None, *, logged: bool = False) -> None:
        self._record(code, logged)
        await self.context.abort(code, details, trailing)

    def _fields(self, code: grpc.StatusCode) -> dict[str, object]:
        return {"call_id": self.id, "method": self.method, "code": code.name,
                "ms": round((time.perf_counter() - self._start) * 1000, 3), "docs": self.documents}

    def _record(self, code: grpc.StatusCode, logged: bool = False) -> None:
        guard = self._guard
        if self._admitted:
            guard.in_flight -= 1
            self._admitted = False
        elapsed = time.perf_counter() - self._start
        guard.metrics.call(self.method, code.name, elapsed, self.documents)
        if logged:
            return
        level = logging.DEBUG if code in _QUIET else logging.INFO
        if log.isEnabledFor(level):
            log.log(level, "call", extra={"fields": self._fields(code)})


# Routine outcomes (success, a client's bad input or hang-up): one line at debug
# only. The rest (auth failures, overload, deadlines) at info; INTERNAL at error.
_QUIET = frozenset({grpc.StatusCode.OK, grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.CANCELLED})


class CallGuard:
    """Per-process state behind `Call`: the token, the cap, the in-flight count."""

    def __init__(self, *, max_concurrent: int, token: str | None = None, metrics: Metrics | None = None) -> None:
        self.max_concurrent = max_concurrent
        self.token = f"Bearer {token}".encode() if token else None
        self.metrics: Metrics = metrics or NoMetrics()
        self.in_flight = 0

    def call(self, context: grpc.aio.ServicerContext[Any, Any], method: str) -> Call:
        return Call(self, context, method)
