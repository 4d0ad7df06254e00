"""Rich gRPC errors: google.rpc.Status with BadRequest / ErrorInfo / RetryInfo details.

The details travel in the `grpc-status-details-bin` trailer, which any gRPC
client can decode (grpcio-status in Python, `@grpc/grpc-js` metadata in Node).
"""

from __future__ import annotations

import grpc
from google.protobuf import any_pb2, duration_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2  # type: ignore[import-untyped]
from grpc_status import rpc_status

DOMAIN = "cleaner.v1"


class CallError(Exception):
    """Raised inside a handler to end the call with this status."""

    def __init__(self, status: grpc.Status) -> None:
        super().__init__(status.details)
        self.status = status


def _status(code: int, message: str, *details: object) -> grpc.Status:
    packed = []
    for d in details:
        a = any_pb2.Any()
        a.Pack(d)  # type: ignore[arg-type]
        packed.append(a)
    return rpc_status.to_status(status_pb2.Status(code=code, message=message, details=packed))


def invalid_argument(field: str, message: str, reason: str, metadata: dict[str, str] | None = None) -> CallError:
    """Bad input: a field violation naming the request field, plus the ErrorReason name (and e.g. size/limit)."""
    violation = error_details_pb2.BadRequest.FieldViolation(field=field, description=message)
    return CallError(_status(
        code_pb2.INVALID_ARGUMENT,
        f"{field}: {message}" if field else message,
        error_details_pb2.BadRequest(field_violations=[violation]),
        error_details_pb2.ErrorInfo(reason=reason, domain=DOMAIN, metadata=metadata or {}),
    ))


def unauthenticated() -> CallError:
    return CallError(_status(code_pb2.UNAUTHENTICATED, "missing or wrong bearer token in the authorization metadata"))


def overloaded(limit: int) -> CallError:
    """Shed load: RESOURCE_EXHAUSTED (retryable, unlike grpc's own "larger than max" refusal), with RetryInfo."""
    retry = error_details_pb2.RetryInfo(retry_delay=duration_pb2.Duration(nanos=100_000_000))
    return CallError(_status(
        code_pb2.RESOURCE_EXHAUSTED,
        f"server busy: {limit} calls in progress on this process (--max-concurrent); retry with backoff",
        retry,
    ))


def shutting_down() -> CallError:
    """A call that reached a draining process: UNAVAILABLE, so clients retry it elsewhere (nothing was done)."""
    return CallError(_status(code_pb2.UNAVAILABLE, "server shutting down; retry on another connection"))


def internal(call_id: str) -> CallError:
    return CallError(_status(code_pb2.INTERNAL, f"internal error; call id {call_id}"))
