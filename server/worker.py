"""One worker process: an aio gRPC server on the shared port until told to stop.

Forked by the parent (`process.py`) before it creates any gRPC object, as
grpc's multiprocessing example requires. SIGTERM or SIGINT drains: health
NOT_SERVING, no new calls, in-flight calls get the grace period, exit 0. A
worker whose parent vanishes (SIGKILL) drains too, rather than linger.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from multiprocessing.connection import Connection

from . import app, logs, tls
from .config import ServerConfig
from .metrics import Metrics, PrometheusMetrics

log = logs.get("worker")
_PARENT_POLL = 1.0  # seconds


def run(config: ServerConfig, port: int, index: int, ready: Connection | None, tls_files: tls.TlsFiles | None) -> None:
    """Process entry point; exits 0 after a clean drain, 1 if the server cannot start."""
    logs.setup(config.log_level, config.log_format)
    try:
        asyncio.run(_serve(config, port, index, ready, tls_files))
    except app.BindError as exc:
        log.error("%s", exc)
        sys.exit(1)
    except Exception:
        log.exception("worker %d failed", index)
        sys.exit(1)


async def _serve(config: ServerConfig, port: int, index: int, ready: Connection | None,
                 tls_files: tls.TlsFiles | None) -> None:
    metrics: Metrics | None = PrometheusMetrics() if config.metrics_port is not None else None
    running = await app.start(config, metrics=metrics, tls_files=tls_files, port=port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    watcher = asyncio.create_task(_watch_parent(os.getppid(), stop))
    if ready is not None:
        ready.send(os.getpid())
        ready.close()
    log.info("worker ready", extra={"fields": {"worker": index, "port": running.port}})
    await stop.wait()
    watcher.cancel()
    log.info("worker draining", extra={"fields": {"worker": index, "grace_s": config.grace}})
    await running.stop(config.grace)
    log.info("worker stopped", extra={"fields": {"worker": index}})


async def _watch_parent(parent: int, stop: asyncio.Event) -> None:
    while os.getppid() == parent:
        await asyncio.sleep(_PARENT_POLL)
    log.warning("parent process is gone; draining")
    stop.set()
