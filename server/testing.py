"""Helpers for tests and benchmarks: an in-process server on a free port, test certificates.

`InProcessServer` runs the real server (same `app.start` as a worker) in
this process, bound to 127.0.0.1 port 0 without SO_REUSEPORT, so each test
gets a private port.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from types import TracebackType
from typing import Any

import grpc

from cleaner import Article, EmptyInputError, Format, Metadata

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


def status_codes(futures: Iterable[grpc.Future[Any]]) -> list[grpc.StatusCode]:
    """The final status of each call future: OK, or the code it failed with."""
    codes = []
    for future in futures:
        try:
            future.result()
            codes.append(grpc.StatusCode.OK)
        except grpc.RpcError as err:
            codes.append(err.code())
    return codes


def fake_clean(seconds: float) -> Callable[..., Article]:
    """A stand-in for `cleaner.clean` taking `seconds` a document whatever the engine's speed,
    for tests about the server's mechanics (calls in flight, deadlines, drain)."""

    def clean(raw: str | bytes, *args: object, **kwargs: object) -> Article:
        time.sleep(seconds)
        if not raw.strip():
            raise EmptyInputError("document is empty or holds only white space")
        return Article(title="t", subtitle="", dateline=None, paragraphs=["p"], removed=[], metadata=Metadata(),
                       format=Format.TEXT)

    return clean


# Runs `cleaner serve` with server.service.clean replaced by fake_clean(seconds) (workers fork after this).
_SLOW_MAIN = (
    "import sys, server.service, server.testing; "
    "server.service.clean = server.testing.fake_clean(float(sys.argv[1])); "
    "from cleaner.cli import main; sys.exit(main(sys.argv[2:]))"
)


class ServeProcess:
    """`cleaner serve` as a subprocess on a free port (the real process model); stderr goes to a file.

    `fake_seconds` swaps the engine for `fake_clean(fake_seconds)` in the server.
    """

    def __init__(self, *args: str, env: dict[str, str] | None = None, fake_seconds: float | None = None) -> None:
        self._log = tempfile.NamedTemporaryFile(prefix="cleaner-serve-", suffix=".log", delete=False)  # noqa: SIM115
        serve = ["serve", "--host", "127.0.0.1", "--port", "0", *args]
        if fake_seconds is None:
            cmd = [sys.executable, "-m", "cleaner.cli", *serve]
        else:
            cmd = [sys.executable, "-c", _SLOW_MAIN, str(fake_seconds), *serve]
        self.proc = subprocess.Popen(cmd, cwd=Path(__file__).resolve().parent.parent, stdout=subprocess.PIPE,
                                     stderr=self._log, text=True, env={**os.environ, **(env or {})})
        assert self.proc.stdout is not None
        self.banner = self.proc.stdout.readline()  # blocks until every worker is ready (or the parent gives up)
        if "listening on" not in self.banner:
            self.proc.kill()
            self.proc.wait()
            raise RuntimeError(f"cleaner serve did not start: {self.banner!r}\n{self.log()}")
        self.target = self.banner.split("listening on ", 1)[1].split()[0]
        self.port = int(self.target.rsplit(":", 1)[1])

    def log(self) -> str:
        return Path(self._log.name).read_text(errors="replace")

    def workers(self) -> list[int]:
        """Pids of the worker processes (children of the parent)."""
        return sorted(pid for pid, ppid in _ppids().items() if ppid == self.proc.pid)

    def terminate(self, timeout: float = 30.0) -> int:
        """SIGTERM the parent; its exit status."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        finally:
            self.close()

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        self._log.close()

    def __enter__(self) -> ServeProcess:
        return self

    def __exit__(self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self.close()
        Path(self._log.name).unlink(missing_ok=True)


def _ppids() -> dict[int, int]:
    out = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                out[int(entry)] = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    return out


def socket_owners(port: int, state: str) -> dict[int, int]:
    """pid -> number of its TCP sockets on local `port` in `state` ("0A" LISTEN, "01" ESTABLISHED)."""
    inodes: dict[str, int] = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            cols = line.split()
            if int(cols[1].rsplit(":", 1)[1], 16) == port and cols[3] == state:
                inodes[cols[9]] = 0
    owners: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fds = os.listdir(f"/proc/{entry}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                link = os.readlink(f"/proc/{entry}/fd/{fd}")
            except OSError:
                continue
            if link.startswith("socket:[") and link[8:-1] in inodes:
                owners[int(entry)] = owners.get(int(entry), 0) + 1
    return owners


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

    ec = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes")  # EC: fast to make
    run("req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=cleaner test CA")
    exts = (("server", "subjectAltName=DNS:localhost,IP:127.0.0.1"), ("client", "extendedKeyUsage=clientAuth"))
    for name, ext in exts:
        run("req", *ec, "-keyout", f"{name}.key", "-out", f"{name}.csr", "-subj", f"/CN={name}")
        (directory / f"{name}.ext").write_text(ext + "\n")
        run("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", f"{name}.pem", "-days", "2", "-extfile", f"{name}.ext")
    return Certs(directory / "ca.pem", directory / "server.pem", directory / "server.key",
                 directory / "client.pem", directory / "client.key")
