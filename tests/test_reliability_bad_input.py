"""Bad input through every door: the library, the gRPC methods (Clean, CleanBatch) and `cleaner batch`.

Each case is cleaned by the library once; its outcome is checked against the case's expectation
(an Article holding / not holding some text, or one documented `CleanerError`), then every other
path must give the same outcome: the same Article, or the documented error for it
(INVALID_ARGUMENT with the ErrorInfo reason and the limit named; a per-document `CleanError` in a
batch; an error record in `cleaner batch` output). Every document is answered within BOUND
seconds and the server still answers health checks and good documents afterwards.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import grpc
import pytest
from google.rpc import error_details_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_status import rpc_status

from cleaner import (
    Article,
    BinaryInputError,
    CleanerError,
    EmptyInputError,
    InputError,
    InputTooLargeError,
    clean,
)
from cleaner import _proto as conv
from cleaner._options import DEFAULT_MAX_INPUT_BYTES
from cleaner.cli import main
from cleaner.v1 import cleaner_pb2 as pb
from cleaner.v1 import cleaner_pb2_grpc as pb_grpc
from server.config import ServerConfig
from server.testing import InProcessServer

LIMIT = DEFAULT_MAX_INPUT_BYTES  # the library's and the server's default
BOUND = 30.0  # seconds any one document may take, whatever the path (generous: a shared 2-core machine)
GRPC_OPTIONS = [("grpc.max_send_message_length", -1), ("grpc.max_receive_message_length", -1)]

ARTICLE = (
    "Council approves new bike lanes\n"
    "The city council voted on Tuesday to build protected bike lanes along Harbour Road, ending a long dispute.\n"
    "The plan will remove 46 parking spaces on the north side of the road and add a raised lane for cyclists.\n"
    "Councillor Maria Okafor, who sponsored the measure, said the vote was about safety rather than convenience.\n"
    "Construction is expected to begin in March and take about five months, at a cost of 3.2 million dollars.\n"
)
FRENCH = (
    "Le comité reporte la réunion à jeudi\n"
    "Le comité a reporté jeudi la réunion prévue avec les syndicats, a annoncé le ministère dans un communiqué.\n"
    "« Nous avons besoin de plus de temps », a déclaré la ministre, qui espère un accord avant la fin du mois.\n"
    "Les syndicats ont dénoncé une décision prise sans concertation et menacent d'une grève dès la semaine.\n"
)
RUSSIAN = (
    "Городской совет одобрил новые велосипедные дорожки\n"
    "Городской совет во вторник проголосовал за строительство защищённых велосипедных дорожек вдоль Портовой улицы.\n"
    "План предусматривает ликвидацию сорока шести парковочных мест на северной стороне дороги.\n"
    "Строительство начнётся в марте и продлится около пяти месяцев, сообщили в мэрии города.\n"
)
JAPANESE = (
    "市議会が新しい自転車レーンを承認\n"
    "市議会は火曜日、港湾道路沿いに保護された自転車レーンを建設することを賛成多数で決議し、長年の論争に決着をつけた。\n"
    "計画では道路の北側にある四十六台分の駐車スペースが撤去され、自転車用の一段高い車線が設けられる。\n"
)
CHINESE = (
    "市议会批准新自行车道\n"
    "市议会周二投票决定沿港口路修建受保护的自行车道，结束了长期的争论，该计划得到了大多数议员的支持。\n"
    "该计划将拆除道路北侧的四十六个停车位，并为骑自行车的人增加一条抬高的车道，工程预计三月开工。\n"
)
ARABIC = (
    "المجلس البلدي يوافق على ممرات جديدة للدراجات\n"
    "صوت المجلس البلدي يوم الثلاثاء على إنشاء ممرات محمية للدراجات على طول شارع الميناء، منهيا نزاعا طويلا.\n"
    "وسيتم إزالة ستة وأربعين موقفا للسيارات على الجانب الشمالي من الطريق وإضافة ممر مرتفع لراكبي الدراجات.\n"
)
HEBREW = (
    "מועצת העיר אישרה נתיבי אופניים חדשים\n"
    "מועצת העיר הצביעה ביום שלישי בעד בניית נתיבי אופניים מוגנים לאורך רחוב הנמל, וסיימה בכך מחלוקת ארוכה.\n"
    "התוכנית תבטל ארבעים ושישה מקומות חניה בצד הצפוני של הכביש ותוסיף נתיב מוגבה לרוכבי אופניים.\n"
)
EMOJI = (
    "Council approves new bike lanes 🚲\n"
    "The city council 👍 voted on Tuesday to build protected bike lanes 🚴‍♀️ along Harbour Road, ending a dispute.\n"
    "The plan will remove 46 parking spaces 🅿️ on the north side of the road; the Café\u0301 owners are happy 👨‍👩‍👧.\n"
    "Councillor Zoë Okafor, who sponsored the measure, said the vote was about safety rather than convenience.\n"
)
HOSTILE_HTML = """<?xml version="1.0"?>
<!DOCTYPE html [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
  <!ENTITY xxe SYSTEM "file:///etc/passwd">
]>
<html><head><title>Council approves new bike lanes</title>
<style>p { color: red } .SECRET-STYLE { display: none }</style>
<script>var SECRET_SCRIPT = "alert(1)";</script>
<script type="application/ld+json">{"@context": "https://schema.org", "author": {"name": "Maria Okafor"}}</script>
</head><body><!-- SECRET-COMMENT: do not publish -->
<article><h1>Council approves new bike lanes</h1>
<p>The city council voted on Tuesday to build protected bike lanes along Harbour Road &amp; Quay Street, ending a
long dispute &mdash; finally. &lol9; &xxe;</p>
<p>The plan will remove 46 parking spaces on the north side of the road and add a raised lane for cyclists,
at a cost of &euro;3.2 million.</p>
<script>document.write("SECRET_INLINE")</script>
<p>Councillor Maria Okafor, who sponsored the measure, said the vote was about safety rather than convenience.</p>
<![CDATA[ SECRET-CDATA ]]>
</article></body></html>
"""
NESTED_DIVS = ("<html><body>" + "<div>" * 100_000 + "<p>Deep text at the bottom.</p>" + "</div>" * 100_000
               + "<p>The page goes on after the nest.</p></body></html>")
NESTED_UNCLOSED = "<html><body>" + "<div><span>" * 50_000 + "Deep text at the bottom of unclosed elements."


def sized(unit: bytes, n: int) -> bytes:
    """`unit` repeated to exactly `n` bytes."""
    return (unit * (n // len(unit) + 1))[:n]


@dataclass(frozen=True)
class Case:
    raw: str | bytes
    error: type[CleanerError] | None = None  # None: an Article (or, with `may_refuse`, an InputError)
    # text the result must hold exactly as given (in the title, body or removed lines: where it
    # lands is the engine's quality, that it comes out intact, decoded right, is this file's concern)
    has: tuple[str, ...] = ()
    lacks: tuple[str, ...] = ()  # text no field of the result may hold
    may_refuse: bool = False  # pathological markup: an Article or an InputError, either is fine

    @property
    def size(self) -> int:
        return len(self.raw) if isinstance(self.raw, bytes) else len(self.raw.encode("utf-8"))


CASES: dict[str, Case] = {
    "empty-str": Case("", EmptyInputError),
    "zero-bytes": Case(b"", EmptyInputError),
    "whitespace": Case(" \n\t \r\n  \n", EmptyInputError),
    "unicode-whitespace": Case("\u00a0\u2003\n\u3000\u2029\n".encode(), EmptyInputError),
    "cp1252-french": Case(FRENCH.encode("cp1252"), has=("« Nous avons besoin de plus de temps »",)),
    "cp1251-russian": Case(RUSSIAN.encode("cp1251"), has=("Городской совет",)),
    "shift-jis": Case(JAPANESE.encode("shift_jis"), has=("市議会",)),
    "utf16-french": Case(FRENCH.encode("utf-16"), has=("réunion prévue",)),
    "mixed-utf8-latin1": Case(ARTICLE.encode() + FRENCH.encode("latin-1"), has=("Harbour Road",)),
    "invalid-utf8": Case(ARTICLE.encode().replace(b"Tuesday", b"Tues\xc3\x28day").replace(b"March", b"Ma\xa0\xa1rch"),
                         has=("Harbour Road",)),
    "nul-bytes": Case(ARTICLE.replace("council", "coun\x00cil").encode(), has=("Harbour Road",), lacks=("\x00",)),
    "nul-str": Case(ARTICLE.replace("Harbour", "Har\x00bour"), has=("Harbour Road",), lacks=("\x00",)),
    "nul-saturated": Case(ARTICLE.replace(" ", "\x00").encode(), BinaryInputError),
    "png": Case(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x02\x00" + bytes(range(256)) * 8, BinaryInputError),
    "pdf": Case(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n" * 20,
                BinaryInputError),
    "gzip": Case(gzip.compress(ARTICLE.encode() * 20), BinaryInputError),
    "line-10MB": Case("word " * 2_000_000, InputTooLargeError),
    "just-under-limit": Case(sized(b"word ", LIMIT - 1)),
    "just-over-limit": Case(sized(b"word ", LIMIT + 1), InputTooLargeError),
    # past the parser's depth limit: nothing is lost (cleaner/_html_parse.py)
    "nested-100k": Case(NESTED_DIVS, has=("Deep text at the bottom.", "The page goes on after the nest.")),
    "nested-100k-unclosed": Case(NESTED_UNCLOSED, has=("Deep text at the bottom of unclosed elements.",)),
    "hostile-html": Case(
        HOSTILE_HTML,
        has=("Harbour Road & Quay Street", "€3.2 million"),
        # no script, style, comment or CDATA text; no entity expansion (9 levels would be 10^9 "lol"s);
        # no external entity read (/etc/passwd starts "root:")
        lacks=("SECRET", "alert(", "color: red", "lollol", "root:"),
    ),
    "arabic": Case(ARABIC, has=("شارع الميناء",)),
    "hebrew": Case(HEBREW.encode(), has=("רחוב הנמל",)),
    "chinese": Case(CHINESE, has=("市议会周二投票决定",)),
    "emoji-combining": Case(EMOJI, has=("🚴‍♀️", "Café\u0301", "👨‍👩‍👧", "Zoë")),
    "zalgo": Case("Council approves new lanes\n" + "a" + "\u0301" * 100_000 + " the council voted on Tuesday.\n",
                  may_refuse=True),
}
GOOD = ARTICLE.encode()


def outcome_text(article: Article) -> str:
    return "\n".join([article.title, article.subtitle, article.body, *(r.text for r in article.removed),
                      *article.metadata.to_dict().values()])


@pytest.fixture(scope="module")
def expected() -> dict[str, Article | CleanerError]:
    """The library's outcome for every case, checked against the case's expectation, each in bounded time."""
    out: dict[str, Article | CleanerError] = {}
    for name, case in CASES.items():
        started = time.perf_counter()
        try:
            result: Article | CleanerError = clean(case.raw)
        except CleanerError as exc:
            result = exc
        elapsed = time.perf_counter() - started
        assert elapsed < BOUND, f"{name}: {elapsed:.1f} s"
        if case.error is not None:
            assert type(result) is case.error, f"{name}: {result!r}"
            assert str(result)
            if isinstance(result, InputTooLargeError):
                assert (result.size, result.limit) == (case.size, LIMIT)
        elif case.may_refuse and isinstance(result, CleanerError):
            assert isinstance(result, InputError) and str(result), f"{name}: {result!r}"
        else:
            assert isinstance(result, Article), f"{name}: {result!r}"
            text = outcome_text(result)
            for want in case.has:
                assert want in text, f"{name}: {want!r} missing"
            for unwanted in case.lacks:
                assert unwanted not in text, f"{name}: {unwanted!r} in the article"
            assert len(text) < 3 * case.size + 1000  # nothing expanded
        out[name] = result
    return out


@pytest.fixture(scope="module")
def server() -> Iterator[InProcessServer]:
    with InProcessServer(ServerConfig(threads=2)) as srv:
        yield srv


@pytest.fixture(scope="module")
def stub(server: InProcessServer) -> Iterator[pb_grpc.CleanerServiceStub]:
    with grpc.insecure_channel(server.target, options=GRPC_OPTIONS) as channel:
        yield pb_grpc.CleanerServiceStub(channel)


def document(case: Case, id: str = "") -> pb.Document:
    if isinstance(case.raw, bytes):
        return pb.Document(data=case.raw, id=id)
    return pb.Document(text=case.raw, id=id)


def error_details(err: grpc.RpcError) -> tuple[list[str], str, dict[str, str]]:
    """Field violations, ErrorInfo reason and metadata of a rich status."""
    status = rpc_status.from_call(err)  # type: ignore[arg-type]
    assert status is not None, err
    fields: list[str] = []
    reason, meta = "", {}
    for detail in status.details:
        if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            detail.Unpack(bad)
            fields += [v.field for v in bad.field_violations]
        elif detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            reason, meta = info.reason, dict(info.metadata)
    return fields, reason, meta


def assert_serving(server: InProcessServer, stub: pb_grpc.CleanerServiceStub) -> None:
    with grpc.insecure_channel(server.target) as channel:
        status = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=5).status
    assert status == health_pb2.HealthCheckResponse.SERVING
    assert stub.Clean(pb.CleanRequest(document=pb.Document(data=GOOD)), timeout=10).article.body


def test_library(expected: dict[str, Article | CleanerError]) -> None:
    assert set(expected) == set(CASES)  # the checks run in the fixture


@pytest.mark.parametrize("name", list(CASES))
def test_grpc_clean(name: str, expected: dict[str, Article | CleanerError], stub: pb_grpc.CleanerServiceStub) -> None:
    case, want = CASES[name], expected[name]
    started = time.perf_counter()
    try:
        response = stub.Clean(pb.CleanRequest(document=document(case, name)), timeout=BOUND)
    except grpc.RpcError as err:
        assert isinstance(want, CleanerError), f"{name}: {err.code()} {err.details()}"
        assert err.code() == grpc.StatusCode.INVALID_ARGUMENT, err.details()
        fields, reason, meta = error_details(err)
        assert fields == ["document.data" if isinstance(case.raw, bytes) else "document.text"]
        assert reason == conv.reason_name(conv.error_to_proto(want).reason)
        assert str(want) in (err.details() or "")
        if isinstance(want, InputTooLargeError):  # the limit is named, in the message and the metadata
            assert meta == {"size": str(case.size), "limit": str(LIMIT)}
            assert f"over the limit of {LIMIT} bytes" in (err.details() or "")
    else:
        assert isinstance(want, Article), f"{name}: the library raised {want!r}"
        assert response.id == name
        assert conv.article_from_proto(response.article) == want
    assert time.perf_counter() - started < BOUND


def test_grpc_clean_batch_each_document_on_its_own(expected: dict[str, Article | CleanerError],
                                                   server: InProcessServer,
                                                   stub: pb_grpc.CleanerServiceStub) -> None:
    # Every case in one batch, a good document between each two: the bad ones fail alone.
    request = pb.CleanBatchRequest()
    for name, case in CASES.items():
        request.documents.append(document(case, name))
        request.documents.append(pb.Document(data=GOOD, id=f"good-after-{name}"))
    started = time.perf_counter()
    response = stub.CleanBatch(request, timeout=BOUND * 3)
    assert time.perf_counter() - started < BOUND * 3
    good = clean(GOOD)
    assert [r.id for r in response.results] == [d.id for d in request.documents]
    for result in response.results:
        if result.id.startswith("good-after-"):
            assert conv.article_from_proto(result.article) == good
            continue
        want = expected[result.id]
        if isinstance(want, Article):
            assert result.WhichOneof("outcome") == "article", (result.id, result.error)
            assert conv.article_from_proto(result.article) == want
        else:
            assert result.WhichOneof("outcome") == "error", result.id
            got = conv.error_from_proto(result.error)
            assert type(got) is type(want) and str(got) == str(want), (result.id, got)
            assert result.error.field == ("data" if isinstance(CASES[result.id].raw, bytes) else "text")
            if isinstance(want, InputTooLargeError):
                assert (result.error.size, result.error.limit) == (CASES[result.id].size, LIMIT)
    assert_serving(server, stub)


def test_one_bad_document_among_good_ones(stub: pb_grpc.CleanerServiceStub) -> None:
    docs = [pb.Document(data=GOOD, id=str(i)) for i in range(9)]
    docs.insert(4, document(CASES["png"], "bad"))
    response = stub.CleanBatch(pb.CleanBatchRequest(documents=docs), timeout=BOUND)
    outcomes = [r.WhichOneof("outcome") for r in response.results]
    assert outcomes == ["article"] * 4 + ["error"] + ["article"] * 5
    assert response.results[4].error.reason == pb.ERROR_REASON_BINARY_INPUT


def test_message_over_the_grpc_limit_names_the_limit() -> None:
    # Past --max-message-bytes grpc itself refuses the request: RESOURCE_EXHAUSTED, both sizes named.
    limit = 8 * 1024 * 1024
    with InProcessServer(ServerConfig(max_message_bytes=limit)) as srv, \
            grpc.insecure_channel(srv.target, options=GRPC_OPTIONS) as channel:
        stub = pb_grpc.CleanerServiceStub(channel)
        with pytest.raises(grpc.RpcError) as info:
            stub.Clean(pb.CleanRequest(document=document(CASES["line-10MB"])), timeout=BOUND)
        assert info.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
        assert f"vs. {limit})" in (info.value.details() or "")
        assert_serving(srv, stub)


def _records(path: Path) -> dict[str, dict[str, object]]:
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    sources = [str(r["source"]) for r in records]
    assert len(sources) == len(set(sources)), "a document appears twice"
    return {str(r["source"]): r for r in records}


@pytest.mark.parametrize("mode", ["embedded", "server"])
def test_cleaner_batch(mode: str, tmp_path: Path, server: InProcessServer,
                       stub: pb_grpc.CleanerServiceStub) -> None:
    # Each case as a file (bytes; suffix .doc: format detected), good files among them, and a JSONL
    # with good records, a bad record and a non-JSON line: every input gets exactly one record.
    folder = tmp_path / "in"
    folder.mkdir()
    wants: dict[str, Article | CleanerError] = {}
    raws: dict[str, bytes] = {}
    for name, case in CASES.items():
        raw = case.raw if isinstance(case.raw, bytes) else case.raw.encode("utf-8")
        raws[str(folder / f"{name}.doc")] = raw
    for i in range(3):
        raws[str(folder / f"good-{i}.doc")] = GOOD
    for path, raw in raws.items():
        Path(path).write_bytes(raw)
    cache: dict[bytes, Article | CleanerError] = {}
    for path, raw in raws.items():
        if raw not in cache:
            try:
                cache[raw] = clean(raw)
            except CleanerError as exc:
                cache[raw] = exc
        wants[path] = cache[raw]
    jsonl = tmp_path / "docs.jsonl"
    jsonl.write_text(json.dumps({"id": "j1", "text": ARTICLE}) + "\n"
                     + json.dumps({"id": "j2", "text": "  "}) + "\n"
                     + "{not json\n"
                     + json.dumps({"id": "j4", "html": HOSTILE_HTML}) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    args = ["batch", str(folder), str(jsonl), "--out", str(out), "-q", "--chunk-size", "4"]
    args += ["--workers", "2"] if mode == "embedded" else ["--server", server.target, "--workers", "3"]
    started = time.perf_counter()
    assert main(args) == 1  # some documents failed, on purpose
    assert time.perf_counter() - started < BOUND * 3
    records = _records(out)
    assert set(records) == set(wants) | {f"{jsonl}:{n}" for n in (1, 2, 3, 4)}
    for path, want in wants.items():
        record = records[path]
        if isinstance(want, Article):
            assert record["ok"] is True and record["article"] == want.to_dict(), path
        else:
            assert record["ok"] is False, path
            assert record["error"] == {"type": type(want).__name__, "message": str(want)}, path
    assert [records[f"{jsonl}:{n}"]["ok"] for n in (1, 2, 3, 4)] == [True, False, False, True]
    assert records[f"{jsonl}:2"]["error"]["type"] == "EmptyInputError"  # type: ignore[index]
    assert records[f"{jsonl}:3"]["error"]["type"] == "InvalidRecordError"  # type: ignore[index]
    if mode == "server":
        assert_serving(server, stub)


def test_gzip_bomb_file_is_refused_in_bounded_memory(tmp_path: Path) -> None:
    # A 400 MB document in a 0.4 MB .gz: refused as too large, its true size named, without ever
    # holding it whole (the worker's peak RSS stays far below 400 MB).
    bomb = tmp_path / "bomb.txt.gz"
    with gzip.open(bomb, "wb", compresslevel=1) as f:
        chunk = b"word " * (1 << 18)  # 1.25 MiB
        for _ in range(320):
            f.write(chunk)
    size = 320 * len(chunk)
    out = tmp_path / "out.jsonl"
    probe = ("import resource, subprocess, sys; "
             "rc = subprocess.run([sys.executable, '-m', 'cleaner.cli', 'batch', sys.argv[1], '--out', sys.argv[2], "
             "'--workers', '1', '-q']).returncode; "
             "print(rc, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    done = subprocess.run([sys.executable, "-c", probe, str(bomb), str(out)], capture_output=True, text=True,
                          timeout=120, cwd=Path(__file__).resolve().parent.parent)
    status, peak_kib = map(int, done.stdout.split())
    assert status == 1, done.stderr
    (record,) = _records(out).values()
    assert record["error"] == {"type": "InputTooLargeError",
                               "message": f"document is {size} bytes, over the limit of {LIMIT} bytes"}
    assert peak_kib * 1024 < size / 2, f"peak RSS {peak_kib} KiB"
