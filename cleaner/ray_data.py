"""Clean a corpus larger than one machine with Ray Data (optional: ``pip install 'ray[data]'``).

    import ray
    from cleaner.ray_data import CleanBatch

    ds = ray.data.read_json("s3://bucket/docs/")       # rows: id, text or html, url
    cleaned = ds.map_batches(CleanBatch, concurrency=64, batch_size=64)
    cleaned.write_parquet("s3://bucket/cleaned/")

`CleanBatch` is a callable class, so Ray runs it in long-lived actors, each
holding its cleaner; this module itself never imports ray. Each input row
gives its document in an ``html``, ``text`` or ``bytes`` column (the first
that is set, in that order; ``bytes`` is what `ray.data.read_binary_files`
gives, with the format detected) and optionally ``id`` (else ``path``) and
``url``. Each output row has the columns of `OUTPUT_COLUMNS`: the main fields
flat, the whole article as JSON in ``article``, and a failure in ``error_type``
and ``error`` instead of an exception, so one bad document never fails a job.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from ._model import Article
from ._options import Options
from ._pipeline import clean

OUTPUT_COLUMNS = ("id", "ok", "title", "subtitle", "dateline", "body", "article", "error_type", "error")
_SOURCES = (("html", "html"), ("text", "text"), ("bytes", "auto"))


class CleanBatch:
    """`map_batches` callable: a batch of documents (column -> values) in, a batch of cleaned rows out."""

    def __init__(self, options: Options | None = None) -> None:
        self.options = options or Options()

    def __call__(self, batch: Mapping[str, Sequence[Any]]) -> dict[str, list[Any]]:
        size = len(next(iter(batch.values()))) if batch else 0
        out: dict[str, list[Any]] = {name: [] for name in OUTPUT_COLUMNS}
        for i in range(size):
            row = self._row({k: _plain(v[i]) for k, v in batch.items()}, i)
            for name in OUTPUT_COLUMNS:
                out[name].append(row[name])
        return out

    def _row(self, row: Mapping[str, Any], index: int) -> dict[str, Any]:
        ident = str(row.get("id") or row.get("path") or index)
        empty = dict.fromkeys(OUTPUT_COLUMNS, "")
        try:
            raw, fmt = next((row[col], fmt) for col, fmt in _SOURCES if row.get(col) is not None)
        except StopIteration:
            return {**empty, "id": ident, "ok": False, "error_type": "InvalidRecordError",
                    "error": "a row needs an 'html', 'text' or 'bytes' column"}
        try:
            article = clean(raw, format=fmt, url=row.get("url") or None, options=self.options)
        except Exception as exc:  # one bad document must not fail the whole job
            return {**empty, "id": ident, "ok": False, "error_type": type(exc).__name__, "error": str(exc)}
        return {**empty, "id": ident, "ok": True, **_fields(article)}


def _fields(article: Article) -> dict[str, Any]:
    return {"title": article.title, "subtitle": article.subtitle, "body": article.body,
            "dateline": article.dateline.raw if article.dateline else "",
            "article": json.dumps(article.to_dict(), ensure_ascii=False)}


def _plain(value: Any) -> Any:
    """A numpy scalar as the Python value it holds (numpy is Ray's, not ours)."""
    item = getattr(value, "item", None)
    return item() if callable(item) and not isinstance(value, (str, bytes)) else value
