"""Conversion between `cleaner` objects and `cleaner.v1` messages.

The one place both the server and the client helper translate: library types
to proto and back, exceptions to `CleanError` and back. Imports protobuf, so
`cleaner/__init__.py` must never import it.
"""

from __future__ import annotations

from ._errors import (
    BinaryInputError,
    CleanerError,
    EmptyInputError,
    InputError,
    InputTooLargeError,
    OptionsError,
)
from ._model import Article, Category, Dateline, Format, Metadata, RemovedLine
from ._options import DEFAULT_MAX_INPUT_BYTES, Options
from .v1 import cleaner_pb2 as pb

# Enum maps built from the closed Python enums, so a new member without a
# proto value fails at import, not at run time.
_CATEGORY_TO_PB: dict[Category, pb.Category.ValueType] = {c: pb.Category.Value(f"CATEGORY_{c.name}") for c in Category}
_CATEGORY_FROM_PB: dict[int, Category] = {int(v): c for c, v in _CATEGORY_TO_PB.items()}
_FORMAT_TO_PB: dict[Format, pb.Format.ValueType] = {f: pb.Format.Value(f"FORMAT_{f.name}") for f in Format}
_FORMAT_FROM_PB: dict[int, Format] = {int(v): f for f, v in _FORMAT_TO_PB.items()}
_ENGINE_FROM_PB: dict[int, str | None] = {
    pb.HTML_ENGINE_UNSPECIFIED: None,
    pb.HTML_ENGINE_TRAFILATURA: "trafilatura",
    pb.HTML_ENGINE_FAST: "fast",
}
_ENGINE_TO_PB: dict[str, pb.HtmlEngine.ValueType] = {
    "trafilatura": pb.HTML_ENGINE_TRAFILATURA,
    "fast": pb.HTML_ENGINE_FAST,
}

# --- articles -------------------------------------------------------------


def article_into_proto(dst: pb.Article, a: Article) -> None:
    """Fill `dst` (e.g. `result.article` of a batch response) in place.

    The server's hot path: passing sub-messages to constructors copies them
    (about 10x slower for a batch), so fields are set where they will live.
    """
    dst.title = a.title
    dst.subtitle = a.subtitle
    if a.dateline is not None:
        d = a.dateline
        dl = dst.dateline
        dl.raw, dl.location, dl.agency, dl.date = d.raw, d.location, d.agency, d.date
    dst.body = a.body
    dst.paragraphs.extend(a.paragraphs)
    add = dst.removed.add
    for r in a.removed:
        add(text=r.text, category=_CATEGORY_TO_PB[r.category], rule=r.rule, line=r.line)
    m = a.metadata
    md = dst.metadata
    md.author, md.published, md.site_name, md.language, md.url = m.author, m.published, m.site_name, m.language, m.url
    dst.format = _FORMAT_TO_PB[a.format]


def article_to_proto(a: Article) -> pb.Article:
    msg = pb.Article()
    article_into_proto(msg, a)
    return msg


def article_from_proto(m: pb.Article) -> Article:
    """Back to the library type; unknown enum values (a newer server) degrade gracefully."""
    d = m.dateline
    md = m.metadata
    return Article(
        title=m.title,
        subtitle=m.subtitle,
        dateline=Dateline(raw=d.raw, location=d.location, agency=d.agency, date=d.date)
        if m.HasField("dateline")
        else None,
        paragraphs=list(m.paragraphs),
        removed=[
            RemovedLine(text=r.text, category=_CATEGORY_FROM_PB.get(r.category, Category.OTHER), rule=r.rule,
                        line=r.line)
            for r in m.removed
        ],
        metadata=Metadata(author=md.author, published=md.published, site_name=md.site_name, language=md.language,
                          url=md.url),
        format=_FORMAT_FROM_PB.get(m.format, Format.TEXT),
    )


# --- requests -------------------------------------------------------------


def format_to_proto(value: str | Format) -> pb.Format.ValueType:
    """"auto" (or "") is FORMAT_UNSPECIFIED; anything unknown is an OptionsError, as in `clean()`."""
    if isinstance(value, Format):
        return _FORMAT_TO_PB[value]
    if value in ("auto", ""):
        return pb.FORMAT_UNSPECIFIED
    try:
        return _FORMAT_TO_PB[Format(value)]
    except ValueError:
        raise OptionsError("format", f"unknown format {value!r}; use 'auto', 'text' or 'html'") from None


def format_from_proto(value: int) -> str:
    """The `format` argument of `clean()` for a request's hint."""
    if value == pb.FORMAT_UNSPECIFIED:
        return "auto"
    try:
        return _FORMAT_FROM_PB[value].value
    except KeyError:
        raise OptionsError("format", f"unknown format value {value}") from None


def document_into_proto(dst: pb.Document, raw: str | bytes, format: str | Format = "auto", url: str | None = None,
                        id: str = "") -> None:
    """Fill a request document in place; str goes as `text`, bytes as `data` (charset detected server-side).

    Raises OptionsError (bad format or raw type) before touching `dst`."""
    fmt = format_to_proto(format)
    if not isinstance(raw, (str, bytes, bytearray, memoryview)):
        raise OptionsError("raw", f"expected str or bytes, got {type(raw).__name__}")
    if isinstance(raw, str):
        dst.text = raw
    else:
        dst.data = bytes(raw)
    dst.format = fmt
    dst.url = url or ""
    dst.id = id


def document_to_proto(raw: str | bytes, format: str | Format = "auto", url: str | None = None,
                      id: str = "") -> pb.Document:
    doc = pb.Document()
    document_into_proto(doc, raw, format, url, id)
    return doc


def raw_from_proto(doc: pb.Document) -> str | bytes:
    """The document's content; a document with neither text nor data is empty."""
    which = doc.WhichOneof("content")
    if which == "text":
        return doc.text
    if which == "data":
        return doc.data
    raise EmptyInputError("document has no content: set text or data")


def raw_field(doc: pb.Document) -> str:
    """The name of the content field that was set ("content" for neither), for error reports."""
    return doc.WhichOneof("content") or "content"


def options_to_proto(options: Options | None) -> pb.CleanOptions | None:
    if options is None:
        return None
    return pb.CleanOptions(include_removed=options.include_removed, html_engine=_ENGINE_TO_PB[options.html_engine])


def options_from_proto(m: pb.CleanOptions | None, max_input_bytes: int = DEFAULT_MAX_INPUT_BYTES) -> Options:
    """Request options over the server's limits; `max_input_bytes` is the server's, never the client's."""
    if m is None:
        return Options(max_input_bytes=max_input_bytes)
    engine = _ENGINE_FROM_PB.get(m.html_engine, "?")
    if engine == "?":
        raise OptionsError("options.html_engine", f"unknown html engine value {m.html_engine}")
    include = m.include_removed if m.HasField("include_removed") else True
    return Options(include_removed=include, max_input_bytes=max_input_bytes, html_engine=engine or "trafilatura")


# --- errors ---------------------------------------------------------------

# Most specific first: the first isinstance match wins.
_REASONS: tuple[tuple[type[CleanerError], pb.ErrorReason.ValueType], ...] = (
    (EmptyInputError, pb.ERROR_REASON_EMPTY_INPUT),
    (BinaryInputError, pb.ERROR_REASON_BINARY_INPUT),
    (InputTooLargeError, pb.ERROR_REASON_INPUT_TOO_LARGE),
    (InputError, pb.ERROR_REASON_INVALID_INPUT),
    (OptionsError, pb.ERROR_REASON_INVALID_OPTION),
)


def error_to_proto(exc: CleanerError, raw_field: str = "content") -> pb.CleanError:
    """A library error as a per-document `CleanError`; `raw_field` names the content field."""
    reason = next((r for t, r in _REASONS if isinstance(exc, t)), pb.ERROR_REASON_INTERNAL)
    field = getattr(exc, "field", "")
    if field == "raw":
        field = raw_field
    err = pb.CleanError(reason=reason, field=field, message=bare_message(exc))
    if isinstance(exc, InputTooLargeError):
        err.size = exc.size
        err.limit = exc.limit
    return err


def bare_message(exc: CleanerError) -> str:
    """The message without the "field: " prefix OptionsError puts in front."""
    text = str(exc)
    field = getattr(exc, "field", "")
    return text.removeprefix(f"{field}: ") if isinstance(exc, OptionsError) else text


def error_from_proto(e: pb.CleanError) -> CleanerError:
    """Rebuild the library exception a `CleanError` stands for."""
    exc: CleanerError
    if e.reason == pb.ERROR_REASON_INPUT_TOO_LARGE:
        exc = InputTooLargeError(e.size, e.limit)
    elif e.reason == pb.ERROR_REASON_INVALID_OPTION:
        exc = OptionsError(e.field, e.message)
    else:
        cls: type[CleanerError] = {
            pb.ERROR_REASON_EMPTY_INPUT: EmptyInputError,
            pb.ERROR_REASON_BINARY_INPUT: BinaryInputError,
            pb.ERROR_REASON_INVALID_INPUT: InputError,
        }.get(e.reason, CleanerError)
        exc = cls(e.message)
        if isinstance(exc, InputError) and e.field:
            exc.field = e.field
    return exc


def reason_name(reason: int) -> str:
    """"EMPTY_INPUT" for ERROR_REASON_EMPTY_INPUT: the google.rpc.ErrorInfo reason."""
    return pb.ErrorReason.Name(reason).removeprefix("ERROR_REASON_")  # type: ignore[arg-type]


def reason_from_name(name: str) -> pb.ErrorReason.ValueType:
    try:
        return pb.ErrorReason.Value("ERROR_REASON_" + name)
    except ValueError:
        return pb.ERROR_REASON_INTERNAL
