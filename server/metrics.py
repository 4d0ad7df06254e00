"""Prometheus metrics, optional (`--metrics-port`).

Workers are separate processes, so prometheus_client runs in multiprocess
mode: each worker writes its samples to files in a shared directory and the
parent's HTTP endpoint sums them. The directory must be in the environment
before prometheus_client is first imported, hence `prepare()` in the parent
before any worker forks. Without `--metrics-port` nothing is imported.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from typing import Any, Protocol

_ENV = "PROMETHEUS_MULTIPROC_DIR"
_LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class Metrics(Protocol):
    enabled: bool

    def call(self, method: str, code: str, seconds: float, documents: int) -> None: ...

    def removed(self, counts: dict[str, int]) -> None: ...


class NoMetrics:
    """The default: costs one method call per RPC."""

    enabled = False

    def call(self, method: str, code: str, seconds: float, documents: int) -> None:
        pass

    def removed(self, counts: dict[str, int]) -> None:
        pass


class PrometheusMetrics:
    """Created in each worker after fork (the samples files are per process)."""

    enabled = True

    def __init__(self) -> None:
        from prometheus_client import Counter, Histogram

        self._calls = Counter("cleaner_calls", "gRPC calls by method and status code", ["method", "code"])
        self._latency = Histogram("cleaner_call_seconds", "gRPC call latency in seconds", ["method"],
                                  buckets=_LATENCY_BUCKETS)
        self._documents = Counter("cleaner_documents", "Documents received, by method", ["method"])
        self._removed = Counter("cleaner_removed_lines", "Lines removed from articles, by category", ["category"])

    def call(self, method: str, code: str, seconds: float, documents: int) -> None:
        self._calls.labels(method, code).inc()
        self._latency.labels(method).observe(seconds)
        if documents:
            self._documents.labels(method).inc(documents)

    def removed(self, counts: dict[str, int]) -> None:
        for category, n in counts.items():
            self._removed.labels(category).inc(n)


class Exporter:
    """The parent's side: the shared directory and the HTTP endpoint."""

    def __init__(self) -> None:
        self._owned = _ENV not in os.environ
        self.directory = os.environ.get(_ENV) or tempfile.mkdtemp(prefix="cleaner-metrics-")
        os.environ[_ENV] = self.directory
        self._server: Any = None
        self.port = 0

    def start(self, host: str, port: int) -> int:
        """Serve /metrics; returns the bound port (useful with port 0)."""
        from prometheus_client import CollectorRegistry, start_http_server
        from prometheus_client.multiprocess import MultiProcessCollector

        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=self.directory)  # type: ignore[no-untyped-call]
        self._server, _thread = start_http_server(port, addr=host, registry=registry)
        self.port = int(self._server.server_port)
        return self.port

    def worker_died(self, pid: int) -> None:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid, self.directory)  # type: ignore[no-untyped-call]

    def close(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._owned:
            shutil.rmtree(self.directory, ignore_errors=True)
            os.environ.pop(_ENV, None)
