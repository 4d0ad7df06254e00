"""Stage 1, decode and sniff: bytes or str in, text out, the format guessed."""

from __future__ import annotations

import gzip
import time

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from cleaner import BinaryInputError, EmptyInputError, Format, InputTooLargeError, OptionsError, clean
from cleaner._decode import (
    _JUNK_CHARS,
    _has_junk,
    _undo_latin1_reading,
    decode,
    parse_format,
    sniff_format,
    unix_newlines,
)

LIMIT = 1 << 20
FRENCH = "Le comité a reporté la réunion à jeudi, a annoncé le ministère. « C'est regrettable », a-t-il dit.\n"
GERMAN = "Die Bundesregierung hat am Mittwoch beschlossen, die Förderung für Wärmepumpen zu erhöhen. Straße.\n"
QUOTES = "He said: “We will not back down” — and the crowd cheered. It cost €5, she’s sure…\n"


# --- str input ---------------------------------------------------------------------------------


def test_str_is_returned_as_is() -> None:
    assert decode("Hello world.\nSecond line.", LIMIT) == "Hello world.\nSecond line."


def test_line_ends_are_normalised_for_text_input() -> None:
    assert unix_newlines(decode("one\r\ntwo\rthree\n", LIMIT)) == "one\ntwo\nthree\n"
    paragraphs = [f"Paragraph {n} of the story, which runs long enough to read as prose." for n in range(4)]
    text = "Old Mac line ends\r" + "\r".join(paragraphs)
    article = clean(text, format="text")
    assert not any("\r" in line for line in [article.title, *article.paragraphs])
    assert len(article.paragraphs) >= 3


def test_control_characters_and_nul_are_dropped() -> None:
    assert decode("a\x00b\x07c\x1bd\x7fe\x85f\tg", LIMIT) == "abcdef\tg"


def test_lone_surrogates_are_dropped() -> None:
    assert decode("broken \ud800 text", LIMIT) == "broken  text"


@given(st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0xE000, exclude_categories=())))
def test_the_fast_junk_check_agrees_with_the_junk_pattern(text: str) -> None:
    assert _has_junk(text) == (_JUNK_CHARS.search(text) is not None)


@pytest.mark.parametrize("char", ["\x00", "\x0b", "\x1f", "\x7f", "\x80", "\x9f", "\ud800", "\udfff"])
def test_each_kind_of_junk_is_seen_among_plain_text(char: str) -> None:
    assert _has_junk(f"café {char} ok") and not _has_junk("café \xa0 \t ok\n")


def test_a_leading_bom_is_dropped() -> None:
    assert decode("\ufeffTitle\nBody text.", LIMIT) == "Title\nBody text."


def test_non_str_non_bytes_is_an_options_error() -> None:
    for bad in (None, 42, 3.5, ["text"], {"raw": "text"}):
        with pytest.raises(OptionsError) as info:
            decode(bad, LIMIT)  # type: ignore[arg-type]
        assert info.value.field == "raw"


# --- bytes input -------------------------------------------------------------------------------


def test_utf8_bytes() -> None:
    assert decode((FRENCH + GERMAN).encode("utf-8"), LIMIT) == FRENCH + GERMAN


def test_utf8_bom_is_dropped() -> None:
    assert decode(GERMAN.encode("utf-8-sig"), LIMIT) == GERMAN


def test_bytearray_and_memoryview_are_bytes() -> None:
    data = GERMAN.encode("utf-8")
    assert decode(bytearray(data), LIMIT) == GERMAN
    assert decode(memoryview(data), LIMIT) == GERMAN


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252"])
@pytest.mark.parametrize("text", [FRENCH, GERMAN, FRENCH + GERMAN], ids=["fr", "de", "fr+de"])
def test_legacy_single_byte_encodings(text: str, encoding: str) -> None:
    assert decode(text.encode(encoding), LIMIT) == text


def test_cp1252_quotes_and_euro() -> None:
    assert decode((QUOTES * 3).encode("cp1252"), LIMIT) == QUOTES * 3


@pytest.mark.parametrize(("text", "encoding"), [
    ("Правительство России в среду объявило о новых мерах поддержки экономики.\n", "cp1251"),
    ("Η κυβέρνηση ανακοίνωσε την Τετάρτη νέα μέτρα για την οικονομία.\n", "cp1253"),
    ("Rząd ogłosił w środę nowe środki wsparcia dla gospodarki, powiedział minister.\n", "cp1250"),
    ("Hükümet çarşamba günü ekonomiyi desteklemek için yeni önlemler açıkladı.\n", "cp1254"),
    ("政府は水曜日、経済を支援するための新たな措置を発表した。\n", "shift_jis"),
    ("中国政府周三宣布了支持经济的新措施。\n", "gb2312"),
], ids=["ru", "el", "pl", "tr", "ja", "zh"])
def test_other_legacy_encodings_are_not_read_as_cp1252(text: str, encoding: str) -> None:
    assert decode(text.encode(encoding), LIMIT) == text


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_utf16_and_utf32(encoding: str) -> None:
    text = FRENCH + QUOTES + GERMAN
    assert decode(text.encode(encoding), LIMIT) == text


def test_html_declared_latin1_means_cp1252() -> None:
    page = '<html><head><meta charset="iso-8859-1"><title>t</title></head><body><p>“Quoted” café</p></body></html>'
    assert "“Quoted” café" in decode(page.encode("cp1252"), LIMIT)


def test_html_that_lies_about_utf8_is_still_read() -> None:
    page = '<html><head><meta charset="utf-8"><title>t</title></head><body><p>Straße in München</p></body></html>'
    assert "Straße in München" in decode(page.encode("cp1252"), LIMIT)


def test_unknown_declared_charset_falls_back_to_detection() -> None:
    page = '<html><head><meta charset="x-no-such-charset"></head><body><p>Ça va très bien, merci.</p></body></html>'
    assert "Ça va très bien" in decode(page.encode("latin-1"), LIMIT)


# --- a page already read as ISO-8859-1 (what `requests` does when the HTTP header names no charset) ---


def _page(charset: str, body: str) -> str:
    return f'<html><head><meta charset="{charset}"><title>t</title></head><body><p>{body}</p></body></html>'


@pytest.mark.parametrize("reading", ["latin-1", "cp1252"])
def test_a_utf8_page_read_as_latin1_is_read_again_as_utf8(reading: str) -> None:
    page = _page("utf-8", "It’s a café — naïve, €5. " + GERMAN)
    misread = page.encode("utf-8").decode(reading)
    assert "Ã©" in misread
    assert decode(misread, LIMIT) == page


def test_a_gbk_page_read_as_latin1_is_read_again_as_declared() -> None:
    page = '<meta http-equiv="Content-Type" content="text/html; charset=gb2312"><p>一个约定，信守15年，感人至深。</p>'
    assert decode(page.encode("gb2312").decode("latin-1"), LIMIT) == page


def test_a_shift_jis_page_read_as_cp1252_is_read_again() -> None:
    # a Shift_JIS character may begin with a byte windows-1252 reads as one of its letters above U+00FF
    page = '<meta charset="shift_jis"><p>a アイウ日本の</p>'
    misread = page.encode("shift_jis").decode("cp1252")
    assert "ƒ" in misread
    assert decode(misread, LIMIT) == page


def test_a_cp1252_page_read_as_latin1_keeps_its_quotes() -> None:
    page = _page("windows-1252", "“Quoted” — it cost €5")
    misread = page.encode("cp1252").decode("latin-1")  # the quotes became C1 control characters
    assert decode(misread, LIMIT) == page


@pytest.mark.parametrize("page", [
    _page("utf-8", "Un café à Paris, très naïf."),  # Latin-1 letters, but no UTF-8 they could be the reading of
    _page("iso-8859-1", "Ã© stays as it is: the page says Latin-1"),
    _page("utf-8", "Ã© and ’: a character no Latin-1 reading makes"),
    "Text with no declared charset: Ã© stays.",
], ids=["latin1-letters", "declared-latin1", "beyond-cp1252", "undeclared"])
def test_text_that_is_no_misreading_is_kept(page: str) -> None:
    assert decode(page, LIMIT) == page


@given(st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=60))
def test_any_utf8_page_read_as_latin1_comes_back(text: str) -> None:
    page = _page("utf-8", text)
    # a page that is itself such a reading ("Â\xa0" is how U+00A0 reads) is read again too: see below
    assume(_undo_latin1_reading(page) == page)
    assert decode(page.encode("utf-8").decode("latin-1"), LIMIT) == page


def test_text_that_is_exactly_a_misreading_is_taken_for_one() -> None:
    # The price of the rule: a UTF-8 page whose only non-ASCII text reads as UTF-8 bytes. Real text
    # has other letters too ("café" ends any such reading).
    assert decode(_page("utf-8", "Â\xa0"), LIMIT) == _page("utf-8", "\xa0")
    assert decode(_page("utf-8", "Â\xa0 café"), LIMIT) == _page("utf-8", "Â\xa0 café")


def test_html_mode_cleans_the_page_read_again() -> None:
    paragraphs = "".join(f"<p>Die Straße in München wurde am {n}. März gesperrt, sagte die Polizei am Mittwoch.</p>"
                         for n in range(1, 6))
    page = (f'<html><head><meta charset="utf-8"><title>Straße gesperrt</title></head>'
            f'<body><article>{paragraphs}</article></body></html>')
    misread = page.encode("utf-8").decode("latin-1")
    for raw in (misread, misread.encode("utf-8")):  # as a str, and as the file a scraper saved it to
        article = clean(raw, format="html")
        assert article.title == "Straße gesperrt"
        assert article.paragraphs and all("Straße in München" in p for p in article.paragraphs)


def test_invalid_utf8_never_raises() -> None:
    data = b"Valid start. \xff\xfe\xfd broken \xc3 middle \xe2\x82 end.\n" * 5
    text = decode(data, LIMIT)
    assert text.startswith("Valid start.") and "end." in text


def test_a_few_nul_bytes_in_text_are_dropped() -> None:
    text = decode(b"Hello\x00 world.\nA second\x00 line of text here.", LIMIT)
    assert text == "Hello world.\nA second line of text here."


# --- refusals ----------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["", b"", "   \n\t  \n", b" \r\n \r\n", "\x00\x00", "\ufeff", b"\xef\xbb\xbf"])
def test_empty_or_blank(raw: str | bytes) -> None:
    with pytest.raises(EmptyInputError):
        decode(raw, LIMIT)


BINARY = {
    "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10",
    "jpeg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
    "gif": b"GIF89a\x01\x00\x01\x00\x80\x00\x00",
    "pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
    "gzip": gzip.compress(b"<html><body><p>compressed page</p></body></html>"),
    "zip": b"PK\x03\x04\x14\x00\x00\x00\x08\x00",
    "elf": b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 16,
    "exe": b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00",
    "wav": b"RIFF\x24\x08\x00\x00WAVEfmt \x10\x00\x00\x00",
    "random": bytes(range(256)) * 8,
}


@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_is_refused(name: str) -> None:
    with pytest.raises(BinaryInputError):
        decode(BINARY[name], LIMIT)


@pytest.mark.parametrize("text", ["MZ Wallace unveils a new bag line for spring.", "ID3 tags explained for beginners.",
                                  "RIFF raff and other old words, explained by a linguist."])
def test_text_that_starts_like_a_magic_number_is_text(text: str) -> None:
    assert decode(text.encode("ascii"), LIMIT) == text


def test_a_file_of_nul_bytes_is_binary() -> None:
    with pytest.raises(BinaryInputError):
        decode(b"\x00" * 4096, LIMIT)


def test_over_the_limit_bytes() -> None:
    with pytest.raises(InputTooLargeError) as info:
        decode(b"a" * 101, 100)
    assert (info.value.size, info.value.limit) == (101, 100)
    assert "101" in str(info.value) and "100" in str(info.value)


def test_over_the_limit_str_counts_utf8_bytes() -> None:
    assert decode("é" * 50, 100) == "é" * 50  # 100 bytes: at the limit
    with pytest.raises(InputTooLargeError) as info:
        decode("é" * 51, 100)
    assert info.value.size == 102


def test_the_limit_is_checked_before_any_work() -> None:
    start = time.perf_counter()
    with pytest.raises(InputTooLargeError):
        decode(b"\x89PNG" + b"x" * 20_000_000, 1000)
    assert time.perf_counter() - start < 0.5


# --- format ------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "<!DOCTYPE html><html><body><p>x</p></body></html>",
    "<html lang='en'><head><title>t</title></head><body>x</body></html>",
    "  \n<p>First paragraph.</p>\n<p>Second paragraph.</p>",
    "<div class='article'>Text only inside a div</div>",
    "<!doctype HTML>\n<HTML><BODY><P>upper case</P></BODY></HTML>",
    "<article><h1>Title</h1><p>Body.</p></article>",
])
def test_sniff_html(text: str) -> None:
    assert sniff_format(text) is Format.HTML


@pytest.mark.parametrize("text", [
    "Plain title\nPlain body text, with no markup at all.",
    "Prices rose 3% <in real terms> compared with last year.",
    "The council said x < y and y > z in its report.",
    "<<< Back to news\nHeadline here\nBody.",
    "Email <editor@example.com> for corrections.",
    "He wrote about the <p> tag in one line of text.",
])
def test_sniff_text(text: str) -> None:
    assert sniff_format(text) is Format.TEXT


@pytest.mark.parametrize(("value", "expected"), [
    ("auto", None), ("text", Format.TEXT), ("html", Format.HTML),
    (Format.TEXT, Format.TEXT), (Format.HTML, Format.HTML),
])
def test_parse_format(value: str | Format, expected: Format | None) -> None:
    assert parse_format(value) is expected


@pytest.mark.parametrize("value", ["", "HTML", "txt", "markdown", "pdf", " text"])
def test_parse_format_refuses_unknown_values(value: str) -> None:
    with pytest.raises(OptionsError) as info:
        parse_format(value)
    assert info.value.field == "format"
    assert repr(value) in str(info.value)
