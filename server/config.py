"""Server settings: one frozen dataclass, filled from flags with environment fallbacks.

Every flag `--some-thing` has an environment variable `CLEANER_SOME_THING`;
the flag wins. Secrets (the token) come only from a file or the environment,
never from the command line, where `ps` would show them.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping
from dataclasses import dataclass

from cleaner._options import DEFAULT_MAX_INPUT_BYTES

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 50051
#: Largest request accepted (grpc's own default is 4 MiB, too small for a batch).
DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024
#: Documents per CleanBatch call (documented in the proto).
MAX_BATCH = 1000
#: CleanerService calls one worker process runs or queues at once; past it a
#: call is refused at once with RESOURCE_EXHAUSTED (health checks never count).
DEFAULT_MAX_CONCURRENT = 64
#: CleanerService calls a worker cleans at once (the others wait their turn):
#: the GIL runs one at a time; a few more keep a long batch from holding up
#: short calls. Health checks have threads of their own.
DEFAULT_THREADS = 4
#: Seconds in-flight calls get to finish after SIGTERM.
DEFAULT_GRACE = 20.0
#: Connections are closed (GOAWAY) after this many seconds, so clients
#: re-resolve DNS and re-spread over processes and pods.
DEFAULT_MAX_CONNECTION_AGE = 300.0
TOKEN_HEADER = "authorization"


@dataclass(frozen=True)
class ServerConfig:
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    workers: int = 0  # 0: one per core
    threads: int = DEFAULT_THREADS
    max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES
    max_concurrent: int = DEFAULT_MAX_CONCURRENT
    max_input_bytes: int = DEFAULT_MAX_INPUT_BYTES
    max_batch: int = MAX_BATCH
    grace: float = DEFAULT_GRACE
    max_connection_age: float = DEFAULT_MAX_CONNECTION_AGE
    tls_cert: str | None = None
    tls_key: str | None = None
    tls_client_ca: str | None = None  # set: clients must present a certificate it signed (mTLS)
    token: str | None = None  # set: CleanerService calls need `authorization: Bearer TOKEN`
    log_level: str = "info"
    log_format: str = "text"
    metrics_port: int | None = None
    metrics_host: str | None = None  # default: same as host
    so_reuseport: bool = True  # tests running one in-process server turn it off

    def worker_count(self) -> int:
        """--workers, or one per CPU this process may run on (affinity, not the host's count)."""
        if self.workers > 0:
            return self.workers
        try:
            return len(os.sched_getaffinity(0)) or 1
        except AttributeError:  # not Linux
            return os.cpu_count() or 1


def _env(name: str) -> str | None:
    value = os.environ.get("CLEANER_" + name)
    return value if value not in (None, "") else None


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The `cleaner serve` flags; defaults come from CLEANER_* variables, then built-ins."""

    def env_or(name: str, default: object) -> object:
        value = _env(name)
        return default if value is None else value

    p.add_argument("--host", default=env_or("HOST", DEFAULT_HOST), help="address to listen on (CLEANER_HOST)")
    p.add_argument("--port", type=int, default=env_or("PORT", DEFAULT_PORT),
                   help="port; 0 picks a free one (CLEANER_PORT)")
    p.add_argument("--workers", type=int, default=env_or("WORKERS", 0),
                   help="worker processes; 0 = one per core (CLEANER_WORKERS)")
    p.add_argument("--threads", type=int, default=env_or("THREADS", DEFAULT_THREADS),
                   help="calls cleaned at once per worker, the rest wait their turn (CLEANER_THREADS)")
    p.add_argument("--max-message-bytes", type=int, default=env_or("MAX_MESSAGE_BYTES", DEFAULT_MAX_MESSAGE_BYTES),
                   help="largest request message (CLEANER_MAX_MESSAGE_BYTES)")
    p.add_argument("--max-concurrent", type=int, default=env_or("MAX_CONCURRENT", DEFAULT_MAX_CONCURRENT),
                   help="calls per worker before RESOURCE_EXHAUSTED (CLEANER_MAX_CONCURRENT)")
    p.add_argument("--max-input-bytes", type=int, default=env_or("MAX_INPUT_BYTES", DEFAULT_MAX_INPUT_BYTES),
                   help="largest document (CLEANER_MAX_INPUT_BYTES)")
    p.add_argument("--max-batch", type=int, default=env_or("MAX_BATCH", MAX_BATCH),
                   help=f"documents per batch call, at most {MAX_BATCH} (CLEANER_MAX_BATCH)")
    p.add_argument("--grace", type=float, default=env_or("GRACE", DEFAULT_GRACE),
                   help="seconds in-flight calls get after SIGTERM (CLEANER_GRACE)")
    p.add_argument("--max-connection-age", type=float,
                   default=env_or("MAX_CONNECTION_AGE", DEFAULT_MAX_CONNECTION_AGE),
                   help="seconds before a connection is recycled (CLEANER_MAX_CONNECTION_AGE)")
    p.add_argument("--tls-cert", default=_env("TLS_CERT"), help="PEM certificate chain: enables TLS (CLEANER_TLS_CERT)")
    p.add_argument("--tls-key", default=_env("TLS_KEY"), help="PEM private key (CLEANER_TLS_KEY)")
    p.add_argument("--tls-client-ca", default=_env("TLS_CLIENT_CA"),
                   help="PEM CA bundle: require client certificates it signed, mutual TLS (CLEANER_TLS_CLIENT_CA)")
    p.add_argument("--token-file", default=_env("TOKEN_FILE"),
                   help="file holding the shared secret clients must send as a bearer token "
                        "(CLEANER_TOKEN_FILE; or the secret itself in CLEANER_TOKEN)")
    p.add_argument("--log-level", default=env_or("LOG_LEVEL", "info"),
                   choices=("debug", "info", "warning", "error"), help="(CLEANER_LOG_LEVEL)")
    p.add_argument("--log-format", default=env_or("LOG_FORMAT", "text"), choices=("text", "json"),
                   help="(CLEANER_LOG_FORMAT)")
    p.add_argument("--metrics-port", type=int, default=env_or("METRICS_PORT", None),
                   help="serve Prometheus metrics on this port (CLEANER_METRICS_PORT)")
    p.add_argument("--metrics-host", default=_env("METRICS_HOST"),
                   help="address for metrics; default: --host (CLEANER_METRICS_HOST)")


class ConfigError(ValueError):
    """A setting is unusable; the message says which and why."""


def from_args(args: argparse.Namespace, environ: Mapping[str, str] | None = None) -> ServerConfig:
    """Validate the parsed flags and load the token."""
    env = os.environ if environ is None else environ
    token = None
    if args.token_file:
        try:
            with open(args.token_file, encoding="utf-8") as f:
                token = f.read().strip()
        except OSError as exc:
            raise ConfigError(f"--token-file: cannot read {args.token_file}: {exc.strerror or exc}") from None
        if not token:
            raise ConfigError(f"--token-file: {args.token_file} is empty")
    elif env.get("CLEANER_TOKEN"):
        token = env["CLEANER_TOKEN"].strip()
    if bool(args.tls_cert) != bool(args.tls_key):
        raise ConfigError("--tls-cert and --tls-key go together")
    if args.tls_client_ca and not args.tls_cert:
        raise ConfigError("--tls-client-ca needs --tls-cert and --tls-key")
    for path in (args.tls_cert, args.tls_key, args.tls_client_ca):
        if path and not os.path.isfile(path):
            raise ConfigError(f"no such file: {path}")
    checks = (
        (0 <= args.port <= 65535, "--port must be 0..65535"),
        (args.workers >= 0, "--workers must be >= 0"),
        (args.threads > 0, "--threads must be positive"),
        (args.max_message_bytes > 0, "--max-message-bytes must be positive"),
        (args.max_concurrent > 0, "--max-concurrent must be positive"),
        (args.max_input_bytes > 0, "--max-input-bytes must be positive"),
        (0 < args.max_batch <= MAX_BATCH, f"--max-batch must be 1..{MAX_BATCH}"),
        (args.grace >= 0, "--grace must be >= 0"),
        (args.max_connection_age > 0, "--max-connection-age must be positive"),
        (args.metrics_port is None or 0 <= int(args.metrics_port) <= 65535, "--metrics-port must be 0..65535"),
    )
    for ok, message in checks:
        if not ok:
            raise ConfigError(message)
    return ServerConfig(
        host=args.host,
        port=int(args.port),
        workers=int(args.workers),
        threads=int(args.threads),
        max_message_bytes=int(args.max_message_bytes),
        max_concurrent=int(args.max_concurrent),
        max_input_bytes=int(args.max_input_bytes),
        max_batch=int(args.max_batch),
        grace=float(args.grace),
        max_connection_age=float(args.max_connection_age),
        tls_cert=args.tls_cert,
        tls_key=args.tls_key,
        tls_client_ca=args.tls_client_ca,
        token=token,
        log_level=args.log_level,
        log_format=args.log_format,
        metrics_port=None if args.metrics_port is None else int(args.metrics_port),
        metrics_host=args.metrics_host,
    )
