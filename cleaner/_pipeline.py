"""`clean()`: the pipeline, one call per stage.

    decode -> (html: extract) -> lines -> language -> line classifier
           -> title -> subtitle and dateline -> article
"""

from __future__ import annotations

import re

from . import _body, _dateline, _language, _phrases, _repeats, _title
from ._classify import score_lines
from ._decode import decode, parse_format, sniff_format, unix_newlines
from ._model import Article, Category, Dateline, Format, Metadata, RemovedLine
from ._options import Options

# When the extractor found little (see _html.SMALL_EXTRACTION_WORDS), the whole page's text, cleaned,
# is the article instead if it holds this many times the words (3 pages of 1233 in bench/: one the
# extractor found empty, two where it found a menu or a caption; none chosen there is worse).
WHOLE_PAGE_GAIN = 5
# Lines of this many words or fewer, dropped by the model, are menu entries.
NAVIGATION_MAX_WORDS = 4
# What a line holding no visible character holds: zero-width marks and white space (all that
# str.isspace() calls so, up to U+3000; str.strip reads them in C).
BLANK_CHARS = _title.INVISIBLE_CHARS + "".join(c for c in map(chr, range(0x3001)) if c.isspace())
# A standfirst is a real sentence, not a label.
SUBTITLE_MIN_WORDS = 5
# What stands before the name in a line the byline rule (data/boilerplate.tsv) removed.
BYLINE_LEAD = re.compile(r"(?:(?:written|posted|words|reported|story)\s+)?(?:by|von|par|por|door|autor|auteur|author)\b"
                         r"\s*:?\s*(?:by\s+)?", re.IGNORECASE)  # "Written by by Jane": a link's text after the label


def clean(raw: str | bytes, format: str | Format = "auto", url: str | None = None,
          options: Options | None = None) -> Article:
    """Clean one scraped article given as text or HTML (str or bytes).

    Raises a `CleanerError` subclass for input that cannot be cleaned.
    """
    opts = options or Options()
    hint = parse_format(format)
    text = decode(raw, opts.max_input_bytes)
    fmt = hint or sniff_format(text)
    if fmt is Format.HTML:
        from . import _html  # here: trafilatura takes 0.3 s to import, which text input never needs

        page = _html.extract(text, url, opts.html_engine)
        lines, extracted = page.lines, True
        if page.page_lines is not None and _finds_more(page.page_lines, page.lines):
            lines, extracted = page.page_lines, False
        title = _title.from_html(page.page_title, page.headings, page.site_name)
        meta = Metadata(author=page.author, published=page.published, site_name=page.site_name,
                        language=page.language, url=url or "")
    else:
        lines, extracted = [ln.strip() for ln in unix_newlines(text).split("\n")], False
        title, meta = "", Metadata(url=url or "")
    return _assemble(lines, title, meta, fmt, opts, extracted)


def _assemble(raw_lines: list[str], html_title: str, meta: Metadata, fmt: Format, opts: Options,
              extracted: bool) -> Article:
    """The article from the document's lines; `extracted`: they are an extractor's main content
    (so only known leftovers go), not a whole text with its menus and footers."""
    numbered = [(n, ln) for n, ln in enumerate(raw_lines, 1) if ln]
    lines = [ln for _, ln in numbered]
    if extracted:
        language = "" if meta.language else _language.detect(lines)  # the page may say it
        # The extractor already chose the main content; on it, the line classifier
        # removed more body than leftovers (measured), so only known leftovers go.
        from ._html import may_be_leftover

        phrases = [_phrases.match(line) if may_be_leftover(line) else None for line in lines]
        keep = [phrase is None for phrase in phrases]
    else:
        language = _language.detect(lines)
        scored = score_lines(lines, language)
        keep = _body.select(scored)
        phrases = [info.phrase for info in scored.infos]

    title = html_title
    title_index: int | None = None
    if fmt is Format.TEXT:
        body_start = next((i for i, k in enumerate(keep) if k), len(lines))
        title_index = _title.title_line(lines, body_start)
        if title_index is not None:
            title = _title.strip_site_name(lines[title_index])
            keep[title_index] = False
    kept = [i for i, k in enumerate(keep) if k]
    # The title repeated at the top of the body (an <h1> inside the text) is not body.
    title_repeats = {i for i in kept[:3] if title and lines[i] == title}
    kept = [i for i in kept if i not in title_repeats]
    copies = {kept[j] for j in _repeats.repeated_blocks([lines[i] for i in kept])}
    # A line of zero-width characters only (a page builder's spacer) is no paragraph; it stays
    # out of the line model's leftovers, as such lines stand between an article's paragraphs.
    blank = {i for i in kept if not lines[i].strip(BLANK_CHARS)}
    kept = [i for i in kept if i not in copies and i not in blank]

    subtitle, dateline, paragraphs = _split_head([lines[i] for i in kept])
    if not meta.language and language:
        meta = _with(meta, language=_language.ISO_CODES.get(language, ""))
    if not meta.author:
        meta = _with(meta, author=_author(lines, keep, phrases))

    removed: list[RemovedLine] = []
    if opts.include_removed:
        kept_set = set(kept)
        for i, (number, line) in enumerate(numbered):
            if i in kept_set or i == title_index:
                continue
            phrase = phrases[i]
            if line == title:  # kept at the top, or dropped by the model: the same leftover
                category, rule = Category.TEMPLATE, "title-repeat"
            elif i in copies:
                category, rule = Category.TEMPLATE, "repeated-block"
            elif i in blank:
                category, rule = Category.TEMPLATE, "blank"
            elif phrase is not None:
                category, rule = phrase[0], f"phrase:{phrase[1]}"
            else:
                category = Category.NAVIGATION if len(line.split()) <= NAVIGATION_MAX_WORDS else Category.OTHER
                rule = "line-model"
            removed.append(RemovedLine(line, category, rule, number))
    return Article(title=title, subtitle=subtitle, dateline=dateline, paragraphs=paragraphs,
                   removed=removed, metadata=meta, format=fmt)


def _finds_more(page_lines: list[str], extracted: list[str]) -> bool:
    """Whether cleaning the whole page's text finds WHOLE_PAGE_GAIN times the words the extractor did."""
    enough = WHOLE_PAGE_GAIN * sum(len(line.split()) for line in extracted)
    counts = [len(line.split()) for line in page_lines]
    if sum(n for n in counts if n > NAVIGATION_MAX_WORDS) <= enough:  # menus alone make no article
        return False
    found = _body.select(score_lines(page_lines, _language.detect(page_lines)))
    return sum(n for n, kept in zip(counts, found, strict=True) if kept) > enough


def _split_head(body: list[str]) -> tuple[str, Dateline | None, list[str]]:
    """(subtitle, dateline, paragraphs): the dateline opens the first or second
    paragraph; a lone paragraph before a dateline is the standfirst."""
    for k in range(min(2, len(body))):
        dateline, rest = _dateline.split(body[k])
        if dateline is None:
            continue
        if k == 1 and len(body[0].split()) < SUBTITLE_MIN_WORDS:
            return "", None, body
        subtitle = body[0] if k == 1 else ""
        paragraphs = ([rest] if rest else []) + body[k + 1:]
        return subtitle, dateline, paragraphs
    return "", None, body


def _author(lines: list[str], keep: list[bool], phrases: list[tuple[Category, str] | None]) -> str:
    """The name in the first removed byline ("By Jane Doe, Staff Reporter"), or ""."""
    for line, kept, phrase in zip(lines, keep, phrases, strict=True):
        if not kept and phrase is not None and phrase[1] == "byline":
            return BYLINE_LEAD.sub("", line, count=1).strip(" ,|")
    return ""


def _with(meta: Metadata, **changes: str) -> Metadata:
    return Metadata(**{**meta.to_dict(), **changes})
