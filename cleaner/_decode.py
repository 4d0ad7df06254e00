"""Stage 1: bytes or str in, text out, with the format sniffed.

Bytes are decoded by charset-normalizer (BOM, declared charset in HTML, then
statistical detection); undecodable bytes become U+FFFD rather than an error.
Binary files are refused up front by their magic numbers and control bytes.
"""

from __future__ import annotations

import re

import charset_normalizer

from ._errors import BinaryInputError, EmptyInputError, InputTooLargeError, OptionsError
from ._model import Format

# Magic numbers of binary formats scrapers save by mistake.
_BINARY_MAGIC = (
    b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"%PDF", b"\x1f\x8b", b"PK\x03\x04", b"BZh",
    b"\xfd7zXZ", b"7z\xbc\xaf", b"RIFF", b"\x00\x00\x01\x00", b"OggS", b"fLaC", b"ID3",
    b"\x7fELF", b"MZ", b"wOFF", b"wOF2", b"\x28\xb5\x2f\xfd",
)
# Share of C0 control bytes (bar tab, newlines, form feed) beyond which text is binary.
_MAX_CONTROL_SHARE = 0.10
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13))
_CHARSET_DECL = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)
_HTML_SNIFF = re.compile(
    r"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<(?:p|div|article|meta|title|script|br|span|a)\b[^>]*>",
    re.I,
)
# Characters that never belong in text: C0 controls except tab/newline, DEL, C1.
_JUNK_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\x80-\x9f]")
# How much of the head to sniff; enough for any DOCTYPE/meta charset.
_SNIFF_BYTES = 4096


def _looks_binary(head: bytes) -> bool:
    if head.startswith(_BINARY_MAGIC):
        return True
    if not head:
        return False
    controls = sum(head.count(bytes([b])) for b in _CONTROL_BYTES)
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
        if _looks_binary(data[:_SNIFF_BYTES]):
            raise BinaryInputError("document looks like binary data (image, PDF, archive...), not text or HTML")
        text = _decode_bytes(data)
    else:
        raise OptionsError("raw", f"expected str or bytes, got {type(raw).__name__}")
    text = _JUNK_CHARS.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    if not text.strip():
        raise EmptyInputError("document is empty or holds only white space")
    return text


def _decode_bytes(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = _CHARSET_DECL.search(data[:_SNIFF_BYTES])
    if declared:
        try:
            return data.decode(declared.group(1).decode("ascii"), errors="replace")
        except LookupError:
            pass
    best = charset_normalizer.from_bytes(data).best()
    if best is not None:
        return str(best)
    return data.decode("utf-8", errors="replace")


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
