"""TLS and mutual TLS credentials from PEM files.

The parent reads the files (so a bad path fails before any worker starts);
each worker builds its own grpc credentials after fork.
"""

from __future__ import annotations

from dataclasses import dataclass

import grpc


@dataclass(frozen=True)
class TlsFiles:
    cert_chain: bytes
    private_key: bytes
    client_ca: bytes | None = None  # set: mutual TLS, clients must present a certificate it signed


def load(cert: str, key: str, client_ca: str | None = None) -> TlsFiles:
    def read(path: str) -> bytes:
        with open(path, "rb") as f:
            return f.read()

    return TlsFiles(read(cert), read(key), read(client_ca) if client_ca else None)


def server_credentials(files: TlsFiles) -> grpc.ServerCredentials:
    return grpc.ssl_server_credentials(
        [(files.private_key, files.cert_chain)],
        root_certificates=files.client_ca,
        require_client_auth=files.client_ca is not None,
    )
