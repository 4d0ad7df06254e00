"""Batch execution: keep a bounded number of chunks in flight on an executor.

The same loop drives the three engines: in the caller's process (one
worker), a process pool (embedded, all cores), and a thread pool of calls to
the service (``--server``). Memory stays flat because only `max_in_flight`
chunks are ever submitted ahead. When a worker process dies, the pool is
rebuilt and the documents that were in flight are tried again one at a time,
so the one that kills its worker is found and recorded, and the rest go on.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ThreadPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from ._batch_inputs import Task
from ._batch_work import CleanFn, Doc, Outcome, WorkerCrashedError, clean_task, failure, load, success
from ._model import Article
from ._options import Options

ChunkFn = Callable[[Sequence[Task]], list[Outcome]]
Emit = Callable[[list[Outcome]], None]
_T = TypeVar("_T")


def chunked(items: Iterable[_T], size: int) -> Iterator[list[_T]]:
    it = iter(items)
    while chunk := list(itertools.islice(it, size)):
        yield chunk


class InlineExecutor(Executor):
    """Runs each call at once in the caller's thread: the one-worker engine."""

    def submit(self, fn: Callable[..., _T], /, *args: Any, **kwargs: Any) -> Future[_T]:
        future: Future[_T] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:
            future.set_exception(exc)
        return future


def inline_chunk(clean_fn: CleanFn, options: Options | None, tasks: Sequence[Task]) -> list[Outcome]:
    return [clean_task(t, clean_fn, options) for t in tasks]


def server_chunk(client: Any, tasks: Sequence[Task]) -> list[Outcome]:
    """Clean a chunk with one batch call to the service; per-document errors stay per document."""
    outcomes: list[Outcome] = []
    good: list[tuple[Task, Doc]] = []
    for task in tasks:
        ident, doc = load(task)
        if isinstance(doc, Doc):
            good.append((task, doc))
        else:
            outcomes.append(failure(task, ident, doc))
    if not good:
        return outcomes
    results: Sequence[Article | Exception]
    try:
        results = client.clean_batch([(d.id, d.raw, d.format, d.url) for _, d in good])
        if len(results) != len(good):
            raise RuntimeError(f"the service answered {len(results)} results for {len(good)} documents")
    except Exception as exc:  # the whole call failed (after the client's retries)
        results = [exc] * len(good)
    for (task, doc), result in zip(good, results, strict=True):
        outcomes.append(success(task, doc.id, result) if isinstance(result, Article) else failure(task, doc.id, result))
    return outcomes


def drive(make_executor: Callable[[], Executor], fn: ChunkFn, chunks: Iterator[list[Task]],
          max_in_flight: int, emit: Emit) -> None:
    """Run every chunk through `fn` on the executor, passing each result to `emit` as it completes."""
    executor = make_executor()
    in_flight: dict[Future[list[Outcome]], list[Task]] = {}
    suspects: deque[Task] = deque()  # in flight when a worker died: each is retried alone
    solo: set[Future[list[Outcome]]] = set()
    more = True
    try:
        while True:
            if suspects and not in_flight:
                future = executor.submit(fn, [suspects[0]])
                in_flight[future] = [suspects.popleft()]
                solo.add(future)
            while more and not suspects and not solo and len(in_flight) < max_in_flight:
                chunk = next(chunks, None)
                if chunk is None:
                    more = False
                else:
                    in_flight[executor.submit(fn, chunk)] = chunk
            if not in_flight:
                return
            finished, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            broken = False
            for future in finished:
                chunk = in_flight.pop(future)
                alone = future in solo
                solo.discard(future)
                try:
                    emit(future.result())
                except BrokenProcessPool:
                    broken = True
                    if alone:
                        emit([_crashed(t) for t in chunk])
                    else:
                        suspects.extend(chunk)
                except Exception as exc:  # a bug outside the per-document guard: fail the chunk, go on
                    emit([failure(t, load(t)[0], exc) for t in chunk])
            if broken:
                for chunk in in_flight.values():
                    suspects.extend(chunk)
                in_flight.clear()
                solo.clear()
                executor.shutdown(wait=True, cancel_futures=True)
                executor = make_executor()
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


def _crashed(task: Task) -> Outcome:
    return failure(task, load(task)[0], WorkerCrashedError("the worker process died while cleaning this document"))


def thread_pool(threads: int) -> Callable[[], Executor]:
    return lambda: ThreadPoolExecutor(max_workers=threads, thread_name_prefix="cleaner-batch")
