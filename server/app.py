"""One gRPC server (one process's worth): CleanerService, health, reflection.

`start()` is what each worker runs, and what tests run in-process on port 0
with `so_reuseport=False` so two servers never share a port by accident.
"""

from __future__ import annotations

import time
from concurrent import futures
from dataclasses import dataclass

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from . import logs, tls
from .calls import Admission, CallGuard
from .config import ServerConfig
from .metrics import Metrics
from .service import SERVICE_NAME, CleanerServicer, add_to_server

log = logs.get("app")


class BindError(OSError):
    """The address could not be bound."""


def bind_address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host and not host.startswith("[") else f"{host}:{port}"


def server_options(config: ServerConfig) -> list[tuple[str, int]]:
    age_ms = int(config.max_connection_age * 1000)
    return [
        ("grpc.so_reuseport", 1 if config.so_reuseport else 0),
        ("grpc.max_receive_message_length", config.max_message_bytes),
        ("grpc.max_send_message_length", -1),  # a response may be ~3x its request (body, paragraphs, removed)
        # Recycle connections so clients re-resolve and re-spread over processes and pods;
        # calls on a recycled connection get the drain grace to finish.
        ("grpc.max_connection_age_ms", age_ms),
        ("grpc.max_connection_age_grace_ms", int((config.grace + 10) * 1000)),
        ("grpc.keepalive_time_ms", 60_000),
        ("grpc.http2.min_ping_interval_without_data_ms", 10_000),
    ]


@dataclass
class Running:
    server: grpc.Server
    health: health.HealthServicer
    admission: Admission
    port: int

    def stop(self, grace: float) -> None:
        """Drain: health NOT_SERVING; calls already admitted finish within `grace`, later ones
        get UNAVAILABLE; then grpc stops (the time left of `grace` for any stragglers)."""
        deadline = time.monotonic() + grace
        self.admission.close()
        self.health.enter_graceful_shutdown()
        self.admission.wait_drained(grace)
        self.server.stop(max(0.0, deadline - time.monotonic())).wait()


def start(config: ServerConfig, *, metrics: Metrics | None = None, tls_files: tls.TlsFiles | None = None,
          port: int | None = None) -> Running:
    """Build, bind and start the server; `port` overrides `config.port` (the parent's reserved port)."""
    # Every admitted call holds a thread (most wait for one of the `threads` work slots); as many
    # again plus HEADROOM serve refusals, health checks and reflection at once. CleanerService calls
    # past --max-concurrent are shed by the Admission, never by grpc, so health is answered under
    # overload; grpc's own cap is only a backstop against floods (past twice the cap, everything
    # is refused: a soak with the backstop at the cap + 32 saw a probe refused).
    pool = 2 * config.max_concurrent + Admission.HEADROOM
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=pool, thread_name_prefix="grpc-handler"),
        options=server_options(config),
        maximum_concurrent_rpcs=pool,
    )
    admission = Admission(limit=config.max_concurrent, slots=config.threads)
    guard = CallGuard(token=config.token, metrics=metrics, admission=admission)
    add_to_server(CleanerServicer(guard, max_input_bytes=config.max_input_bytes, max_batch=config.max_batch), server)
    health_servicer = health.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    names = (SERVICE_NAME, health_pb2.DESCRIPTOR.services_by_name["Health"].full_name, reflection.SERVICE_NAME)
    reflection.enable_server_reflection(names, server)
    address = bind_address(config.host, config.port if port is None else port)
    try:
        if tls_files is not None:
            bound = server.add_secure_port(address, tls.server_credentials(tls_files))
        else:
            bound = server.add_insecure_port(address)
    except RuntimeError as exc:  # grpc raises RuntimeError when it cannot bind
        raise BindError(f"cannot listen on {address}: {exc}") from None
    if not bound:
        raise BindError(f"cannot listen on {address}")
    server.start()
    for name in ("", SERVICE_NAME):
        health_servicer.set(name, health_pb2.HealthCheckResponse.SERVING)
    log.debug("serving", extra={"fields": {"address": bind_address(config.host, bound), "tls": tls_files is not None}})
    return Running(server, health_servicer, admission, bound)
