"""`cleaner clean FILE|-`: clean one document and print it."""

from __future__ import annotations

import argparse
import codecs
import json
import os
import sys
from typing import Any

from ._errors import CleanerError
from ._model import Article
from ._options import Options
from ._pipeline import clean


def add_parser(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "clean", help="clean one document and print it",
        description="Clean one scraped article (text or HTML) and print the result.",
    )
    p.add_argument("file", metavar="FILE", help="the document to clean, or - for standard input")
    p.add_argument("--format", choices=("auto", "text", "html"), default="auto", help="input format (default: detect)")
    p.add_argument("--url", help="the page's URL, recorded in the metadata (never fetched)")
    p.add_argument("--json", action="store_true", help="print the article as JSON")
    p.add_argument("--no-removed", action="store_true", help="do not list the removed lines")
    p.add_argument("--fast", action="store_true", help="HTML: use the fast extractor (resiliparse)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        raw = sys.stdin.buffer.read() if args.file == "-" else _read(args.file)
    except OSError as exc:
        print(f"cleaner: cannot read {args.file}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    options = Options(include_removed=not args.no_removed, html_engine="fast" if args.fast else "trafilatura")
    try:
        article = clean(raw, format=args.format, url=args.url, options=options)
    except CleanerError as exc:
        print(f"cleaner: {args.file}: {exc}", file=sys.stderr)
        return 1
    out = json.dumps(article.to_dict(), ensure_ascii=False, indent=2) + "\n" if args.json else render(article)
    return _write(out)


def _write(text: str) -> int:
    """Print `text`; a terminal that cannot show a character gets an escape, a closed pipe ends quietly."""
    stream = sys.stdout
    try:
        encoding = codecs.lookup(getattr(stream, "encoding", None) or "utf-8").name
        if encoding != "utf-8":
            text = text.encode(encoding, "backslashreplace").decode(encoding)
        stream.write(text)
        stream.flush()
    except BrokenPipeError:
        # the reader went away (`cleaner clean x | head`): not an error; keep Python from complaining at exit
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)
    return 0


def _read(path: str) -> bytes:
    with open(path, "rb") as f:
        return f.read()


def render(article: Article) -> str:
    """The article as a person reads it: fields, body, then what was removed."""
    out = [f"Title:    {article.title}"]
    if article.subtitle:
        out.append(f"Subtitle: {article.subtitle}")
    if article.dateline:
        d = article.dateline
        parts = [f"{k}={v!r}" for k, v in (("location", d.location), ("agency", d.agency), ("date", d.date)) if v]
        out.append(f"Dateline: {d.raw!r} ({', '.join(parts)})")
    meta = [f"{k}={v}" for k, v in article.metadata.to_dict().items() if v]
    if meta:
        out.append("Metadata: " + ", ".join(meta))
    out.append("")
    out.append(article.body)
    if article.removed:
        out.append("")
        out.append(f"Removed {len(article.removed)} line(s):")
        out.extend(f"  {r.line:>4} [{r.category.value}/{r.rule}] {r.text}" for r in article.removed)
    return "\n".join(out) + "\n"
