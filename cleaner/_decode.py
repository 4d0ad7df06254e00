"""Stage 1: bytes or str in, text out, with the format sniffed.

Bytes are decoded by charset-normalizer (BOM, declared charset in HTML, then
statistical detection); undecodable bytes become U+FFFD rather than an error.
Binary files are refused up front by their magic numbers and control bytes.
A page some tool already read as ISO-8859-1 though it declares another charset
(`requests` does so to any page whose HTTP header names none) is read again as
it declares (`_undo_latin1_reading`).
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

from ._errors import BinaryInputError, EmptyInputError, InputTooLargeError, OptionsError
from ._model import Format

# Magic numbers of binary formats scrapers save by mistake.
_BINARY_MAGIC = (
    b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"%PDF", b"\x1f\x8b", b"PK\x03\x04", b"7z\xbc\xaf", b"\x00\x00\x01\x00",
    b"\x7fELF", b"\x28\xb5\x2f\xfd", b"\xfd7zXZ",
)
# Magic numbers that are also plain letters ("MZ Wallace...", "RIFF raff"): binary
# only when control bytes follow soon after, as they do in the real formats.
_WEAK_MAGIC = (b"MZ", b"BZh", b"RIFF", b"OggS", b"fLaC", b"ID3", b"wOFF", b"wOF2")
_WEAK_MAGIC_WINDOW = 64
# Byte order marks, longest first (the UTF-32-LE mark starts with the UTF-16-LE one).
_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"),
)
# Single-byte codecs for Latin-script text, by their `codecs` names.
_LATIN_CODECS = frozenset({
    "cp1250", "cp1252", "cp1254", "cp1257", "latin-1", "iso8859-1", "iso8859-2", "iso8859-3", "iso8859-4",
    "iso8859-9", "iso8859-10", "iso8859-13", "iso8859-14", "iso8859-15", "iso8859-16", "cp437", "cp775",
    "cp850", "cp852", "cp857", "cp860", "cp861", "cp863", "cp865", "mac-roman", "mac-latin2", "mac-iceland",
    "mac-turkish",
})
# Central European and Turkish letters (ą ł ś ž ź ľ ş ğ ı ě ů) read as windows-1252 come out as
# signs inside words, or as letters Western languages put only at the end of one (Italian ì, ù).
_NOT_WESTERN = re.compile(r"\w[¹³¾±¿¼¶µþðÞÐ]|[¹³¾±¿¼¶µþðÞÐ]\w|[a-z][ìù][a-z]|[a-z]ý[a-z]")
# Guesses whose chaos is this close are equally good; then the commoner web charset wins.
_CHAOS_TIE = 0.01
_PREFERRED = ["cp1254", "cp1250", "iso8859-2", "cp1251", "cp1253", "cp1257", "iso8859-15", "koi8-r", "cp1255",
              "cp1256", "cp874", "gb18030", "big5", "cp932", "shift_jis", "euc_jp", "euc_kr", "cp949"]
# UTF-16 without a mark: at least this share of the high (or low) bytes of the
# head are 0 (Latin text), and almost none of the other half.
_UTF16_ZERO_SHARE = 0.4
# Share of C0 control bytes (bar tab, newlines, form feed) beyond which text is binary.
_MAX_CONTROL_SHARE = 0.10
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13))
_CHARSET_DECL = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)
_CHARSET_DECL_TEXT = re.compile(_CHARSET_DECL.pattern.decode("ascii"), re.I)
_HTML_SNIFF = re.compile(
    r"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<(?:p|div|article|meta|title|script|br|span|a)\b[^>]*>",
    re.I,
)
# Characters that never belong in text: C0 controls except tab/newline, DEL, C1,
# lone surrogates (only a str can hold them; no encoder accepts them).
_JUNK_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\x80-\x9f\ud800-\udfff]")
# The same characters seen in UTF-8: a scan of the bytes costs a third of the regex's over the str,
# and most documents have none.
_JUNK_BYTES = bytes([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x20), 0x7F])
_C1_UTF8 = re.compile(rb"\xc2[\x80-\x9f]")
# Declared charsets that browsers read as windows-1252 (WHATWG Encoding), as pages mean them.
_AS_CP1252 = frozenset({"iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "us-ascii", "ascii", "cp819",
                        "ibm819", "iso-ir-100", "windows-1252", "cp1252", "x-cp1252"})
# How much of the head to sniff; enough for any DOCTYPE/meta charset.
_SNIFF_BYTES = 4096


def _looks_binary(head: bytes) -> bool:
    if head.startswith(_BINARY_MAGIC):
        return True
    if not head:
        return False
    controls = sum(head.count(bytes([b])) for b in _CONTROL_BYTES)
    if head.startswith(_WEAK_MAGIC):
        window = head[:_WEAK_MAGIC_WINDOW]
        return any(bytes([b]) in window for b in _CONTROL_BYTES)
    return controls / len(head) > _MAX_CONTROL_SHARE


def decode(raw: str | bytes, max_bytes: int) -> str:
    """Return the document as text; raise an `InputError` when it cannot be."""
    if isinstance(raw, str):
        size = len(raw.encode("utf-8", "surrogatepass")) if len(raw) * 4 > max_bytes else len(raw)
        if size > max_bytes:
            raise InputTooLargeError(size, max_bytes)
        text = raw
    elif isinstance(raw, (bytes, bytearray, memoryview)):
        data = bytes(raw)
        if len(data) > max_bytes:
            raise InputTooLargeError(len(data), max_bytes)
        encoding = _unicode_encoding(data[:_SNIFF_BYTES])
        if encoding is not None:
            text = data.decode(encoding, errors="replace")
            if _looks_binary(text[:_SNIFF_BYTES].encode("utf-8", "replace")):
                raise BinaryInputError("document looks like binary data (image, PDF, archive...), not text or HTML")
        elif _looks_binary(data[:_SNIFF_BYTES]):
            raise BinaryInputError("document looks like binary data (image, PDF, archive...), not text or HTML")
        else:
            text = _decode_bytes(data)
    else:
        raise OptionsError("raw", f"expected str or bytes, got {type(raw).__name__}")
    text = _undo_latin1_reading(text)  # before the C1 characters such a reading makes are dropped below
    text = text.removeprefix("\ufeff")
    if _has_junk(text):
        text = _JUNK_CHARS.sub("", text)
    if not text or text.isspace():
        raise EmptyInputError("document is empty or holds only white space")
    return text


def unix_newlines(text: str) -> str:
    """CR LF and lone CR as LF: text input is read a line at a time. (HTML needs no such pass: its
    parser takes any line end as white space, and it cost 0.2 ms a page.)"""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _has_junk(text: str) -> bool:
    """Whether _JUNK_CHARS would remove anything from the text."""
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        return True
    return len(data.translate(None, _JUNK_BYTES)) != len(data) or _C1_UTF8.search(data) is not None


def _unicode_encoding(head: bytes) -> str | None:
    """UTF-8/16/32 named by a byte order mark, or UTF-16 seen by its zero bytes; else None."""
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding + ("-sig" if encoding == "utf-8" else "")
    pairs = len(head) // 2
    if pairs < 2:
        return None
    even_zero = sum(1 for i in range(0, 2 * pairs, 2) if head[i] == 0) / pairs
    odd_zero = sum(1 for i in range(1, 2 * pairs, 2) if head[i] == 0) / pairs
    if odd_zero >= _UTF16_ZERO_SHARE and even_zero < 0.02:
        return "utf-16-le"
    if even_zero >= _UTF16_ZERO_SHARE and odd_zero < 0.02:
        return "utf-16-be"
    return None


def _undo_latin1_reading(text: str) -> str:
    """The text read again in the charset its HTML head declares, when it is that page's bytes read
    as ISO-8859-1 (or windows-1252: "â€™" for "’") and they are valid in that charset; else unchanged.

    Valid is the evidence: prose read as Latin-1 almost never makes valid UTF-8 or GBK ("café"
    is not UTF-8: an é byte must lead two more bytes), while a misreading always does.
    """
    if text.isascii():
        return text
    declared = _CHARSET_DECL_TEXT.search(text, 0, _SNIFF_BYTES)
    if declared is None:
        return text
    codec = _declared_codec(declared.group(1))
    if codec is None or codec == "iso8859-1":
        return text
    try:
        data = text.encode("latin-1")
    except UnicodeEncodeError as beyond:
        # Read as windows-1252, the bytes 0x80-0x9f became its 27 letters above U+00FF (€ ’ “ ...).
        # In UTF-8 such a byte only continues a character begun by a byte of 0xc2 or more, so a
        # first one after plain ASCII ("it’s") is the page's own text. (Asking saves encoding the
        # whole page again, 0.6 ms on an average bench page; in GBK or Shift_JIS it may begin one.)
        at = beyond.start
        if codec == "utf-8" and (at == 0 or text[at - 1].isascii()):
            return text
        try:
            data = text.encode("cp1252")
        except UnicodeEncodeError:  # a character neither reading makes
            return text
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return text


def _decode_bytes(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = _CHARSET_DECL.search(data[:_SNIFF_BYTES])
    codec = _declared_codec(declared.group(1).decode("ascii")) if declared else None
    # a page that says UTF-8 (or UTF-16 with no mark) but is not: believe the bytes instead
    if codec is not None and not codec.startswith(("utf-8", "utf-16", "utf-32")):
        return data.decode(codec, errors="replace")
    return data.decode(_detect(data), errors="replace")


def _declared_codec(name: str) -> str | None:
    """The `codecs` name of a charset a page declares, the Latin-1 family read as windows-1252 (as
    browsers do); None for a name Python does not know."""
    name = name.lower()
    try:
        return codecs.lookup("cp1252" if name in _AS_CP1252 else name).name
    except LookupError:
        return None


def _detect(data: bytes) -> str:
    """The charset of bytes that are not UTF-8 and say nothing: windows-1252 for Western text
    (charset-normalizer cannot tell it from cp1250, cp1257 or DOS code pages on a short article,
    and gets French and curly quotes wrong), else charset-normalizer's guess, the common web
    charsets first among equals."""
    matches = list(charset_normalizer.from_bytes(data))
    best = min(matches, key=lambda m: m.chaos, default=None)
    if best is None or codecs.lookup(best.encoding).name in _LATIN_CODECS:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:  # bytes 0x81, 0x8d, 0x8f, 0x90, 0x9d are not cp1252
            text = ""
        if text and not _NOT_WESTERN.search(text):
            return "cp1252"
    if best is None:
        return "cp1252"
    near = [codecs.lookup(m.encoding).name for m in matches if m.chaos <= best.chaos + _CHAOS_TIE]
    near = [n for n in near if n != "cp1252"] or [codecs.lookup(best.encoding).name]
    return min(near, key=lambda n: _PREFERRED.index(n) if n in _PREFERRED else len(_PREFERRED))


def sniff_format(text: str) -> Format:
    """HTML when the head of the document has HTML markup, else text."""
    head = text[:_SNIFF_BYTES]
    tags = len(_HTML_SNIFF.findall(head))
    starts_with_tag = head.lstrip()[:1] == "<"
    return Format.HTML if tags >= 2 or (starts_with_tag and tags >= 1) else Format.TEXT


def parse_format(value: str | Format) -> Format | None:
    """Map the `format` argument to a Format, None meaning "detect"."""
    if isinstance(value, Format):
        return value
    if value == "auto":
        return None
    try:
        return Format(value)
    except ValueError:
        raise OptionsError("format", f"unknown format {value!r}; use 'auto', 'text' or 'html'") from None
