"""TLS, mutual TLS (certificates made by the test with the openssl CLI) and token auth."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

import server.config
from cleaner.client import CleanerClient, ClientError
from server import tls
from server.config import ServerConfig
from server.testing import Certs, InProcessServer, ServeProcess, make_certs

SEED = next((Path(__file__).parent.parent / "seeds").glob("*.txt")).read_bytes()


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Certs:
    if shutil.which("openssl") is None:
        pytest.skip("openssl CLI not found")
    return make_certs(tmp_path_factory.mktemp("certs"))


def test_tls(certs: Certs) -> None:
    files = tls.load(str(certs.server_cert), str(certs.server_key))
    with InProcessServer(tls_files=files) as srv:
        with CleanerClient(srv.target, tls_ca=str(certs.ca)) as c:
            assert c.clean(SEED).title
        with CleanerClient(f"localhost:{srv.port}", tls_ca=str(certs.ca), retries=0) as c:
            assert c.clean(SEED).title
        with CleanerClient(srv.target, retries=0, timeout=2) as c, pytest.raises(ClientError) as info:
            c.clean(SEED)  # plaintext against TLS
        assert info.value.code == grpc.StatusCode.UNAVAILABLE


def test_mutual_tls(certs: Certs) -> None:
    files = tls.load(str(certs.server_cert), str(certs.server_key), str(certs.ca))
    with InProcessServer(tls_files=files) as srv:
        with CleanerClient(srv.target, tls_ca=str(certs.ca), tls_cert=str(certs.client_cert),
                           tls_key=str(certs.client_key)) as c:
            assert c.clean(SEED).title
        with CleanerClient(srv.target, tls_ca=str(certs.ca), retries=0, timeout=2) as c, \
                pytest.raises(ClientError) as info:
            c.clean(SEED)  # no client certificate
        assert info.value.code == grpc.StatusCode.UNAVAILABLE


@pytest.fixture(scope="module")
def token_server() -> Iterator[InProcessServer]:
    with InProcessServer(ServerConfig(token="s3cret-token")) as s:
        yield s


def test_token_required(token_server: InProcessServer) -> None:
    with CleanerClient(token_server.target, token="s3cret-token") as c:
        assert c.clean(SEED).title
        assert len(c.clean_batch([("a", SEED, "auto", None)])) == 1
    for token in (None, "wrong", "s3cret-token-and-more"):
        with CleanerClient(token_server.target, token=token) as c:
            with pytest.raises(ClientError) as info:
                c.clean(SEED)
            assert info.value.code == grpc.StatusCode.UNAUTHENTICATED
            with pytest.raises(ClientError):
                c.clean_batch([("a", SEED, "auto", None)])


def test_health_needs_no_token(token_server: InProcessServer) -> None:
    with grpc.insecure_channel(token_server.target) as channel:
        status = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest()).status
    assert status == health_pb2.HealthCheckResponse.SERVING


def test_token_from_file_or_env(tmp_path: Path) -> None:
    import argparse

    parser = argparse.ArgumentParser()
    server.config.add_arguments(parser)
    secret = tmp_path / "token"
    secret.write_text("from-file\n")
    cfg = server.config.from_args(parser.parse_args(["--token-file", str(secret)]), environ={})
    assert cfg.token == "from-file"
    cfg = server.config.from_args(parser.parse_args([]), environ={"CLEANER_TOKEN": "from-env"})
    assert cfg.token == "from-env"
    assert server.config.from_args(parser.parse_args([]), environ={}).token is None
    with pytest.raises(server.config.ConfigError):
        server.config.from_args(parser.parse_args(["--token-file", str(tmp_path / "missing")]), environ={})


def test_serve_with_tls_and_token(certs: Certs, tmp_path: Path) -> None:
    secret = tmp_path / "token"
    secret.write_text("tok-123")
    args = ("--workers", "1", "--tls-cert", str(certs.server_cert), "--tls-key", str(certs.server_key),
            "--tls-client-ca", str(certs.ca), "--token-file", str(secret))
    with ServeProcess(*args) as srv:
        assert "TLS" in srv.banner
        with CleanerClient(srv.target, tls_ca=str(certs.ca), tls_cert=str(certs.client_cert),
                           tls_key=str(certs.client_key), token="tok-123") as c:
            assert c.clean(SEED).title
        assert srv.terminate() == 0
        assert "tok-123" not in srv.log()
