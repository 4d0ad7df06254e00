"""Fuzzing (hypothesis) of `clean()` over generated HTML and of the gRPC servicer.

tests/test_properties.py already fuzzes `clean()` over text and raw bytes (article contract,
input order). This file adds what a hostile or broken client can send:

1. `clean()` over generated HTML: nested elements, attributes holding URLs, script, style,
   comments, CDATA, character and named entities, DOCTYPEs with internal entity declarations,
   and text in any script (RTL, CJK, emoji, combining marks). Each example: an Article or a
   `CleanerError`, in bounded time, never the text of a script, style or comment, never an
   expanded entity; both HTML engines.
2. The servicer, through a real in-process server: generated documents (text or bytes, any
   format hint, any options, enum values out of range) through Clean and CleanBatch give what
   the library gives (the same Article, or INVALID_ARGUMENT / a per-document error with the
   library's message), never INTERNAL or UNKNOWN.
3. The servicer on garbage: valid requests with bytes flipped, cut or appended: OK or
   INVALID_ARGUMENT, never INTERNAL or UNKNOWN; the server answers health checks afterwards.

Examples run (counted by the tests themselves, `pytest -s` prints them; hypothesis statistics,
Nov 28): 150 generated HTML pages through `clean()` (22 more generated and discarded as invalid),
150 documents through Clean, 60 batches of 0-8 documents through CleanBatch, 200 mangled
requests; about 20 s in all. The title property fails today and is a strict xfail
(test_no_script_in_the_title).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaner import Article, CleanerError, Options, OptionsError, clean
from cleaner import _proto as conv
from cleaner.v1 import cleaner_pb2 as pb
from cleaner.v1 import cleaner_pb2_grpc as pb_grpc
from server.config import ServerConfig
from server.testing import InProcessServer

BOUND = 10.0  # seconds one generated document may take (small documents; a loaded machine)
MAX_INPUT = 200_000  # the fuzzed server's limit (documents here are far smaller, but some exceed it)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                             HealthCheck.function_scoped_fixture])
EXAMPLES: Counter[str] = Counter()  # examples run per test, printed at the end of the module

# Markers inside what must never reach the output; the generated text never holds them.
SCRIPT, STYLE, COMMENT = "QXSCRIPTQX", "QXSTYLEQX", "QXCOMMENTQX"

words = st.sampled_from([
    "council", "voted", "Tuesday", "Harbour", "Road", "the", "and", "of", "a", "lanes", "said", "mayor",
    "Городской", "совет", "市议会", "自転車", "المجلس", "מועצת", "🚲", "👨‍👩‍👧", "Café\u0301", "e\u0301\u0302",
    "naïve", "Zoë", "—", "«", "»", "&", "<", ">", "'", '"', "http://127.0.0.1:9/x", "\u200f", "\u202e",
])
sentence = st.lists(words, min_size=1, max_size=25).map(" ".join)
odd_text = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="<&"), max_size=60)
text = st.one_of(sentence, odd_text)
entity = st.sampled_from(["&amp;", "&lt;", "&gt;", "&quot;", "&#39;", "&#x41;", "&#128690;", "&nbsp;", "&mdash;",
                          "&euro;", "&eacute;", "&nosuch;", "&#0;", "&#xD800;", "&#99999999;", "&", "&lol9;",
                          "&xxe;"])
tag = st.sampled_from(["div", "p", "span", "article", "section", "main", "b", "i", "a", "h1", "h2", "li", "ul",
                       "table", "tr", "td", "blockquote", "figure", "figcaption", "nav", "footer", "header",
                       "aside", "form", "svg", "math", "template", "object"])
attribute = st.sampled_from([
    "", ' class="content"', ' id="main"', ' href="http://127.0.0.1:9/a"', ' src="http://127.0.0.1:9/i.png"',
    ' style="display:none"', ' onclick="alert(1)"', ' lang="ar" dir="rtl"', ' data-x="&lt;p&gt;"',
    ' srcset="http://127.0.0.1:9/a.png 2x"', " unquoted=va>lue", ' "broken',
])
leaf = st.one_of(
    text,
    entity,
    st.just(f"<script>var {SCRIPT} = '<p>x</p>';</script>"),
    st.just(f"<style>.{STYLE} {{ color: red }}</style>"),
    st.just(f"<!-- {COMMENT} <p>not text</p> -->"),
    st.just("<![CDATA[ cdata ]]>"),
    st.just("<br>"), st.just("<hr/>"), st.just("<img src='http://127.0.0.1:9/i.png'>"), st.just("</p>"),
    st.just("1 < 2"), st.just("<p>"), st.just("</div></div>"), st.just("<unknown-tag x=1>"),
)


def _element(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.builds(lambda t, a, kids, close: f"<{t}{a}>{''.join(kids)}" + (f"</{t}>" if close else ""),
                     tag, attribute, st.lists(children, max_size=5), st.booleans())


fragment = st.recursive(leaf, _element, max_leaves=40)
DOCTYPES = [
    "", "<!DOCTYPE html>", '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
    '"http://127.0.0.1:9/xhtml1-strict.dtd">',
    '<?xml version="1.0"?><!DOCTYPE html [<!ENTITY lol "lol"><!ENTITY lol9 "&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
]
html_document = st.builds(
    lambda doctype, title, lang, body, deep: (
        f"{doctype}<html{lang}><head><title>{title}</title><meta charset='utf-8'></head><body>"
        + "<div>" * deep + body + "</div>" * deep + "</body></html>"),
    st.sampled_from(DOCTYPES), text, st.sampled_from(["", ' lang="en"', ' lang="ar" dir="rtl"', ' lang="zh"']),
    st.lists(fragment, max_size=12).map("".join), st.sampled_from([0, 1, 5, 300, 3000]),
)


def result_text(article: Article) -> str:
    return "\n".join([article.title, article.subtitle, article.body, *(r.text for r in article.removed),
                      *article.metadata.to_dict().values()])


# --- 1. clean() over generated HTML ---------------------------------------------------------------------


@SETTINGS
@given(html=html_document, as_bytes=st.booleans(), fmt=st.sampled_from(["auto", "html"]),
       engine=st.sampled_from(["trafilatura", "fast"]))
def test_clean_generated_html(html: str, as_bytes: bool, fmt: str, engine: str) -> None:
    EXAMPLES["clean() over generated HTML"] += 1
    raw: str | bytes = html.encode("utf-8") if as_bytes else html
    started = time.perf_counter()
    try:
        article = clean(raw, format=fmt, options=Options(html_engine=engine))
    except CleanerError as exc:
        assert str(exc)
        return
    finally:
        assert time.perf_counter() - started < BOUND
    assert isinstance(article, Article)
    out = result_text(article)
    for marker in (SCRIPT, STYLE, COMMENT):  # the title: see test_no_script_in_the_title
        assert marker not in article.body and marker not in article.subtitle, marker
    assert "lollol" not in out and "root:" not in out  # no entity expansion, no external entity read
    assert len(out) <= 3 * len(html) + 100
    article.to_dict()


# Engine bug (reported): the <h1> text is read with lxml's text_content() (and resiliparse's .text), which
# includes the source of a <script> or <style> inside the heading, so the title ends "...lanesvar x = 1;".
H1_WITH_SCRIPT = (
    "<html><head><title>Council approves new bike lanes - Daily</title></head><body>"
    f"<h1>Council approves new bike lanes<script>var {SCRIPT} = 1;</script><style>.{STYLE} {{}}</style></h1>"
    "<p>The city council voted on Tuesday to build protected bike lanes along Harbour Road, ending a dispute.</p>"
    "<p>The plan will remove 46 parking spaces on the north side of the road and add a raised lane.</p>"
    "</body></html>"
)


@pytest.mark.parametrize("engine", ["trafilatura", "fast"])
def test_no_script_in_the_title(engine: str) -> None:
    article = clean(H1_WITH_SCRIPT, options=Options(html_engine=engine))
    assert article.title == "Council approves new bike lanes"


# --- 2. the servicer against the library ----------------------------------------------------------------


@pytest.fixture(scope="module")
def server() -> Iterator[InProcessServer]:
    with InProcessServer(ServerConfig(max_input_bytes=MAX_INPUT, threads=2)) as srv:
        yield srv


@pytest.fixture(scope="module")
def stub(server: InProcessServer) -> Iterator[pb_grpc.CleanerServiceStub]:
    options = [("grpc.max_receive_message_length", -1)]
    with grpc.insecure_channel(server.target, options=options) as channel:
        yield pb_grpc.CleanerServiceStub(channel)


content = st.one_of(
    html_document,
    st.lists(st.one_of(sentence, odd_text), max_size=20).map("\n".join),
    st.binary(max_size=3000),
    st.builds(lambda s, enc: s.encode(enc, "replace"), st.lists(sentence, max_size=10).map("\n".join),
              st.sampled_from(["utf-8", "cp1252", "utf-16", "shift_jis", "cp1251"])),
    st.builds(lambda magic, rest: magic + rest, st.sampled_from([b"\x89PNG\r\n\x1a\n", b"%PDF-1.7", b"\x1f\x8b\x08"]),
              st.binary(max_size=200)),
    st.just("x " * (MAX_INPUT // 2 + 1)),  # over the server's limit
)
documents = st.builds(
    lambda raw, fmt, url, ident: pb.Document(**{"data" if isinstance(raw, bytes) else "text": raw},
                                             format=fmt, url=url, id=ident),
    content,
    st.sampled_from([pb.FORMAT_UNSPECIFIED, pb.FORMAT_TEXT, pb.FORMAT_HTML, 7]),
    st.sampled_from(["", "https://example.com/a", "http://127.0.0.1:9/x", "not a url", "file:///etc/passwd"]),
    st.text(max_size=8),
)
clean_options = st.one_of(
    st.none(),
    st.builds(lambda inc, eng: pb.CleanOptions(include_removed=inc, html_engine=eng),
              st.booleans(), st.sampled_from([pb.HTML_ENGINE_UNSPECIFIED, pb.HTML_ENGINE_TRAFILATURA,
                                              pb.HTML_ENGINE_FAST, 5])),
)


def library(doc: pb.Document, options: pb.CleanOptions | None) -> Article | CleanerError:
    """What `cleaner.clean` says for the document, with the server's limit."""
    try:
        opts = conv.options_from_proto(options, MAX_INPUT)
        return clean(conv.raw_from_proto(doc), format=conv.format_from_proto(doc.format), url=doc.url or None,
                     options=opts)
    except CleanerError as exc:
        return exc


@SETTINGS
@given(doc=documents, options=clean_options)
def test_servicer_clean_agrees_with_the_library(doc: pb.Document, options: pb.CleanOptions | None,
                                                stub: pb_grpc.CleanerServiceStub) -> None:
    EXAMPLES["servicer Clean"] += 1
    want = library(doc, options)
    started = time.perf_counter()
    try:
        response = stub.Clean(pb.CleanRequest(document=doc, options=options), timeout=BOUND)
    except grpc.RpcError as err:
        assert err.code() == grpc.StatusCode.INVALID_ARGUMENT, (err.code(), err.details())
        assert isinstance(want, CleanerError), f"library gave an Article, service {err.details()}"
        assert conv.bare_message(want) in (err.details() or "")
    else:
        assert isinstance(want, Article), f"library raised {want!r}, service answered"
        assert response.id == doc.id
        assert conv.article_from_proto(response.article) == want
    assert time.perf_counter() - started < BOUND


@settings(SETTINGS, max_examples=60)
@given(docs=st.lists(documents, max_size=8), options=clean_options)
def test_servicer_clean_batch_agrees_with_the_library(docs: list[pb.Document], options: pb.CleanOptions | None,
                                                      stub: pb_grpc.CleanerServiceStub) -> None:
    EXAMPLES["servicer CleanBatch"] += 1
    request = pb.CleanBatchRequest(documents=docs, options=options)
    try:
        response = stub.CleanBatch(request, timeout=BOUND * 4)
    except grpc.RpcError as err:
        # only a bad option fails the whole batch
        assert err.code() == grpc.StatusCode.INVALID_ARGUMENT, (err.code(), err.details())
        with pytest.raises(OptionsError):
            conv.options_from_proto(options, MAX_INPUT)
        return
    assert [r.id for r in response.results] == [d.id for d in docs]
    for doc, result in zip(docs, response.results, strict=True):
        want = library(doc, options)
        if isinstance(want, Article):
            assert result.WhichOneof("outcome") == "article", result.error
            assert conv.article_from_proto(result.article) == want
        else:
            assert result.WhichOneof("outcome") == "error"
            assert result.error.reason != pb.ERROR_REASON_INTERNAL
            got = conv.error_from_proto(result.error)
            assert type(got) is type(want) and conv.bare_message(got) == conv.bare_message(want)


# --- 3. garbage on the wire ----------------------------------------------------------------------------

VALID = [
    ("/cleaner.v1.CleanerService/Clean", pb.CleanRequest(document=pb.Document(
        text="Council approves lanes\nThe council voted on Tuesday to build protected bike lanes.", id="x"),
        options=pb.CleanOptions(include_removed=True)).SerializeToString()),
    ("/cleaner.v1.CleanerService/CleanBatch", pb.CleanBatchRequest(documents=[
        pb.Document(data=b"The council voted on Tuesday to build lanes.", id="a", url="https://e.com/"),
        pb.Document(text="<p>Hello there, world.</p>", format=pb.FORMAT_HTML)]).SerializeToString()),
]


@st.composite
def mangled(draw: st.DrawFn) -> tuple[str, bytes]:
    method, data = draw(st.sampled_from(VALID))
    buf = bytearray(data)
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["flip", "cut", "append", "insert"]))
        if op == "flip" and buf:
            i = draw(st.integers(0, len(buf) - 1))
            buf[i] = draw(st.integers(0, 255))
        elif op == "cut" and buf:
            del buf[draw(st.integers(0, len(buf) - 1)):]
        elif op == "append":
            buf += draw(st.binary(max_size=20))
        else:
            i = draw(st.integers(0, len(buf)))
            buf[i:i] = draw(st.binary(min_size=1, max_size=8))
    return method, bytes(buf)


@settings(SETTINGS, max_examples=200)
@given(request=mangled())
def test_servicer_on_mangled_requests(request: tuple[str, bytes], server: InProcessServer) -> None:
    EXAMPLES["servicer, mangled request bytes"] += 1
    method, data = request
    with grpc.insecure_channel(server.target) as channel:
        call = channel.unary_unary(method)  # type: ignore[call-arg]  # raw bytes in and out
        try:
            call(data, timeout=BOUND)
        except grpc.RpcError as err:
            assert err.code() == grpc.StatusCode.INVALID_ARGUMENT, (err.code(), err.details())


def test_still_serving_after_the_fuzz(server: InProcessServer, stub: pb_grpc.CleanerServiceStub) -> None:
    with grpc.insecure_channel(server.target) as channel:
        status = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=5).status
    assert status == health_pb2.HealthCheckResponse.SERVING
    assert stub.Clean(pb.CleanRequest(document=pb.Document(text=VALID[0][0] + " is a path, not an article.")))
    print("\nfuzz examples run:", dict(EXAMPLES))
