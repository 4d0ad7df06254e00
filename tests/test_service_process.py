"""The process model: `cleaner serve` as a subprocess, workers sharing a port, restarts, SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import time
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from cleaner.client import CleanerClient
from cleaner.v1 import cleaner_pb2 as pb
from cleaner.v1 import cleaner_pb2_grpc as pb_grpc
from server.testing import ServeProcess, socket_owners

SEED = next((Path(__file__).parent.parent / "seeds").glob("*.txt")).read_bytes()


def wait_for(predicate: object, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.05)


def test_workers_share_one_port_and_the_load() -> None:
    with ServeProcess("--workers", "2") as srv:
        workers = srv.workers()
        assert len(workers) == 2
        assert set(workers) <= set(socket_owners(srv.port, "0A"))  # both listen on the one port
        with CleanerClient(srv.target, channels_per_target=12) as client:
            for _ in range(24):
                assert client.clean(SEED).title
            served = socket_owners(srv.port, "01")  # server-side ends of the 12 connections
        assert all(served.get(w, 0) > 0 for w in workers), served
        assert srv.terminate() == 0


def test_port_in_use_is_a_clear_error() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        with pytest.raises(RuntimeError, match=r"cannot listen on 127\.0\.0\.1"):
            ServeProcess("--workers", "1", "--port", str(port))


def test_dead_worker_is_restarted() -> None:
    with ServeProcess("--workers", "2") as srv:
        before = srv.workers()
        os.kill(before[0], signal.SIGKILL)
        wait_for(lambda: len(srv.workers()) == 2 and before[0] not in srv.workers())
        wait_for(lambda: "worker died; restarting" in srv.log())
        with grpc.insecure_channel(srv.target) as channel:
            health = health_pb2_grpc.HealthStub(channel)
            wait_for(lambda: health.Check(health_pb2.HealthCheckRequest(), wait_for_ready=True).status
                     == health_pb2.HealthCheckResponse.SERVING)
        with CleanerClient(srv.target, channels_per_target=8) as client:
            for _ in range(16):
                client.clean(SEED)
        assert srv.terminate() == 0


def test_sigterm_drains_and_exits_zero() -> None:
    request = pb.CleanBatchRequest(documents=[pb.Document(data=SEED, id=str(i)) for i in range(100)])
    with ServeProcess("--workers", "1", "--grace", "20", "--log-format", "json", fake_seconds=0.02) as srv:
        options = [("grpc.max_receive_message_length", -1)]
        with grpc.insecure_channel(srv.target, options=options) as channel:
            health = health_pb2_grpc.HealthStub(channel)
            watch = health.Watch(health_pb2.HealthCheckRequest(service="cleaner.v1.CleanerService"))
            assert next(watch).status == health_pb2.HealthCheckResponse.SERVING
            stub = pb_grpc.CleanerServiceStub(channel)
            in_flight = stub.CleanBatch.future(request)
            # A call sent after it and answered: the batch's stream has surely reached the server.
            stub.Clean(pb.CleanRequest(document=pb.Document(data=SEED)), timeout=10)
            started = time.monotonic()
            srv.proc.send_signal(signal.SIGTERM)
            assert next(watch).status == health_pb2.HealthCheckResponse.NOT_SERVING
            watch.cancel()
            assert len(in_flight.result(timeout=30).results) == 100  # 2 s of work, not cut off
        assert srv.proc.wait(25) == 0
        assert time.monotonic() - started < 20
        assert '"worker stopped"' in srv.log()
