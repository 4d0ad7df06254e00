"""Service benchmark: the gRPC service against embedded `cleaner.clean`, in the same run.

    python -m bench.service --data ../shared/bench-data        (make bench-service)

Inputs: wcxb-dev/region/*.txt.gz (bytes, format auto). Rows:

- embedded, 1 process: a loop over `cleaner.clean`;
- embedded, N processes: a fork pool over the same documents, the Articles
  pickled back to the parent (the service must ship them back too);
- service unary / batch at 1, 8 and 32 concurrent callers, against
  `cleaner serve` with N workers started here on a free port. Unary and batch
  go through `cleaner.client.CleanerClient` (so each result is a
  `cleaner.Article`, as embedded); a batch caller sends `--batch-docs`
  documents a call, chunked by the client into `--chunk` documents per RPC.

(A bidirectional CleanStream was measured here too and dropped from the API:
it gave less throughput than CleanBatch for more CPU; see docs/service.md.)

Client and server share this machine's cores, as embedded callers would.
Every row is the best of --repeat runs, rows alternating, so a noisy moment
(other jobs on the machine) hurts no row alone. CPU seconds per document
(client and server processes together) are printed too, and "cpu eff." (the
embedded CPU per document over the row's): on a shared machine that is the
steadier figure, as throughput also measures what the neighbours took.
Exit status 1 when a --require ratio (of embedded over N processes) is missed.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import cleaner
from bench._proc import cpu_seconds, descendants
from cleaner.client import CleanerClient

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "bench-data"


@dataclass
class Row:
    name: str
    callers: int
    docs: int
    seconds: float
    cpu: float  # CPU seconds of every process involved
    latencies: list[float] = field(default_factory=list, repr=False)

    @property
    def rate(self) -> float:
        return self.docs / self.seconds

    def summary(self) -> dict[str, object]:
        lat = sorted(self.latencies)
        d = {k: v for k, v in asdict(self).items() if k != "latencies"}
        d.update(docs_per_s=round(self.rate, 1), cpu_ms_per_doc=round(1000 * self.cpu / self.docs, 3))
        if lat:
            d.update(p50_ms=round(1000 * lat[len(lat) // 2], 2), p99_ms=round(1000 * lat[int(len(lat) * 0.99)], 2))
        return d


# --- CPU accounting ----------------------------------------------------------

class CpuMeter:
    """CPU seconds used by this process and the given process trees between start and stop."""

    def __init__(self, roots: list[int]) -> None:
        self.roots = roots

    def _sample(self) -> dict[int, float]:
        pids = {os.getpid()}
        for r in self.roots:
            pids.update(descendants(r))
        return {p: cpu_seconds(p) for p in pids}

    def __enter__(self) -> CpuMeter:
        self._before = self._sample()
        self.used = 0.0
        return self

    def __exit__(self, *exc: object) -> None:
        after = self._sample()
        self.used = sum(v - self._before.get(p, 0.0) for p, v in after.items())


# --- embedded ------------------------------------------------------------------

def embedded_single(docs: list[bytes]) -> Row:
    with CpuMeter([]) as cpu:
        t = time.perf_counter()
        for d in docs:
            with contextlib.suppress(cleaner.CleanerError):
                cleaner.clean(d)
        seconds = time.perf_counter() - t
    return Row("embedded 1 process", 1, len(docs), seconds, cpu.used)


def _pool_clean(d: bytes) -> cleaner.Article | None:
    try:
        return cleaner.clean(d)
    except cleaner.CleanerError:
        return None


def embedded_pool(docs: list[bytes], processes: int) -> Row:
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        pool.map(_pool_clean, docs[: processes * 4], chunksize=1)  # warm up the workers
        with CpuMeter([os.getpid()]) as cpu:
            t = time.perf_counter()
            for _ in pool.imap(_pool_clean, docs, chunksize=8):
                pass
            seconds = time.perf_counter() - t
    return Row(f"embedded {processes} processes", processes, len(docs), seconds, cpu.used)


# --- service -------------------------------------------------------------------

def start_server(workers: int) -> tuple[subprocess.Popen[str], str]:
    cmd = [sys.executable, "-m", "cleaner.cli", "serve", "--host", "127.0.0.1", "--port", "0",
           "--workers", str(workers), "--log-level", "warning"]
    proc = subprocess.Popen(cmd, cwd=REPO_ROOT, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if "listening on" not in line:
        proc.kill()
        raise SystemExit(f"server did not start: {line!r}")
    return proc, line.split("listening on ", 1)[1].split()[0]


def _run_callers(callers: int, jobs: Iterator[Callable[[], int]]) -> tuple[int, float, list[float]]:
    """Run jobs on `callers` threads; (documents, seconds, per-call latencies)."""
    lock = threading.Lock()
    latencies: list[float] = []
    done = [0]

    def caller() -> None:
        while True:
            with lock:
                job = next(jobs, None)
            if job is None:
                return
            t = time.perf_counter()
            n = job()
            elapsed = time.perf_counter() - t
            with lock:
                latencies.append(elapsed)
                done[0] += n

    threads = [threading.Thread(target=caller) for _ in range(callers)]
    t = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return done[0], time.perf_counter() - t, latencies


def service_unary(client: CleanerClient, docs: list[bytes], callers: int, roots: list[int]) -> Row:
    def job(d: bytes) -> Callable[[], int]:
        def run() -> int:
            with contextlib.suppress(cleaner.InputError):
                client.clean(d)
            return 1
        return run

    with CpuMeter(roots) as cpu:
        n, seconds, lat = _run_callers(callers, (job(d) for d in docs))
    return Row("service unary", callers, n, seconds, cpu.used, lat)


def service_batch(client: CleanerClient, docs: list[bytes], callers: int, batch_docs: int, roots: list[int]) -> Row:
    # Enough calls that every caller makes a few: the documents are cycled when there are too few.
    needed = max(len(docs), 2 * callers * batch_docs)
    items = [(str(i), docs[i % len(docs)], "auto", None) for i in range(needed)]
    batches = [items[i:i + batch_docs] for i in range(0, len(items), batch_docs)]

    def job(b: list[tuple[str, bytes, str, None]]) -> Callable[[], int]:
        return lambda: len(client.clean_batch(b))

    with CpuMeter(roots) as cpu:
        n, seconds, lat = _run_callers(callers, (job(b) for b in batches))
    return Row("service batch", callers, n, seconds, cpu.used, lat)


# --- main ------------------------------------------------------------------------

def load(data: Path, limit: int | None) -> list[bytes]:
    files = sorted((data / "wcxb-dev" / "region").glob("*.txt.gz"))
    if not files:
        raise SystemExit(f"no wcxb-dev/region/*.txt.gz under {data}")
    files = files[:limit] if limit else files
    out = []
    for p in files:
        with gzip.open(p, "rb") as f:
            out.append(f.read())
    return out


def best(rows: list[Row]) -> Row:
    return max(rows, key=lambda r: r.rate)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--data", type=Path, default=DEFAULT_DATA)
    p.add_argument("--limit", type=int, help="first N documents only")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="server processes (default: cores)")
    p.add_argument("--callers", default="1,8,32", help="concurrent callers, comma list")
    p.add_argument("--batch-docs", type=int, default=32, help="documents per clean_batch call")
    p.add_argument("--chunk", type=int, default=16, help="documents per CleanBatch RPC (client chunking)")
    p.add_argument("--repeat", type=int, default=2, help="runs per row; the best counts")
    p.add_argument("--json", type=Path, default=REPO_ROOT / "bench" / "out" / "service.json")
    p.add_argument("--require-batch", type=float, default=0.85, help="min batch/embedded-N ratio (0: off)")
    p.add_argument("--require-unary", type=float, default=0.60, help="min unary/embedded-N ratio (0: off)")
    args = p.parse_args(argv)
    docs = load(args.data, args.limit)
    callers = [int(c) for c in args.callers.split(",")]
    print(f"{len(docs)} documents, {sum(map(len, docs)) / len(docs) / 1024:.1f} KiB average; "
          f"{args.workers} server workers on {os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f}",
          flush=True)
    proc, target = start_server(args.workers)
    roots = [proc.pid]
    runs: dict[tuple[str, int], list[Row]] = {}
    try:
        with CleanerClient(target, batch_size=args.chunk, channels_per_target=4 * args.workers) as client:
            client.clean_batch([(str(i), d, "auto", None) for i, d in enumerate(docs[:64])])  # warm up
            for _ in range(args.repeat):
                plan: list[Callable[[], Row]] = [
                    lambda: embedded_single(docs),
                    lambda: embedded_pool(docs, args.workers),
                ]
                for c in callers:
                    plan.append(lambda c=c: service_unary(client, docs, c, roots))  # type: ignore[misc]
                    plan.append(lambda c=c: service_batch(client, docs, c, args.batch_docs, roots))  # type: ignore[misc]
                for make in plan:
                    row = make()
                    runs.setdefault((row.name, row.callers), []).append(row)
    finally:
        proc.terminate()
        proc.wait(30)

    rows = [best(v) for v in runs.values()]
    base = best(runs[(f"embedded {args.workers} processes", args.workers)]).rate
    single = best(runs[("embedded 1 process", 1)]).rate
    cpu_single = min(r.cpu / r.docs for r in runs[("embedded 1 process", 1)])
    print(f"\n{'row':<28}{'callers':>8}{'docs/s':>10}{'vs emb-N':>10}{'vs emb-1':>10}{'p50 ms':>9}{'p99 ms':>9}"
          f"{'cpu ms/doc':>12}{'cpu eff.':>10}")
    for r in rows:
        s = r.summary()
        print(f"{r.name:<28}{r.callers:>8}{r.rate:>10.1f}{r.rate / base:>10.2f}{r.rate / single:>10.2f}"
              f"{s.get('p50_ms', ''):>9}{s.get('p99_ms', ''):>9}{s['cpu_ms_per_doc']:>12}"
              f"{cpu_single / (r.cpu / r.docs):>10.2f}")
    print(f"(cpu eff.: embedded 1-process CPU per document / the row's CPU per document, client and server "
          f"processes included; load average now {os.getloadavg()[0]:.2f})")
    best_batch = max((r for r in rows if r.name == "service batch"), key=lambda r: r.rate)
    best_unary = max((r for r in rows if r.name == "service unary"), key=lambda r: r.rate)
    verdict = {
        "batch_ratio": round(best_batch.rate / base, 3),
        "unary_ratio": round(best_unary.rate / base, 3),
        "embedded_ms_per_doc": round(1000 / single, 3),
    }
    print(f"\nbest batch / embedded {args.workers} processes: {verdict['batch_ratio']:.2f} "
          f"(required {args.require_batch}); best unary: {verdict['unary_ratio']:.2f} (required {args.require_unary})")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"rows": [r.summary() for r in rows], "verdict": verdict,
                                     "median_embedded_ms": round(1000 * statistics.median(
                                         r.seconds / r.docs for r in runs[("embedded 1 process", 1)]), 3)},
                                    indent=2))
    ok = verdict["batch_ratio"] >= args.require_batch and verdict["unary_ratio"] >= args.require_unary
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
