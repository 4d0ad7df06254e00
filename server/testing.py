"""Helpers for tests and benchmarks: an in-process server on a free port, test certificates.

`InProcessServer` runs the real server (same `app.start` as a worker) in
this process, bound to 127.0.0.1 port 0 without SO_REUSEPORT, so each test
gets a private port.
"""

from __future__ import annotations

import dataclasses
import subprocess
from pathlib import Path
from types import TracebackType

from . import app, tls
from .config import ServerConfig
from .metrics import Metrics


class InProcessServer:
    def __init__(self, config: ServerConfig | None = None, *, metrics: Metrics | None = None,
                 tls_files: tls.TlsFiles | None = None) -> None:
        base = config or ServerConfig()
        self.config = dataclasses.replace(base, host="127.0.0.1", port=0, so_reuseport=False)
        self._metrics = metrics
        self._tls = tls_files
        self._running: app.Running | None = None
        self.port = 0

    @property
    def target(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> InProcessServer:
        self._running = app.start(self.config, metrics=self._metrics, tls_files=self._tls)
        self.port = self._running.port
        return self

    def stop(self, grace: float = 0) -> None:
        if self._running is not None:
            self._running.stop(grace)
            self._running = None

    def __enter__(self) -> InProcessServer:
        return self.start()

    def __exit__(self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()


@dataclasses.dataclass(frozen=True)
class Certs:
    ca: Path
    server_cert: Path
    server_key: Path
    client_cert: Path
    client_key: Path


def make_certs(directory: Path) -> Certs:
    """A throwaway CA, a server certificate for localhost/127.0.0.1 and a client certificate (openssl CLI)."""

    def run(*args: str) -> None:
        subprocess.run(["openssl", *args], cwd=directory, check=True, capture_output=True)

    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
        "-subj", "/CN=cleaner test CA")
    exts = (("server", "subjectAltName=DNS:localhost,IP:127.0.0.1"), ("client", "extendedKeyUsage=clientAuth"))
    for name, ext in exts:
        run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key", "-out", f"{name}.csr",
            "-subj", f"/CN={name}")
        (directory / f"{name}.ext").write_text(ext + "\n")
        run("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", f"{name}.pem", "-days", "2", "-extfile", f"{name}.ext")
    return Certs(directory / "ca.pem", directory / "server.pem", directory / "server.key",
                 directory / "client.pem", directory / "client.key")
