"""CleanerService through the generated stubs against the real server (in-process, port 0)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from google.rpc import error_details_pb2
from grpc_status import rpc_status

import cleaner
from cleaner import _proto as conv
from cleaner.v1 import cleaner_pb2 as pb
from cleaner.v1 import cleaner_pb2_grpc as pb_grpc
from server.config import ServerConfig
from server.testing import InProcessServer

SEED = next((Path(__file__).parent.parent / "seeds").glob("*.txt")).read_bytes()


@pytest.fixture(scope="module")
def server() -> Iterator[InProcessServer]:
    with InProcessServer(ServerConfig(max_input_bytes=100_000, max_batch=50)) as s:
        yield s


@pytest.fixture(scope="module")
def stub(server: InProcessServer) -> Iterator[pb_grpc.CleanerServiceStub]:
    with grpc.insecure_channel(server.target) as channel:
        yield pb_grpc.CleanerServiceStub(channel)


def details(err: grpc.RpcError) -> tuple[list[error_details_pb2.BadRequest.FieldViolation], str]:
    """The field violations and the ErrorInfo reason of a rich error."""
    status = rpc_status.from_call(err)  # type: ignore[arg-type]
    assert status is not None
    violations: list[error_details_pb2.BadRequest.FieldViolation] = []
    reason = ""
    for d in status.details:
        if d.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            br = error_details_pb2.BadRequest()
            d.Unpack(br)
            violations.extend(br.field_violations)
        elif d.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            d.Unpack(info)
            reason = info.reason
    return violations, reason


def test_clean_seed_matches_library(stub: pb_grpc.CleanerServiceStub) -> None:
    resp = stub.Clean(pb.CleanRequest(document=pb.Document(data=SEED, id="seed-1", url="https://example.com/a")))
    assert resp.id == "seed-1"
    expected = cleaner.clean(SEED, url="https://example.com/a", options=cleaner.Options(max_input_bytes=100_000))
    assert conv.article_from_proto(resp.article) == expected
    assert resp.article.body == expected.body
    assert resp.article.format == pb.FORMAT_TEXT


def test_clean_text_and_format_hint(stub: pb_grpc.CleanerServiceStub) -> None:
    text = SEED.decode()
    resp = stub.Clean(pb.CleanRequest(document=pb.Document(text=text, format=pb.FORMAT_TEXT)))
    assert conv.article_from_proto(resp.article) == cleaner.clean(text, format="text")
    html = "<html><head><title>T</title></head><body><p>Hello there, world.</p></body></html>"
    resp = stub.Clean(pb.CleanRequest(document=pb.Document(text=html, format=pb.FORMAT_HTML)))
    assert resp.article.format == pb.FORMAT_HTML


def test_clean_options_without_removed(stub: pb_grpc.CleanerServiceStub) -> None:
    req = pb.CleanRequest(document=pb.Document(data=SEED), options=pb.CleanOptions(include_removed=False))
    assert len(stub.Clean(req).article.removed) == 0


@pytest.mark.parametrize(
    ("doc", "field", "reason"),
    [
        (pb.Document(text="   \n "), "document.text", "EMPTY_INPUT"),
        (pb.Document(data=b""), "document.data", "EMPTY_INPUT"),
        (pb.Document(), "document.content", "EMPTY_INPUT"),
        (pb.Document(data=b"%PDF-1.4\x00\x01\x02binary"), "document.data", "BINARY_INPUT"),
        (pb.Document(data=b"x" * 100_001), "document.data", "INPUT_TOO_LARGE"),
        (pb.Document(text="ok text", format=7), "document.format", "INVALID_OPTION"),  # type: ignore[arg-type]
    ],
)
def test_clean_bad_input_is_invalid_argument(stub: pb_grpc.CleanerServiceStub, doc: pb.Document, field: str,
                                             reason: str) -> None:
    with pytest.raises(grpc.RpcError) as info:
        stub.Clean(pb.CleanRequest(document=doc))
    err = info.value
    assert err.code() == grpc.StatusCode.INVALID_ARGUMENT
    violations, got_reason = details(err)
    assert [v.field for v in violations] == [field]
    assert got_reason == reason


def test_clean_bad_option_is_invalid_argument(stub: pb_grpc.CleanerServiceStub) -> None:
    req = pb.CleanRequest(document=pb.Document(text="x y z"), options=pb.CleanOptions(html_engine=9))  # type: ignore[arg-type]
    with pytest.raises(grpc.RpcError) as info:
        stub.Clean(req)
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert details(info.value)[0][0].field == "options.html_engine"


def test_undecodable_request_is_invalid_argument(server: InProcessServer) -> None:
    # A non-Python client can send a string field that is not UTF-8; grpc alone would say INTERNAL.
    with grpc.insecure_channel(server.target) as channel:
        call = channel.unary_unary("/cleaner.v1.CleanerService/Clean")
        with pytest.raises(grpc.RpcError) as info:
            call(pb.CleanRequest(document=pb.Document(text="ab")).SerializeToString().replace(b"ab", b"a\xff"))
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT


def test_batch_items_fail_on_their_own(stub: pb_grpc.CleanerServiceStub) -> None:
    docs = [
        pb.Document(data=SEED, id="a"),
        pb.Document(data=b"", id="b"),
        pb.Document(text=SEED.decode(), id="c", format=pb.FORMAT_TEXT),
        pb.Document(data=b"x" * 100_001, id="d"),
    ]
    resp = stub.CleanBatch(pb.CleanBatchRequest(documents=docs))
    assert [r.id for r in resp.results] == ["a", "b", "c", "d"]
    assert [r.WhichOneof("outcome") for r in resp.results] == ["article", "error", "article", "error"]
    assert resp.results[1].error.reason == pb.ERROR_REASON_EMPTY_INPUT
    assert resp.results[1].error.field == "data"
    too_big = resp.results[3].error
    assert (too_big.reason, too_big.size, too_big.limit) == (pb.ERROR_REASON_INPUT_TOO_LARGE, 100_001, 100_000)
    assert isinstance(conv.error_from_proto(too_big), cleaner.InputTooLargeError)
    assert resp.results[0].article == stub.Clean(pb.CleanRequest(document=docs[0])).article


def test_batch_empty_and_over_maximum(stub: pb_grpc.CleanerServiceStub) -> None:
    assert len(stub.CleanBatch(pb.CleanBatchRequest()).results) == 0
    with pytest.raises(grpc.RpcError) as info:
        stub.CleanBatch(pb.CleanBatchRequest(documents=[pb.Document(text="a b c")] * 51))
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert details(info.value)[0][0].field == "documents"


def test_removed_categories_round_trip() -> None:
    # Every library category has a proto value and comes back as itself.
    for category in cleaner.Category:
        line = cleaner.RemovedLine(text="Trending Photos", category=category, rule="r", line=3)
        article = cleaner.Article(title="t", subtitle="s", dateline=cleaner.Dateline("LONDON (Reuters) -", "LONDON",
                                  "Reuters"), paragraphs=["p1", "p2"], removed=[line],
                                  metadata=cleaner.Metadata(author="a", url="u"), format=cleaner.Format.HTML)
        msg = conv.article_to_proto(article)
        assert msg.removed[0].category != pb.CATEGORY_UNSPECIFIED
        assert conv.article_from_proto(pb.Article.FromString(msg.SerializeToString())) == article
