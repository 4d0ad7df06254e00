"""Batch work: load one task, clean it, render its output line.

Runs in the worker processes (or in the parent with one worker). Every
exception is caught per document: an engine bug becomes a failed line, never
a dead run.
"""

from __future__ import annotations

import gzip
import json
import signal
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import FrameType
from typing import Any

from ._batch_inputs import Task
from ._errors import InputTooLargeError
from ._model import Article
from ._options import Options

#: Largest file read for the service (`--server`): its default message limit; embedded runs use
#: the cleaning limit (`Options.max_input_bytes`).
MAX_READ_BYTES = 64 * 1024 * 1024

#: Anything with the signature of `cleaner.clean`.
CleanFn = Callable[..., Article]


class InvalidRecordError(ValueError):
    """A JSONL line that is not a document (bad JSON, no text or html...)."""


class DocumentTimeoutError(Exception):
    """Cleaning one document took longer than the batch's per-document limit."""


class WorkerCrashedError(Exception):
    """The worker process died while cleaning this document (a crash in native code, or out of memory)."""


class _ReadFailure(Exception):
    """An input that failed while it was listed; carries the original error's type name."""

    def __init__(self, type_name: str, message: str) -> None:
        super().__init__(message)
        self.type_name = type_name


@dataclass(frozen=True, slots=True)
class Doc:
    """A loaded document, ready for `clean()` or the service."""

    id: str
    raw: str | bytes
    format: str
    url: str | None


@dataclass(frozen=True, slots=True)
class Outcome:
    """One output line (UTF-8 JSON plus newline) and whether it is a success."""

    source: str
    ok: bool
    line: bytes


def load(task: Task, max_bytes: int = MAX_READ_BYTES) -> tuple[str, Doc | Exception]:
    """The task's id and its document, or the reason it cannot be loaded.

    A file (decompressed) over `max_bytes` is an `InputTooLargeError` without ever being held
    whole in memory: a 3 MB gzip bomb used to take 1.3 GB (and a large one, the worker)."""
    if task.error:
        return task.source, _ReadFailure(*task.error)
    if task.kind == "file":
        path = str(task.data)
        try:
            with (gzip.open(path, "rb") if path.lower().endswith(".gz") else open(path, "rb")) as f:
                raw = f.read(max_bytes + 1)
                if len(raw) > max_bytes:
                    size = len(raw)
                    del raw
                    while chunk := f.read(1 << 20):  # the true size, in bounded memory
                        size += len(chunk)
                    raise InputTooLargeError(size, max_bytes)
        except Exception as exc:
            return task.source, exc
        return task.source, Doc(task.source, raw, task.format, None)
    return _load_record(task)


def _load_record(task: Task) -> tuple[str, Doc | Exception]:
    try:
        obj = json.loads(task.data)
    except ValueError as exc:
        return task.source, InvalidRecordError(f"not a JSON line: {exc}")
    if not isinstance(obj, dict):
        return task.source, InvalidRecordError(f"expected a JSON object, got {type(obj).__name__}")
    ident = task.source if obj.get("id") in (None, "") else str(obj["id"])
    has_text, has_html = isinstance(obj.get("text"), str), isinstance(obj.get("html"), str)
    if has_text == has_html:
        which = "both" if has_text else "neither"
        return ident, InvalidRecordError(f"a record needs one string field 'text' or 'html'; it has {which}")
    url = obj.get("url")
    if url is not None and not isinstance(url, str):
        return ident, InvalidRecordError("'url' must be a string")
    raw: str = obj["html"] if has_html else obj["text"]
    return ident, Doc(ident, raw, "html" if has_html else "text", url)


def success(task: Task, ident: str, article: Article) -> Outcome:
    return Outcome(task.source, True, _line({"id": ident, "source": task.source, "ok": True,
                                             "article": article.to_dict()}))


def failure(task: Task, ident: str, exc: BaseException) -> Outcome:
    kind = exc.type_name if isinstance(exc, _ReadFailure) else type(exc).__name__
    error = {"type": kind, "message": str(exc)}
    return Outcome(task.source, False, _line({"id": ident, "source": task.source, "ok": False, "error": error}))


def _line(record: dict[str, Any]) -> bytes:
    # ASCII output: the C encoder's fast path (2x faster), and lone surrogates become escapes, not bad UTF-8.
    return (json.dumps(record, separators=(",", ":")) + "\n").encode("ascii")


def clean_task(task: Task, clean_fn: CleanFn, options: Options | None) -> Outcome:
    ident, doc = load(task, (options or Options()).max_input_bytes)
    if isinstance(doc, Exception):
        return failure(task, ident, doc)
    try:
        article = clean_fn(doc.raw, format=doc.format, url=doc.url, options=options)
        return success(task, ident, article)
    except Exception as exc:
        return failure(task, ident, exc)


# ------------------------------------------------------------ worker processes

_state: dict[str, Any] = {}


def init_worker(clean_fn: CleanFn, options: Options | None, timeout: float | None) -> None:
    """Process-pool initializer: remember what to run; Ctrl-C is the parent's to handle."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _state.update(clean_fn=clean_fn, options=options, timeout=timeout)
    if timeout:
        signal.signal(signal.SIGALRM, _on_alarm)


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    if _state.pop("armed", False):
        raise DocumentTimeoutError(f"cleaning took longer than {_state['timeout']:g} s")


def clean_chunk(tasks: Sequence[Task]) -> list[Outcome]:
    """Clean a chunk in a worker process, each document under the time limit."""
    clean_fn: CleanFn = _state["clean_fn"]
    options: Options | None = _state["options"]
    timeout: float | None = _state["timeout"]
    if not timeout:
        return [clean_task(t, clean_fn, options) for t in tasks]
    out = []
    for task in tasks:
        outcome: Outcome | None = None
        _state["armed"] = True
        signal.setitimer(signal.ITIMER_REAL, timeout)
        try:
            outcome = clean_task(task, clean_fn, options)
        except DocumentTimeoutError as exc:  # fired outside clean_task's own handler
            outcome = outcome or failure(task, task.source, exc)
        finally:
            _state.pop("armed", None)
            signal.setitimer(signal.ITIMER_REAL, 0)
        out.append(outcome)
    return out
