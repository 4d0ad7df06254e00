"""Logs (one line per call, JSON, no document text or secrets) and Prometheus metrics."""

from __future__ import annotations

import json
import logging
import re
import urllib.request
from pathlib import Path

import grpc
import pytest

import cleaner
import server.service
from cleaner.client import CleanerClient, ClientError
from cleaner.v1 import cleaner_pb2 as pb
from cleaner.v1 import cleaner_pb2_grpc as pb_grpc
from server.testing import InProcessServer, ServeProcess

SEED = next((Path(__file__).parent.parent / "seeds").glob("*.txt")).read_bytes()
SEED_PHRASE = "made no progress"  # a phrase of the seed's body: must never reach the log
assert SEED_PHRASE.encode() in SEED


def json_lines(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def test_json_logs_one_line_per_call_without_document_text() -> None:
    with ServeProcess("--workers", "1", "--log-format", "json", "--log-level", "debug") as srv:
        with grpc.insecure_channel(srv.target) as channel:
            stub = pb_grpc.CleanerServiceStub(channel)
            stub.Clean(pb.CleanRequest(document=pb.Document(data=SEED)), metadata=[("x-request-id", "req-42")])
            stub.CleanBatch(pb.CleanBatchRequest(documents=[pb.Document(data=SEED)] * 3))
            with pytest.raises(grpc.RpcError):
                stub.Clean(pb.CleanRequest(document=pb.Document(text=" ")))
        assert srv.terminate() == 0
        log = srv.log()
    lines = json_lines(log)
    assert len(lines) == len(log.splitlines())  # every line is JSON
    calls = [ln for ln in lines if ln["msg"] == "call"]
    assert [(c["method"], c["code"], c["docs"]) for c in calls] == [
        ("Clean", "OK", 1), ("CleanBatch", "OK", 3), ("Clean", "INVALID_ARGUMENT", 1)]
    assert calls[0]["call_id"] == "req-42"
    assert all(isinstance(c["ms"], float) and c["call_id"] for c in calls)
    assert SEED_PHRASE not in log


def test_default_level_logs_no_routine_calls_and_no_text() -> None:
    with ServeProcess("--workers", "1", env={"CLEANER_TOKEN": "hunter2-secret"}) as srv:
        with CleanerClient(srv.target, token="hunter2-secret") as c:
            c.clean(SEED)
            with pytest.raises(cleaner.EmptyInputError):
                c.clean(b"")
        with CleanerClient(srv.target, token="wrong") as c, pytest.raises(ClientError):
            c.clean(SEED)
        assert srv.terminate() == 0
        log = srv.log()
    assert "UNAUTHENTICATED" in log  # a refused call is worth a line at info
    assert "code=OK" not in log and "INVALID_ARGUMENT" not in log
    assert "hunter2" not in log and "wrong" not in log and SEED_PHRASE not in log


def test_internal_error_has_call_id_and_no_text(monkeypatch: pytest.MonkeyPatch,
                                                caplog: pytest.LogCaptureFixture) -> None:
    def broken(raw: object, **kwargs: object) -> cleaner.Article:
        raise RuntimeError(f"boom on {SEED_PHRASE}")

    monkeypatch.setattr(server.service, "clean", broken)
    caplog.set_level(logging.INFO, logger="cleaner.server")
    with InProcessServer() as srv, grpc.insecure_channel(srv.target) as channel:
        stub = pb_grpc.CleanerServiceStub(channel)
        with pytest.raises(grpc.RpcError) as info:
            stub.Clean(pb.CleanRequest(document=pb.Document(data=SEED)), metadata=[("x-request-id", "abc123")])
        assert info.value.code() == grpc.StatusCode.INTERNAL
        assert "abc123" in (info.value.details() or "")
        batch = stub.CleanBatch(pb.CleanBatchRequest(documents=[pb.Document(data=SEED, id="d1")]))
        assert batch.results[0].error.reason == pb.ERROR_REASON_INTERNAL
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors and all(SEED_PHRASE not in r.getMessage() and not r.exc_info for r in errors)
    assert all("service.py" in r.fields["stack"] for r in errors)  # type: ignore[attr-defined]
    assert errors[0].fields["call_id"] == "abc123"  # type: ignore[attr-defined]


def test_prometheus_metrics() -> None:
    with ServeProcess("--workers", "2", "--metrics-port", "0") as srv:
        url = re.search(r"metrics on (http://\S+)\)", srv.banner)
        assert url, srv.banner
        with CleanerClient(srv.target, channels_per_target=4) as c:
            for _ in range(4):
                c.clean(SEED)
            c.clean_batch([(str(i), SEED, "auto", None) for i in range(5)])
            with pytest.raises(cleaner.EmptyInputError):
                c.clean(b" ")
        with urllib.request.urlopen(url.group(1), timeout=5) as resp:
            text = resp.read().decode()
        assert srv.terminate() == 0

    def value(pattern: str) -> float:
        m = re.search(pattern + r" ([0-9.e+]+)", text)
        assert m, pattern
        return float(m.group(1))

    assert value(r'cleaner_calls_total\{code="OK",method="Clean"\}') == 4
    assert value(r'cleaner_calls_total\{code="INVALID_ARGUMENT",method="Clean"\}') == 1
    assert value(r'cleaner_calls_total\{code="OK",method="CleanBatch"\}') == 1
    assert value(r'cleaner_call_seconds_count\{method="Clean"\}') == 5
    assert value(r'cleaner_documents_total\{method="CleanBatch"\}') == 5
    removed = cleaner.clean(SEED).removed
    if removed:  # the engine removes lines from the seed: they are counted by category
        category = removed[0].category.value
        per_doc = sum(r.category.value == category for r in removed)
        assert value(rf'cleaner_removed_lines_total\{{category="{category}"\}}') == 9 * per_doc
