"""`clean()`: the pipeline, one call per stage. (placeholder body; engine in progress)"""

from __future__ import annotations

from ._decode import decode, parse_format, sniff_format
from ._model import Article, Format, Metadata
from ._options import Options


def clean(raw: str | bytes, format: str | Format = "auto", url: str | None = None,
          options: Options | None = None) -> Article:
    """Clean one scraped article given as text or HTML (str or bytes)."""
    opts = options or Options()
    fmt = parse_format(format)
    text = decode(raw, opts.max_input_bytes)
    fmt = fmt or sniff_format(text)
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    return Article(title=lines[0], subtitle="", dateline=None, paragraphs=lines[1:], removed=[],
                   metadata=Metadata(url=url or ""), format=fmt)
