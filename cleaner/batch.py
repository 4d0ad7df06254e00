"""Clean many documents into one JSONL file: `run_batch(BatchConfig(...))`.

Inputs (`BatchConfig.inputs`)
    A file is one document (``.gz`` is decompressed; ``.html``/``.htm`` are
    cleaned as HTML, ``.txt`` as text, others detected). A folder is walked
    recursively (hidden entries skipped; `include`/`exclude` globs match the
    path relative to the folder or the file name). A ``.jsonl``/``.ndjson``
    file (optionally ``.gz``), and ``-`` (stdin), hold one document a line:
    ``{"id": ..., "text": ... | "html": ..., "url": ...}`` (`id`, `url`
    optional; exactly one of `text` and `html`).

Output: one JSON object a line, in completion order::

    {"id": "a.txt", "source": "a.txt", "ok": true, "article": {...Article.to_dict()...}}
    {"id": "42", "source": "docs.jsonl:7", "ok": false,
     "error": {"type": "EmptyInputError", "message": "document is empty or holds only white space"}}

`source` is the document's key: the normalised path, or ``PATH:LINE`` for a
JSONL record (``-:LINE`` for stdin). `id` is the record's own id when it has
one, else the source. Error types are the `CleanerError` classes, the
batch's own (`InvalidRecordError`, `DocumentTimeoutError`,
`WorkerCrashedError`), an OS error (``FileNotFoundError``...), the client's
error with ``--server``, or any exception an engine bug raised.

Crash safety: each line is written whole by one unbuffered write, so killing
the run at any moment leaves valid JSONL except at worst a torn last line;
`resume=True` cuts that off and skips every source already in OUT, so each
document appears exactly once. Failed lines count as done unless
`retry_failed=True`, which drops them from OUT and tries them again.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import os
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from ._batch_exec import ChunkFn, InlineExecutor, chunked, drive, inline_chunk, server_chunk, thread_pool
from ._batch_inputs import STDIN, Task, iter_tasks, missing_inputs
from ._batch_output import Output, OutputError, open_output
from ._batch_work import (
    CleanFn,
    DocumentTimeoutError,
    InvalidRecordError,
    Outcome,
    WorkerCrashedError,
    clean_chunk,
    init_worker,
)
from ._options import Options
from ._pipeline import clean

__all__ = [
    "BatchConfig",
    "BatchSummary",
    "BatchUsageError",
    "DocumentTimeoutError",
    "InvalidRecordError",
    "WorkerCrashedError",
    "run_batch",
]


class BatchUsageError(ValueError):
    """The run cannot start as configured (missing input, OUT in the way, bad number)."""


@dataclass(frozen=True)
class BatchConfig:
    """What to clean, where to, and how.

    workers: processes (embedded; default: every core) or concurrent calls
    (`servers`; default 4 a server). chunk_size: documents a task or a call.
    timeout, retries: per call, with `servers`. doc_timeout: seconds one
    document may take in a worker process before it is recorded as failed.
    """

    inputs: Sequence[str]
    out: str
    workers: int | None = None
    servers: Sequence[str] = ()
    resume: bool = False
    overwrite: bool = False
    retry_failed: bool = False
    include: Sequence[str] = ()
    exclude: Sequence[str] = ()
    format: str = "auto"
    options: Options | None = None
    chunk_size: int = 16
    timeout: float = 30.0
    retries: int = 3
    doc_timeout: float | None = 120.0
    clean_fn: CleanFn = field(default=clean)


@dataclass(slots=True)
class BatchSummary:
    """What a run did. `skipped`: already in OUT (resume); `torn_bytes`: cut off OUT's end."""

    ok: int = 0
    failed: int = 0
    skipped: int = 0
    torn_bytes: int = 0
    seconds: float = 0.0

    @property
    def done(self) -> int:
        return self.ok + self.failed

    @property
    def docs_per_second(self) -> float:
        return self.done / self.seconds if self.seconds > 0 else 0.0

    @property
    def exit_status(self) -> int:
        return 1 if self.failed else 0

    def render(self) -> str:
        text = (f"{self.done} document(s) cleaned: {self.ok} ok, {self.failed} failed, "
                f"in {self.seconds:.1f} s ({self.docs_per_second:.1f} docs/s)")
        if self.skipped:
            text += f"; {self.skipped} already done, skipped"
        if self.torn_bytes:
            text += f"; cut a torn last line ({self.torn_bytes} bytes) off the output"
        return text


def run_batch(config: BatchConfig, *, stdin: BinaryIO | None = None, progress: bool = False) -> BatchSummary:
    """Clean every input document into `config.out`; see the module doc for formats.

    Raises `BatchUsageError` before doing anything if the run cannot start.
    `stdin` is read for the input ``-`` (default: the process's stdin).
    `progress` shows a progress bar on stderr.
    """
    _check(config)
    if STDIN in config.inputs and stdin is None:
        stdin = sys.stdin.buffer
    try:
        output = open_output(config.out, resume=config.resume, overwrite=config.overwrite,
                             retry_failed=config.retry_failed)
    except OutputError as exc:
        raise BatchUsageError(str(exc)) from None
    except OSError as exc:
        raise BatchUsageError(f"cannot open {config.out}: {exc.strerror or exc}") from None
    summary = BatchSummary(torn_bytes=output.torn_bytes)
    started = time.perf_counter()
    with contextlib.ExitStack() as stack:
        stack.callback(output.close)
        total = _count(config, output.done) if progress and STDIN not in config.inputs else None
        bar = stack.enter_context(_progress_bar(total)) if progress else None

        def emit(outcomes: list[Outcome]) -> None:
            _write(output, outcomes, summary)
            if bar is not None:
                bar.update(len(outcomes))
                if summary.failed:
                    bar.set_postfix(failed=summary.failed, refresh=False)

        tasks = iter_tasks(config.inputs, include=config.include, exclude=config.exclude, format=config.format,
                           stdin=stdin)
        todo = (t for t in tasks if not _skip(t, output.done, summary))
        make_executor, fn, in_flight = _engine(config, stack)
        try:
            drive(make_executor, fn, chunked(todo, config.chunk_size), in_flight, emit)
        finally:
            summary.seconds = time.perf_counter() - started
    return summary


def _check(config: BatchConfig) -> None:
    if not config.inputs:
        raise BatchUsageError("no input given")
    missing = missing_inputs(config.inputs)
    if missing:
        raise BatchUsageError("no such file or folder: " + ", ".join(missing))
    if config.workers is not None and config.workers < 1:
        raise BatchUsageError("workers must be at least 1")
    if config.chunk_size < 1:
        raise BatchUsageError("chunk size must be at least 1")
    if config.format not in ("auto", "text", "html"):
        raise BatchUsageError(f"unknown format {config.format!r}; use auto, text or html")
    if os.path.isdir(config.out):
        raise BatchUsageError(f"{config.out} is a folder; OUT must be a file")


def _skip(task: Task, done: set[str], summary: BatchSummary) -> bool:
    if task.source in done:
        summary.skipped += 1
        return True
    return False


def _count(config: BatchConfig, done: set[str]) -> int:
    """Documents left to do: a cheap pass that lists files and counts JSONL lines."""
    return sum(1 for t in iter_tasks(config.inputs, include=config.include, exclude=config.exclude)
               if t.source not in done)


def _write(output: Output, outcomes: list[Outcome], summary: BatchSummary) -> None:
    for outcome in outcomes:
        output.write(outcome.line)
        if outcome.ok:
            summary.ok += 1
        else:
            summary.failed += 1


def _engine(config: BatchConfig, stack: contextlib.ExitStack) -> tuple[Callable[[], Executor], ChunkFn, int]:
    """How to run chunks: an executor factory, the chunk function, and how many chunks to keep in flight."""
    if config.servers:
        from .client import CleanerClient  # lazily: embedded runs never import grpc

        client = stack.enter_context(CleanerClient(list(config.servers), timeout=config.timeout,
                                                   retries=config.retries, options=config.options))
        threads = config.workers or 4 * len(config.servers)
        return thread_pool(threads), functools.partial(server_chunk, client), 2 * threads
    workers = config.workers or _cores()
    if workers == 1:
        return InlineExecutor, functools.partial(inline_chunk, config.clean_fn, config.options), 1
    pool = functools.partial(ProcessPoolExecutor, max_workers=workers, initializer=init_worker,
                             initargs=(config.clean_fn, config.options, config.doc_timeout))
    return pool, clean_chunk, 2 * workers


def _cores() -> int:
    """Cores this process may run on (its affinity, as a container limits it), else the host's."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _progress_bar(total: int | None) -> Any:
    tqdm = importlib.import_module("tqdm").tqdm  # imported here: only runs with a bar need it
    # No monitor thread: the worker processes are forked after the bar exists.
    bar = type("BatchBar", (tqdm,), {"monitor_interval": 0})
    return bar(total=total, unit="doc", file=sys.stderr, dynamic_ncols=True, smoothing=0.1)
