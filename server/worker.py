"""One worker process: a gRPC server on the shared port until told to stop.

Forked by the parent (`process.py`) before it creates any gRPC object, as
grpc's multiprocessing example requires. SIGTERM or SIGINT drains: health
NOT_SERVING, no new calls, in-flight calls get the grace period, exit 0. A
worker whose parent vanishes (SIGKILL) drains too, rather than linger.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from multiprocessing.connection import Connection
from types import FrameType

from . import app, logs, tls
from .config import ServerConfig
from .metrics import Metrics, PrometheusMetrics

log = logs.get("worker")
_PARENT_POLL = 1.0  # seconds


def run(config: ServerConfig, port: int, index: int, ready: Connection | None, tls_files: tls.TlsFiles | None) -> None:
    """Process entry point; exits 0 after a clean drain, 1 if the server cannot start."""
    logs.setup(config.log_level, config.log_format)
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    # The parent forks with these signals blocked (process.Supervisor.spawn); now they are ours.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    parent = os.getppid()
    try:
        metrics: Metrics | None = PrometheusMetrics() if config.metrics_port is not None else None
        running = app.start(config, metrics=metrics, tls_files=tls_files, port=port)
    except app.BindError as exc:
        log.error("%s", exc)
        sys.exit(1)
    except Exception:
        log.exception("worker %d failed to start", index)
        sys.exit(1)
    if ready is not None:
        ready.send(os.getpid())
        ready.close()
    log.info("worker ready", extra={"fields": {"worker": index, "port": running.port}})
    while not stop.wait(_PARENT_POLL):
        if os.getppid() != parent:
            log.warning("parent process is gone; draining")
            break
    log.info("worker draining", extra={"fields": {"worker": index, "grace_s": config.grace}})
    running.stop(config.grace)
    log.info("worker stopped", extra={"fields": {"worker": index}})
    # The drain is done. Skip the interpreter's exit path: joining grpc's own threads and
    # finalizing its objects in a forked process can crash or hang, which turned a clean
    # drain into a non-zero exit now and then (seen in test_dead_worker_is_restarted).
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
