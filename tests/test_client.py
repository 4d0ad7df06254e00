"""cleaner.client.CleanerClient against real in-process servers."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest

import cleaner
from cleaner.client import CleanerClient, ClientError
from server.config import ServerConfig
from server.testing import InProcessServer

SEED = next((Path(__file__).parent.parent / "seeds").glob("*.txt")).read_bytes()


class CountingMetrics:
    enabled = False

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, int]] = []
        self._lock = threading.Lock()

    def call(self, method: str, code: str, seconds: float, documents: int) -> None:
        with self._lock:
            self.calls.append((method, code, documents))

    def removed(self, counts: dict[str, int]) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[InProcessServer]:
    with InProcessServer(ServerConfig(max_input_bytes=50_000)) as s:
        yield s


@pytest.fixture(scope="module")
def client(server: InProcessServer) -> Iterator[CleanerClient]:
    with CleanerClient(server.target, batch_size=3) as c:
        yield c


def test_clean_returns_the_library_article(client: CleanerClient) -> None:
    opts = cleaner.Options(max_input_bytes=50_000)
    assert client.clean(SEED, url="https://x.example/a") == cleaner.clean(SEED, url="https://x.example/a", options=opts)
    assert client.clean(SEED.decode(), format="text") == cleaner.clean(SEED.decode(), format="text")


@pytest.mark.parametrize(
    ("raw", "fmt", "error"),
    [
        (b"  \n", "auto", cleaner.EmptyInputError),
        ("", "auto", cleaner.EmptyInputError),
        (b"\x89PNG\r\n\x1a\n\x00\x00binary", "auto", cleaner.BinaryInputError),
        (b"a " * 30_000, "auto", cleaner.InputTooLargeError),
        ("text", "pdf", cleaner.OptionsError),
    ],
)
def test_clean_raises_the_library_errors(client: CleanerClient, raw: str | bytes, fmt: str,
                                         error: type[Exception]) -> None:
    with pytest.raises(error) as info:
        client.clean(raw, format=fmt)
    try:
        cleaner.clean(raw, format=fmt, options=cleaner.Options(max_input_bytes=50_000))
    except cleaner.CleanerError as local:
        assert str(info.value) == str(local)
        assert getattr(info.value, "field", None) in (getattr(local, "field", None), "data", "text")
    if isinstance(info.value, cleaner.InputTooLargeError):
        assert (info.value.size, info.value.limit) == (60_000, 50_000)


def test_clean_batch_keeps_order_and_per_item_errors(client: CleanerClient) -> None:
    docs: list[tuple[str, str | bytes, str, str | None]] = [
        (f"id{i}", SEED if i % 4 else b"   ", "auto", f"https://x.example/{i}") for i in range(10)
    ]
    docs.append(("bad-format", SEED, "docx", None))
    docs.append(("bad-type", 42, "auto", None))  # type: ignore[arg-type]
    results = client.clean_batch(docs)
    assert len(results) == 12
    for i, r in enumerate(results[:10]):
        if i % 4:
            assert isinstance(r, cleaner.Article)
            assert r.metadata.url == f"https://x.example/{i}"
        else:
            assert isinstance(r, cleaner.EmptyInputError)
    assert isinstance(results[10], cleaner.OptionsError)
    assert isinstance(results[11], cleaner.OptionsError)
    assert client.clean_batch([]) == []


def test_unavailable_is_retried_then_reported() -> None:
    with InProcessServer() as srv:
        port = srv.port
    started = time.monotonic()
    with CleanerClient(f"127.0.0.1:{port}", retries=2, timeout=2) as c, pytest.raises(ClientError) as info:
        c.clean(SEED)
    assert info.value.code == grpc.StatusCode.UNAVAILABLE
    assert time.monotonic() - started < 5
    with CleanerClient(f"127.0.0.1:{port}", retries=1, timeout=2) as c, pytest.raises(ClientError):
        c.clean_batch([("a", SEED, "auto", None)])


def test_overload_is_retried(monkeypatch: pytest.MonkeyPatch) -> None:
    import server.service

    real = server.service.clean

    def slow(*args: object, **kwargs: object) -> cleaner.Article:
        time.sleep(0.02)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(server.service, "clean", slow)
    metrics = CountingMetrics()
    with InProcessServer(ServerConfig(max_concurrent=2, threads=1), metrics=metrics) as srv, \
            CleanerClient(srv.target, retries=8, batch_size=2) as c:
        results = c.clean_batch([(str(i), SEED, "auto", None) for i in range(24)])
    assert all(isinstance(r, cleaner.Article) for r in results)


def test_many_targets_and_dns_round_robin() -> None:
    m1, m2 = CountingMetrics(), CountingMetrics()
    with InProcessServer(metrics=m1) as s1, InProcessServer(metrics=m2) as s2:
        with CleanerClient([s1.target, s2.target], channels_per_target=2) as c:
            for _ in range(8):
                c.clean(SEED)
        assert len(m1.calls) == 4 and len(m2.calls) == 4
        with CleanerClient(f"dns:///{s1.target}") as c:
            assert c.clean(SEED).title
        with CleanerClient(f"dns:///localhost:{s2.port}") as c:
            assert len(c.clean_batch([("a", SEED, "auto", None)])) == 1


def test_deadline_is_a_client_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import server.service

    real = server.service.clean

    def slow(*args: object, **kwargs: object) -> cleaner.Article:
        time.sleep(0.5)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(server.service, "clean", slow)
    with InProcessServer() as srv, CleanerClient(srv.target, timeout=0.2) as c:
        with pytest.raises(ClientError) as info:
            c.clean(SEED)
        assert info.value.code == grpc.StatusCode.DEADLINE_EXCEEDED
        results = c.clean_batch([("a", SEED, "auto", None), ("b", SEED, "auto", None)])
        assert all(isinstance(r, ClientError) and r.code == grpc.StatusCode.DEADLINE_EXCEEDED for r in results)
