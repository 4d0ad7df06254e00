"""Limits: message size, concurrency cap, deadlines, drain; health and reflection (in-process server)."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

import grpc
import pytest
from google.protobuf import descriptor_pool, message_factory
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import ProtoReflectionDescriptorDatabase

import cleaner
import server.service
from cleaner.v1 import cleaner_pb2 as pb
from cleaner.v1 import cleaner_pb2_grpc as pb_grpc
from server.config import ServerConfig
from server.testing import InProcessServer, fake_clean, status_codes

SEED = next((Path(__file__).parent.parent / "seeds").glob("*.txt")).read_bytes()
PER_DOC = 0.01  # seconds the slowed-down engine takes a document


@pytest.fixture
def slow_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every clean() on the in-process server takes PER_DOC seconds, whatever the engine: calls in flight on demand."""
    monkeypatch.setattr(server.service, "clean", fake_clean(PER_DOC))


def batch(n: int) -> pb.CleanBatchRequest:
    return pb.CleanBatchRequest(documents=[pb.Document(data=SEED, id=str(i)) for i in range(n)])


def stub_for(srv: InProcessServer) -> tuple[grpc.Channel, pb_grpc.CleanerServiceStub]:
    channel = grpc.insecure_channel(srv.target)
    return channel, pb_grpc.CleanerServiceStub(channel)


def test_message_over_the_limit_gets_a_clear_error() -> None:
    with InProcessServer(ServerConfig(max_message_bytes=2000)) as srv:
        channel, stub = stub_for(srv)
        with channel, pytest.raises(grpc.RpcError) as info:
            stub.Clean(pb.CleanRequest(document=pb.Document(data=b"word " * 1000)))
    assert info.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert "larger than max" in (info.value.details() or "")


def test_concurrency_cap_answers_resource_exhausted(slow_engine: None) -> None:
    with InProcessServer(ServerConfig(max_concurrent=2, threads=1)) as srv:
        channel, stub = stub_for(srv)
        with channel:
            futures = [stub.CleanBatch.future(batch(20)) for _ in range(6)]
            codes = status_codes(futures)
    assert grpc.StatusCode.RESOURCE_EXHAUSTED in codes
    assert set(codes) <= {grpc.StatusCode.OK, grpc.StatusCode.RESOURCE_EXHAUSTED}
    assert codes.count(grpc.StatusCode.OK) >= 2


def test_deadline_stops_a_batch_midway(slow_engine: None, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="cleaner.server")
    with InProcessServer(ServerConfig(threads=1)) as srv:
        channel, stub = stub_for(srv)
        with channel:
            started = time.monotonic()
            with pytest.raises(grpc.RpcError) as info:
                stub.CleanBatch(batch(300), timeout=0.3)  # 3 s of work
            assert info.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
            # The one handler thread gave up on the batch: the next call is served at once.
            stub.Clean(pb.CleanRequest(document=pb.Document(data=SEED)), timeout=2)
            assert time.monotonic() - started < 1.5
    records = [r for r in caplog.records if getattr(r, "fields", {}).get("method") == "CleanBatch"]
    assert [r.fields["code"] for r in records] == ["DEADLINE_EXCEEDED"]  # type: ignore[attr-defined]


def test_expired_call_is_not_started(slow_engine: None, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    with InProcessServer(ServerConfig(threads=1)) as srv:
        channel, stub = stub_for(srv)
        with channel:
            blocker = stub.CleanBatch.future(batch(50))  # holds the only thread for 0.5 s
            time.sleep(0.05)
            queued = stub.CleanBatch.future(batch(200), timeout=0.2)  # expires while queued
            with pytest.raises(grpc.RpcError) as info:
                queued.result()
            assert info.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
            started = time.monotonic()
            assert len(blocker.result().results) == 50
            stub.Clean(pb.CleanRequest(document=pb.Document(data=SEED)), timeout=2)
            assert time.monotonic() - started < 0.9  # the expired batch (2 s) never ran
    # grpc drops a call that expired in the queue before its handler runs; if the handler
    # does start, it ends the call as DEADLINE_EXCEEDED at once (never UNKNOWN, no traceback).
    codes = [r.fields["code"] for r in caplog.records if hasattr(r, "fields")]  # type: ignore[attr-defined]
    assert codes in ([], ["DEADLINE_EXCEEDED"])
    assert not [r for r in caplog.records if r.name.startswith("grpc")]


def test_health_and_drain(slow_engine: None) -> None:
    srv = InProcessServer(ServerConfig(threads=2)).start()
    channel, stub = stub_for(srv)
    health = health_pb2_grpc.HealthStub(channel)
    for service in ("", "cleaner.v1.CleanerService"):
        status = health.Check(health_pb2.HealthCheckRequest(service=service)).status
        assert status == health_pb2.HealthCheckResponse.SERVING
    watch = health.Watch(health_pb2.HealthCheckRequest(service="cleaner.v1.CleanerService"))
    assert next(watch).status == health_pb2.HealthCheckResponse.SERVING
    in_flight = stub.CleanBatch.future(batch(50))  # 0.5 s
    time.sleep(0.1)
    stopper = threading.Thread(target=srv.stop, kwargs={"grace": 5})
    stopper.start()
    assert next(watch).status == health_pb2.HealthCheckResponse.NOT_SERVING
    watch.cancel()
    with pytest.raises(grpc.RpcError) as refused:  # a new call while draining: refused, retryable
        stub.Clean(pb.CleanRequest(document=pb.Document(text="too late")), timeout=5)
    assert refused.value.code() == grpc.StatusCode.UNAVAILABLE
    assert "shutting down" in (refused.value.details() or "")
    assert len(in_flight.result(timeout=5).results) == 50  # finished, not cut off
    stopper.join(10)
    assert not stopper.is_alive()
    channel.close()


def test_reflection_cleans_without_the_proto() -> None:
    # What `buf curl` / grpcurl do: fetch the schema from the server, build messages from it.
    with InProcessServer() as srv, grpc.insecure_channel(srv.target) as channel:
        pool = descriptor_pool.DescriptorPool(ProtoReflectionDescriptorDatabase(channel))
        service = pool.FindServiceByName("cleaner.v1.CleanerService")
        method = service.methods_by_name["Clean"]
        request_cls = message_factory.GetMessageClass(method.input_type)
        response_cls = message_factory.GetMessageClass(method.output_type)
        call = channel.unary_unary("/cleaner.v1.CleanerService/Clean",
                                   request_serializer=request_cls.SerializeToString,
                                   response_deserializer=response_cls.FromString)
        request = request_cls()
        request.document.text = SEED.decode()
        response = call(request)
    assert response.article.title == cleaner.clean(SEED).title
    names = {s.full_name for s in pool.FindFileContainingSymbol("cleaner.v1.CleanerService").services_by_name.values()}
    assert names == {"cleaner.v1.CleanerService"}

