"""Per-call bookkeeping shared by every CleanerService method.

`CallGuard.call()` wraps a handler body: it authenticates, admits the call
or sheds it (`Admission`: RESOURCE_EXHAUSTED past --max-concurrent), waits
for a work slot (--threads calls clean at once), refuses calls whose deadline
passed while they waited, turns exceptions into statuses (CallError into its
rich status, anything unexpected into INTERNAL with the call id, never
UNKNOWN), and records one log line and the metrics for the call.

The cap is applied here, to CleanerService calls only, rather than by grpc's
`maximum_concurrent_rpcs`, which counts every RPC: under overload that one
sheds health checks too, and a kubelet would restart a busy pod.
"""

from __future__ import annotations

import hmac
import logging
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from types import TracebackType

import grpc

from . import errors, logs
from .metrics import Metrics, NoMetrics

log = logs.get("calls")
_REQUEST_ID = "x-request-id"

# Routine outcomes (success, a client's bad input or hang-up, load shed under
# overload or refused while draining, which may come by the thousand): one line
# at debug only. The rest (auth failures, deadlines) at info; INTERNAL at error.
_QUIET = frozenset({grpc.StatusCode.OK, grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.CANCELLED,
                    grpc.StatusCode.RESOURCE_EXHAUSTED, grpc.StatusCode.UNAVAILABLE})
# Longest single wait for a work slot (threading's timeouts have a ceiling; calls without a
# deadline wait on in steps of this).
_MAX_WAIT = 3600.0


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


class Admission:
    """The per-process cap on CleanerService calls, and the work slots.

    At most `limit` calls are admitted at once; past that a call is refused
    at once (RESOURCE_EXHAUSTED, retryable). Of the admitted calls, `slots`
    run at a time (one core's worth of GIL needs few) and the others wait
    their turn, in no particular order, until their deadline or until their
    caller hangs up (no polling: a waiting call costs nothing, and the grpc
    thread that takes new calls gets the GIL). Health and reflection never
    count, so a process that sheds load still answers its probes: the server
    gives grpc's own pool `2 * limit + HEADROOM` threads.
    """

    HEADROOM = 32  # threads and grpc-level slots beyond twice `limit`: health, reflection, refusals
    QUIET = 0.05  # seconds without a new call after which a draining process stops
    SETTLE_MAX = 1.0  # longest wait for that quiet once the admitted calls are done

    def __init__(self, limit: int, slots: int) -> None:
        self.limit = limit
        self._cond = threading.Condition()
        self._admitted = 0
        self._free = slots
        self._closed = False
        self._last_refusal = 0.0

    def enter(self) -> errors.CallError | None:
        """Admit a call (None), or the error that refuses it."""
        with self._cond:
            if self._closed:
                self._last_refusal = time.monotonic()
                return errors.shutting_down()
            if self._admitted >= self.limit:
                return errors.overloaded(self.limit)
            self._admitted += 1
            return None

    def leave(self) -> None:
        with self._cond:
            self._admitted -= 1
            if self._closed and not self._admitted:
                self._cond.notify_all()

    def close(self) -> None:
        """Start the drain: refuse every call from now on (UNAVAILABLE)."""
        with self._cond:
            self._closed = True
            self._last_refusal = time.monotonic()

    def wait_drained(self, timeout: float) -> None:
        """Wait (at most `timeout` seconds) until the admitted calls are done and calls have
        stopped arriving.

        grpc core cancels the calls it has received but not yet handed over when the server
        stops, so the server stops only once those have reached us and been refused with
        UNAVAILABLE, which a client can retry. Under steady load calls never stop arriving:
        SETTLE_MAX bounds that wait, leaving only the calls of the last instant to grpc.
        """
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._admitted and time.monotonic() < deadline:
                self._cond.wait(deadline - time.monotonic())
            settle_until = min(deadline, time.monotonic() + self.SETTLE_MAX)
            while (wait := min(self._last_refusal + self.QUIET, settle_until) - time.monotonic()) > 0:
                self._cond.wait(wait)

    def acquire_slot(self, remaining: Callable[[], float]) -> bool:
        """Take a work slot, waiting while `remaining()` (asked at each wake-up) is positive:
        the seconds the caller still waits, 0 once it has gone. False when it gave up."""
        with self._cond:
            while True:
                left = remaining()
                if left <= 0:
                    if self._free:
                        self._cond.notify()  # the wake-up was meant for a caller still there
                    return False
                if self._free:
                    self._free -= 1
                    return True
                self._cond.wait(min(left, _MAX_WAIT))

    def release_slot(self) -> None:
        with self._cond:
            self._free += 1
            self._cond.notify()

    def wake(self) -> None:
        """A waiting call's caller hung up: let the waiters look who is still there."""
        with self._cond:
            self._cond.notify_all()


class Call:
    """One call in progress: a context manager made by `CallGuard.call`."""

    __slots__ = ("_admitted", "_guard", "_slot", "_start", "_waiting", "context", "documents", "id", "method")

    def __init__(self, guard: CallGuard, context: grpc.ServicerContext, method: str) -> None:
        self._guard = guard
        self.context = context
        self.method = method
        self.documents = 0
        self.id = ""
        self._start = time.perf_counter()
        self._admitted = self._slot = self._waiting = False

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
        refusal = self._guard.admission.enter()
        if refusal is not None:
            self._abort(refusal.status)
        self._admitted = True
        try:
            self._wait_for_slot()  # it may expire, or its caller leave, while it waits
        except Gone:
            self._release()
            self._gone()
        except BaseException:
            self._release()
            raise
        return self

    def _wait_for_slot(self) -> None:
        self._waiting = True
        try:
            if not self.context.add_callback(self._on_end):
                raise Gone  # already over
            if not self._guard.admission.acquire_slot(self._remaining):
                raise Gone
            self._slot = True
        finally:
            self._waiting = False

    def _remaining(self) -> float:
        if not self.context.is_active():
            return 0.0
        remaining = self.context.time_remaining()
        return _MAX_WAIT if remaining is None else float(remaining)

    def _on_end(self) -> None:
        """grpc calls this when the RPC ends; ending while it waits means its caller hung up."""
        if self._waiting:
            self._guard.admission.wake()

    def _release(self) -> None:
        if self._slot:
            self._guard.admission.release_slot()
            self._slot = False
        if self._admitted:
            self._guard.admission.leave()
            self._admitted = False

    def check_alive(self) -> None:
        """Raise `Gone` when nobody is waiting for the answer any more."""
        remaining = self.context.time_remaining()
        if (remaining is not None and remaining <= 0) or not self.context.is_active():
            raise Gone

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._release()
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
    """Per-process state behind `Call`: the expected token, the admission cap and the metrics sink."""

    def __init__(self, *, token: str | None = None, metrics: Metrics | None = None,
                 admission: Admission | None = None) -> None:
        self.token = f"Bearer {token}".encode() if token else None
        self.metrics: Metrics = metrics or NoMetrics()
        self.admission = admission or Admission(limit=1 << 30, slots=1 << 30)

    def call(self, context: grpc.ServicerContext, method: str) -> Call:
        return Call(self, context, method)
