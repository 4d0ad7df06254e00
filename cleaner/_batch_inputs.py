"""Batch inputs: turn the INPUT arguments into a stream of `Task`s.

Only names travel here: a file task carries its path and a JSONL task the raw
line, so the parent process does no reading of file bodies and no JSON
parsing; the workers do that, in parallel.
"""

from __future__ import annotations

import fnmatch
import gzip
import os
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import BinaryIO, Literal

STDIN = "-"
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")
_FORMAT_BY_SUFFIX = {".html": "html", ".htm": "html", ".xhtml": "html", ".txt": "text", ".text": "text"}


@dataclass(frozen=True, slots=True)
class Task:
    """One document to clean.

    `source` is its key, unique within a run and stable across runs given the
    same arguments: the normalised file path, or ``PATH:LINE`` for a JSONL
    record (``-:LINE`` on stdin). `data` is the path (file) or line (record).
    `error` is set when the input could not even be read.
    """

    source: str
    kind: Literal["file", "record"]
    data: str | bytes
    format: str = "auto"
    error: tuple[str, str] | None = None


def missing_inputs(inputs: Sequence[str]) -> list[str]:
    """The inputs that do not exist (checked before a run starts)."""
    return [i for i in inputs if i != STDIN and not os.path.exists(i)]


def is_jsonl(path: str) -> bool:
    return path.lower().endswith(JSONL_SUFFIXES)


def file_format(path: str, forced: str = "auto") -> str:
    """The format to clean a file with: `forced` unless "auto", else from its suffix."""
    if forced != "auto":
        return forced
    name = path.lower().removesuffix(".gz")
    return _FORMAT_BY_SUFFIX.get(os.path.splitext(name)[1], "auto")


def iter_tasks(inputs: Sequence[str], *, include: Sequence[str] = (), exclude: Sequence[str] = (),
               format: str = "auto", stdin: BinaryIO | None = None) -> Iterator[Task]:
    """Every document named by `inputs`, each source once, in a stable order.

    Files are deduplicated by path (a file named twice, or inside a folder also
    named, is read once), so memory grows with the number of files, not of records.
    """
    seen: set[str] = set()
    for item in inputs:
        if item == STDIN:
            if stdin is not None and STDIN not in seen:
                seen.add(STDIN)
                yield from _records(STDIN, stdin)
            continue
        paths = walk(item, include, exclude) if os.path.isdir(item) else [os.path.normpath(item)]
        for path in paths:
            if path not in seen:
                seen.add(path)
                yield from _file(path, format)


def _file(path: str, format: str) -> Iterator[Task]:
    if not is_jsonl(path):
        yield Task(path, "file", path, file_format(path, format))
        return
    try:
        with (gzip.open(path, "rb") if path.lower().endswith(".gz") else open(path, "rb")) as f:
            yield from _records(path, f)
    except (OSError, EOFError, zlib.error) as exc:  # unreadable, or a corrupt gzip: one failure, the run goes on
        yield Task(path, "record", b"", error=(type(exc).__name__, str(exc)))


def _records(name: str, lines: Iterable[bytes]) -> Iterator[Task]:
    for number, line in enumerate(lines, 1):
        if line.strip():
            yield Task(f"{name}:{number}", "record", line)


def walk(folder: str, include: Sequence[str] = (), exclude: Sequence[str] = ()) -> Iterator[str]:
    """Files under `folder`, recursively and sorted, hidden ones skipped.

    A glob matches the path relative to `folder` (``*`` crosses ``/``) or the
    file name; no `include` means every file.
    """
    root = os.path.normpath(folder)
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, root).replace(os.sep, "/")
            if include and not _matches(rel, name, include):
                continue
            if _matches(rel, name, exclude):
                continue
            yield path


def _matches(rel: str, name: str, globs: Sequence[str]) -> bool:
    return any(fnmatch.fnmatch(rel, g) or fnmatch.fnmatch(name, g) for g in globs)
