"""The parent process: reserve the port, fork one worker per core, restart the dead, drain on SIGTERM.

As in grpc's examples/python/multiprocessing: the parent holds a socket
bound (not listening) to the port with SO_REUSEPORT so the port stays ours,
and forks workers that each run a gRPC server on that same port; the kernel
spreads incoming connections over them. The parent itself never creates a
gRPC object (forking after that is unsafe, grpc/grpc#16001).

SO_REUSEPORT would also let a second `cleaner serve` share the port without
a word, so the parent first checks the port with a plain bind.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc
import multiprocessing
import os
import signal
import socket
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from types import FrameType
from typing import Any

from . import logs, tls, worker
from .config import ConfigError, ServerConfig
from .metrics import Exporter

log = logs.get("process")
_READY_TIMEOUT = 60.0  # seconds for all workers to come up
WORKER_SIGNALS = {signal.SIGTERM, signal.SIGINT}  # what drains a worker
_KILL_MARGIN = 5.0  # seconds past the grace before a stuck worker is killed
_MIN_UPTIME = 5.0  # a worker dying younger than this counts as a crash loop
_MAX_BACKOFF = 10.0
_M_ARENA_MAX = -8  # glibc's mallopt() parameter
MALLOC_ARENAS = 2


@contextlib.contextmanager
def reserve_port(host: str, port: int) -> Iterator[int]:
    """Check `host:port` is free, then hold it with SO_REUSEPORT for the workers; yields the port."""
    try:
        family, _, _, _, addr = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM,
                                                   flags=socket.AI_PASSIVE)[0]
    except socket.gaierror as exc:
        raise ConfigError(f"--host {host}: {exc.strerror}") from None
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # ignore TIME_WAIT, not listeners
        try:
            probe.bind(addr)
        except OSError as exc:
            raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
        port = probe.getsockname()[1]
    holder = socket.socket(family, socket.SOCK_STREAM)
    try:
        holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        holder.bind((addr[0], port, *addr[2:]))
        yield port
    finally:
        holder.close()


@dataclass
class _Worker:
    index: int
    process: Any  # multiprocessing.Process (the fork context's class)
    ready: Connection | None
    started: float = field(default_factory=time.monotonic)
    pid: int = 0


class Supervisor:
    def __init__(self, config: ServerConfig, port: int, tls_files: tls.TlsFiles | None,
                 exporter: Exporter | None) -> None:
        self.config = config
        self.port = port
        self.tls_files = tls_files
        self.exporter = exporter
        self.ctx = multiprocessing.get_context("fork")
        self.workers: dict[int, _Worker] = {}
        self.stopping = False
        self.backoff = 0.0

    def spawn(self, index: int) -> None:
        reader, writer = self.ctx.Pipe(duplex=False)
        p = self.ctx.Process(target=worker.run, name=f"cleaner-worker-{index}", daemon=False,
                             args=(self.config, self.port, index, writer, self.tls_files))
        # Hold SIGTERM/SIGINT across the fork: the child would otherwise run this process's
        # handler until it installs its own (and then serve on, undrained), and a signal
        # here before the new worker is listed would never reach it. The worker unblocks
        # once its handlers are in place; a pending signal is then delivered to them.
        held = signal.pthread_sigmask(signal.SIG_BLOCK, WORKER_SIGNALS)
        try:
            p.start()
            writer.close()
            self.workers[index] = _Worker(index, p, reader, pid=p.pid or 0)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)

    def on_signal(self, signum: int, frame: FrameType | None) -> None:
        if not self.stopping:
            log.info("draining workers", extra={"fields": {"signal": signal.Signals(signum).name}})
        self.stopping = True
        for w in self.workers.values():
            with contextlib.suppress(ProcessLookupError):
                os.kill(w.pid, signal.SIGTERM)

    def wait_ready(self) -> bool:
        """Wait until every worker reports ready; False if one dies first or time runs out."""
        deadline = time.monotonic() + _READY_TIMEOUT
        while not self.stopping:
            pending = {id(w.ready): w for w in self.workers.values() if w.ready is not None}
            if not pending:
                return True
            left = deadline - time.monotonic()
            if left <= 0:
                log.error("workers did not start in time")
                return False
            watched: list[Any] = [w.ready for w in pending.values()]
            watched += [w.process.sentinel for w in pending.values()]
            for obj in wait(watched, timeout=min(left, 0.5)):
                w = pending.get(id(obj))
                if w is None:  # a sentinel: a worker exited before it was ready
                    return False
                if w.ready is not None:
                    with contextlib.suppress(EOFError):
                        w.pid = int(w.ready.recv())
                    w.ready.close()
                    w.ready = None
        return False

    def supervise(self) -> int:
        """Restart workers that die, until a signal; then wait for the drain. Returns the exit status."""
        while self.workers:
            sentinels: dict[Any, _Worker] = {w.process.sentinel: w for w in self.workers.values()}
            for obj in wait(list(sentinels), timeout=0.5):
                self._reap(sentinels[obj])
            if self.stopping:
                return self.drain()
        return 0

    def _reap(self, w: _Worker) -> None:
        w.process.join()
        del self.workers[w.index]
        if self.exporter is not None:
            self.exporter.worker_died(w.pid)
        if self.stopping:
            return
        uptime = time.monotonic() - w.started
        self.backoff = min(max(self.backoff * 2, 0.1), _MAX_BACKOFF) if uptime < _MIN_UPTIME else 0.0
        log.error("worker died; restarting", extra={"fields": {"worker": w.index, "pid": w.pid,
                                                                "exitcode": w.process.exitcode,
                                                                "restart_in_s": self.backoff}})
        time.sleep(self.backoff)
        if not self.stopping:
            self.spawn(w.index)
            self.wait_ready()

    def drain(self) -> int:
        deadline = time.monotonic() + self.config.grace + _KILL_MARGIN
        status = 0
        for w in list(self.workers.values()):
            w.process.join(max(0.0, deadline - time.monotonic()))
            if w.process.is_alive():
                log.error("worker did not drain in time; killing", extra={"fields": {"pid": w.pid}})
                w.process.kill()
                w.process.join()
                status = 1
            elif w.process.exitcode not in (0, -signal.SIGTERM):
                log.error("worker exited badly while draining", extra={"fields": {"pid": w.pid,
                                                                                  "exitcode": w.process.exitcode}})
                status = 1
        self.workers.clear()
        return status


def limit_malloc_arenas(arenas: int = MALLOC_ARENAS) -> bool:
    """Cap glibc's malloc arenas for this process and the workers it forks (as MALLOC_ARENA_MAX=2).

    glibc gives threads that allocate arenas of their own, up to 8 a core; a worker's handler
    threads (one per admitted call) then hold freed memory in many of them, and the server's RSS
    crept up under load (+10% to +20% over minutes in bench/soak.py; flat with two arenas, at no
    measured cost in throughput). Must run before the first thread allocates; an explicit
    MALLOC_ARENA_MAX in the environment wins. True when the cap was set."""
    if os.environ.get("MALLOC_ARENA_MAX"):
        return False
    name = ctypes.util.find_library("c")
    if not name:
        return False
    try:
        return bool(ctypes.CDLL(name).mallopt(_M_ARENA_MAX, arenas))
    except (OSError, AttributeError):  # not glibc
        return False


def warm_up() -> None:
    """Load the engine's lazy data (models, phrase lists) once in the parent: the forked
    workers inherit it copy-on-write, start fast and answer their first call fast."""
    from cleaner import CleanerError, clean

    sample = "Warm-up headline\nLONDON (Reuters) - A first sentence of the article, long enough to score.\n"
    for fmt in ("text", "html"):
        try:
            clean(sample if fmt == "text" else f"<html><body><p>{sample}</p></body></html>", format=fmt)
        except (CleanerError, ImportError):
            pass
        except Exception as exc:  # a broken engine shows up on the first real call, with its call id
            log.debug("warm-up failed: %s", type(exc).__name__)


def serve(config: ServerConfig) -> int:
    """Run the server until SIGTERM/SIGINT; the exit status (0 after a clean drain)."""
    limit_malloc_arenas()
    logs.setup(config.log_level, config.log_format)
    tls_files = tls.load(config.tls_cert, config.tls_key, config.tls_client_ca) if config.tls_cert and config.tls_key \
        else None
    exporter = Exporter() if config.metrics_port is not None else None  # before any fork: sets the env
    try:
        with reserve_port(config.host, config.port) as port:
            sup = Supervisor(config, port, tls_files, exporter)
            signal.signal(signal.SIGTERM, sup.on_signal)
            signal.signal(signal.SIGINT, sup.on_signal)
            n = config.worker_count()
            warm_up()
            # What is loaded now lives as long as the process. Frozen, the workers' full collections
            # skip it and do not write to the pages they share with this process. (Measured in one
            # process giving each wcxb HTML page to clean() and to trafilatura.extract: GC time
            # 1.5 -> 0.5 ms a page.)
            gc.freeze()
            for i in range(n):
                sup.spawn(i)
            if not sup.wait_ready():
                if sup.stopping:  # signalled while starting: a normal drain
                    return sup.drain()
                sup.on_signal(signal.SIGTERM, None)
                sup.drain()
                print(f"cleaner serve: could not start {n} worker(s); see the log above", file=sys.stderr)
                return 1
            extra = ""
            if exporter is not None and config.metrics_port is not None:
                mport = exporter.start(config.metrics_host or config.host, config.metrics_port)
                extra = f", metrics on http://{config.metrics_host or config.host}:{mport}/metrics"
            scheme = "TLS" if tls_files else "plaintext"
            print(f"cleaner serve: listening on {config.host}:{port} ({n} workers, {scheme}{extra})", flush=True)
            log.info("serving", extra={"fields": {"address": f"{config.host}:{port}", "workers": n,
                                                  "tls": bool(tls_files), "mtls": bool(config.tls_client_ca),
                                                  "auth": config.token is not None}})
            status = sup.supervise()
            log.info("stopped", extra={"fields": {"status": status}})
            return status
    finally:
        if exporter is not None:
            exporter.close()
