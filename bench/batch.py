"""Batch throughput: embedded `cleaner batch` on all cores against one process calling `cleaner.clean`.

    python -m bench.batch --data ../shared/bench-data        (make bench-batch)

Both sides do the same work per document: read and gunzip the file, clean it
as text. The batch side also renders and writes each JSON line, and pays for
starting its worker pool. Runs alternate, best of --repeat each, so a noisy
moment hurts neither side alone. Exits 1 when the speed-up is below --min-speedup.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import os
import sys
import tempfile
import time
from pathlib import Path

from cleaner import CleanerError, clean
from cleaner.batch import BatchConfig, run_batch

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "bench-data"


def input_files(data: Path, kinds: list[str], limit: int | None) -> list[str]:
    files = sorted(str(p) for kind in kinds for p in (data / "wcxb-dev" / kind).glob("*.txt.gz"))
    return files[:limit] if limit else files


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the batch's workers, once joined)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def single_process(files: list[str]) -> float:
    """Seconds for one process to read and clean every file."""
    started = time.perf_counter()
    for path in files:
        with gzip.open(path, "rb") as f:
            raw = f.read()
        with contextlib.suppress(CleanerError):
            clean(raw, format="text")
    return time.perf_counter() - started


def embedded_batch(files: list[str], workers: int | None, out: str) -> tuple[float, int]:
    """Seconds for `run_batch` over every file (pool start-up included), and its failures."""
    started = time.perf_counter()
    summary = run_batch(BatchConfig(files, out, workers=workers, overwrite=True, format="text"))
    seconds = time.perf_counter() - started
    if summary.done != len(files):
        raise SystemExit(f"batch cleaned {summary.done} of {len(files)} documents")
    return seconds, summary.failed


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the bench-data folder")
    ap.add_argument("--kinds", default="region,page", help="wcxb-dev inputs to clean (default: region,page)")
    ap.add_argument("--workers", type=int, default=None, help="batch processes (default: one a core)")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each side; the best counts (default 3)")
    ap.add_argument("--limit", type=int, default=None, help="clean only the first N files")
    ap.add_argument("--min-speedup", type=float, default=1.7, help="fail below this batch/single ratio")
    args = ap.parse_args(argv)

    files = input_files(args.data, args.kinds.split(","), args.limit)
    if not files:
        print(f"bench.batch: no *.txt.gz under {args.data}/wcxb-dev/{{{args.kinds}}}", file=sys.stderr)
        return 2
    workers = args.workers or os.cpu_count() or 1
    single: list[float] = []
    batch: list[float] = []
    single_cpu: list[float] = []
    batch_cpu: list[float] = []
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out.jsonl")
        for _ in range(args.repeat):
            cpu = cpu_seconds()
            single.append(single_process(files))
            single_cpu.append(cpu_seconds() - cpu)
            cpu = cpu_seconds()
            seconds, failed = embedded_batch(files, workers, out)
            batch.append(seconds)
            batch_cpu.append(cpu_seconds() - cpu)
        out_mb = os.path.getsize(out) / 1e6
    n = len(files)
    single_rate, batch_rate = n / min(single), n / min(batch)
    speedup = batch_rate / single_rate
    print(f"documents: {n} ({args.kinds}), cores: {os.cpu_count()}, batch workers: {workers}, best of {args.repeat}")
    print(f"single-process clean(): {single_rate:8.1f} docs/s  ({min(single):.2f} s)")
    print(f"embedded batch:         {batch_rate:8.1f} docs/s  ({min(batch):.2f} s, {failed} failed, "
          f"{out_mb:.1f} MB written)")
    # On a busy machine the wall-clock ratio says little (other sessions take the cores); the CPU cost a
    # document on each side says what idle cores would give.
    cpu_ratio = min(single_cpu) / min(batch_cpu)
    print(f"CPU a document: single {1000 * min(single_cpu) / n:.2f} ms, batch {1000 * min(batch_cpu) / n:.2f} ms "
          f"(all processes); on {workers} idle cores: about {workers * cpu_ratio:.2f}x")
    if load > 0.5:
        print(f"note: load average {load:.1f} when the run started; the wall-clock figures are not clean")
    verdict = "ok" if speedup >= args.min_speedup else "BELOW TARGET"
    print(f"speed-up: {speedup:.2f}x (target >= {args.min_speedup}x): {verdict}")
    return 0 if speedup >= args.min_speedup else 1


if __name__ == "__main__":
    sys.exit(main())
