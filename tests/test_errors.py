"""The error contract of `clean()`: bad input raises one documented `CleanerError` subclass with a
clear message, never another exception, and never hangs; undecodable bytes are not an error."""

from __future__ import annotations

import gzip
import time
from typing import Any

import pytest

import cleaner
from cleaner import (
    Article,
    BinaryInputError,
    CleanerError,
    EmptyInputError,
    InputError,
    InputTooLargeError,
    Options,
    OptionsError,
    clean,
)

ARTICLE = (
    "Council approves new bike lanes\n"
    "The city council voted on Tuesday to build protected bike lanes along Harbour Road, ending a long dispute.\n"
    "The plan will remove 46 parking spaces on the north side of the road and add a raised lane for cyclists.\n"
    "Councillor Maria Okafor, who sponsored the measure, said the vote was about safety rather than convenience.\n"
    "Construction is expected to begin in March and take about five months, at a cost of 3.2 million dollars.\n"
)


def test_the_hierarchy() -> None:
    assert issubclass(InputError, CleanerError)
    assert issubclass(OptionsError, CleanerError)
    for cls in (EmptyInputError, BinaryInputError, InputTooLargeError):
        assert issubclass(cls, InputError)
    for name in ("CleanerError", "InputError", "EmptyInputError", "BinaryInputError", "InputTooLargeError",
                 "OptionsError"):
        assert name in cleaner.__all__


@pytest.mark.parametrize("raw", ["", b"", " ", "\n\n\n", "\t \r\n \u00a0\u2003 ", b"   \n  ", "\x00\x00\x00"],
                         ids=["empty-str", "0-bytes", "space", "newlines", "unicode-spaces", "blank-bytes", "nul-str"])
@pytest.mark.parametrize("fmt", ["auto", "text", "html"])
def test_empty_input(raw: str | bytes, fmt: str) -> None:
    with pytest.raises(EmptyInputError) as info:
        clean(raw, format=fmt)
    assert "empty" in str(info.value)
    assert info.value.field == "raw"


BINARY = {
    "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x02\x00\x00\x00\x01\x80\x08\x06\x00\x00\x00",
    "pdf": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n",
    "gzip": gzip.compress(ARTICLE.encode("utf-8")),
    "jpeg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00",
    "zip": b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00",
    "noise": bytes(range(256)) * 16,
}


@pytest.mark.parametrize("name", sorted(BINARY))
@pytest.mark.parametrize("fmt", ["auto", "text", "html"])
def test_binary_input(name: str, fmt: str) -> None:
    with pytest.raises(BinaryInputError) as info:
        clean(BINARY[name], format=fmt)
    assert "binary" in str(info.value)


def test_over_max_input_bytes() -> None:
    raw = ARTICLE * 10
    with pytest.raises(InputTooLargeError) as info:
        clean(raw, options=Options(max_input_bytes=100))
    assert info.value.limit == 100 and info.value.size == len(raw.encode("utf-8"))
    assert f"{info.value.size} bytes" in str(info.value) and "100 bytes" in str(info.value)
    with pytest.raises(InputTooLargeError):
        clean(raw.encode("utf-8"), options=Options(max_input_bytes=100))
    assert isinstance(clean(raw, options=Options(max_input_bytes=len(raw.encode("utf-8")))), Article)


def test_the_default_limit_refuses_a_huge_document_fast() -> None:
    raw = b"x" * (Options().max_input_bytes + 1)
    start = time.perf_counter()
    with pytest.raises(InputTooLargeError):
        clean(raw)
    assert time.perf_counter() - start < 1


@pytest.mark.parametrize("fmt", ["", "HTML", "txt", "markdown", "pdf", "auto ", "json"])
def test_bad_format_string(fmt: str) -> None:
    with pytest.raises(OptionsError) as info:
        clean(ARTICLE, format=fmt)
    assert info.value.field == "format"
    assert repr(fmt) in str(info.value) and "'auto', 'text' or 'html'" in str(info.value)


def test_bad_format_is_reported_before_the_input_is_looked_at() -> None:
    with pytest.raises(OptionsError):
        clean("", format="nope")


@pytest.mark.parametrize("raw", [None, 42, 4.2, ["a list"], {"a": "dict"}, object(), ("tuple",)],
                         ids=["None", "int", "float", "list", "dict", "object", "tuple"])
def test_non_str_non_bytes_input(raw: Any) -> None:
    with pytest.raises(CleanerError) as info:
        clean(raw)
    assert type(raw).__name__ in str(info.value)
    assert getattr(info.value, "field", None) == "raw"


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"max_input_bytes": 0}, "max_input_bytes"),
    ({"max_input_bytes": -5}, "max_input_bytes"),
    ({"html_engine": "lxml"}, "html_engine"),
])
def test_bad_options(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(OptionsError) as info:
        Options(**kwargs)
    assert info.value.field == field


def test_invalid_utf8_is_not_an_error() -> None:
    raw = ARTICLE.encode("utf-8").replace(b"Tuesday", b"Tues\xffday").replace(b"March", b"Mar\xc3ch")
    article = clean(raw)
    assert isinstance(article, Article)
    assert "Harbour Road" in article.body


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252", "utf-16", "utf-16-le", "utf-16-be", "utf-8-sig"])
def test_legacy_and_utf16_bytes_decode_right(encoding: str) -> None:
    text = (
        "Le comité reporte la réunion à jeudi\n"
        "Le comité a reporté jeudi la réunion prévue avec les syndicats, a annoncé le ministère dans un communiqué.\n"
        "« Nous avons besoin de plus de temps », a déclaré la ministre, qui espère un accord avant la fin du mois.\n"
        "Les syndicats ont dénoncé une décision prise sans concertation et menacent d'une grève la semaine prochaine.\n"
        "Le ministère a précisé que les négociations reprendraient à huis clos et que rien n'était encore décidé.\n"
    )
    article = clean(text.encode(encoding))
    assert article.title == "Le comité reporte la réunion à jeudi"
    assert "« Nous avons besoin de plus de temps », a déclaré la ministre" in article.body
    assert "\ufffd" not in article.body


def test_cp1252_curly_quotes_survive() -> None:
    text = ARTICLE.replace("safety rather", "“safety” rather").replace("dispute.", "dispute — finally.")
    article = clean(text.encode("cp1252"))
    assert "“safety” rather" in article.body and "dispute — finally." in article.body


def test_nul_bytes_are_dropped_not_fatal() -> None:
    raw = ARTICLE.replace("council", "coun\x00cil").replace("Harbour", "Har\x00bour")
    for given in (raw, raw.encode("utf-8")):
        article = clean(given)
        assert "\x00" not in article.body and "\x00" not in article.title
        assert "The city council voted" in article.body and "Harbour Road" in article.body


@pytest.mark.parametrize("raw", [
    "<", "<<<>>>", "<!-- only a comment -->", "<?xml version='1.0'?><root/>", "<script>var a = 1;</script>",
    "<html></html>", "<svg><text>hi</text></svg>", "<div>" * 3000 + "deep" + "</div>" * 3000,
    "<html><frameset><frame src='a'></frameset></html>",
])
@pytest.mark.parametrize("fmt", ["auto", "html"])
def test_odd_html_gives_an_article_or_a_cleaner_error(raw: str, fmt: str) -> None:
    try:
        result = clean(raw, format=fmt)
    except CleanerError as exc:
        assert str(exc)
    else:
        assert isinstance(result, Article)


@pytest.mark.parametrize("raw", [
    "word " * 200_000,                              # one 1 MB line
    "Line of prose that goes on, as it said.\n" * 10_000,  # 10,000 lines
    ("By " * 30 + "\n") * 2000,                     # the byline rule's worst case, many times
    ("a/" * 150 + "\n") * 2000,                     # the crumb-trail rule's worst case
    "(" * 5_000,
    "LONDON, Nov 27 (Reuters) - " * 20_000,
], ids=["long-line", "many-lines", "bylines", "slashes", "parens", "datelines"])
def test_never_hangs(raw: str) -> None:
    start = time.perf_counter()
    assert isinstance(clean(raw), Article)
    assert time.perf_counter() - start < 10


def test_a_long_token_is_linear() -> None:
    # a base64 image a scraper kept inline: 100 KB of it took 24 s
    raw = ARTICLE + "data:image/png;base64," + "iVBORw0KGgo" * 2000 + "\n"
    start = time.perf_counter()
    clean(raw)
    assert time.perf_counter() - start < 0.5
