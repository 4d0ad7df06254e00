"""Soak: `cleaner serve` under saturating load for a set time, good and bad documents mixed.

    python -m bench.soak                          (make soak; 5 minutes)
    python -m bench.soak --duration 60 --data ../shared/bench-data --kill-worker-every 20

The server runs as a subprocess (`cleaner serve` on 127.0.0.1, a free port, one worker a core by
default) and this process loads it from `--callers` threads over several connections, each
caller sending one call after another with no pause: unary Clean calls of good documents
(wcxb-dev/region/*.txt.gz under `--data`, else the project's own seeds/ and tests/fixtures/),
CleanBatch calls of `--batch-docs` documents (some with a bad document among them), and unary
calls of bad input (empty, binary, invalid UTF-8, NUL bytes, over the size limit, 100,000 nested
elements, hostile HTML, bad enum values, undecodable request bytes, over the message limit).
`--max-concurrent` is set low enough for the callers to overflow it, so the server sheds load.

Every answer is classified: *served* (the expected outcome: an article, or INVALID_ARGUMENT /
RESOURCE_EXHAUSTED "larger than max" for the bad input that deserves it), *shed*
(RESOURCE_EXHAUSTED from the concurrency cap; the caller backs off 20-100 ms), or *error*
(anything else, including a wrong answer). A prober checks grpc health once a second on a fresh
connection, as a kubelet would. RSS of the server (parent + workers) is sampled every 5 s; the
start figure is taken after `--warmup` seconds of load, the end figure just before the end.
At the end the server gets SIGTERM with the load still running: calls in flight must complete,
new ones must be refused with UNAVAILABLE, and the server must exit 0.

With `--kill-worker-every S`, a random worker is SIGKILLed every S seconds; callers then retry
UNAVAILABLE (up to 3 times, as the client helper does) and such retries are counted apart.

Prints a table per `--window` seconds (calls, served, shed, errors, documents a second, latency
percentiles of served calls, RSS) and a summary; writes JSON to `--json`. Exit status 1 when a
call failed (error), a health probe failed (without injected faults), RSS grew by 10% or more
after the warm-up, or the server did not drain and exit 0.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from bench._proc import rss_of_tree
from cleaner.v1 import cleaner_pb2 as pb
from cleaner.v1 import cleaner_pb2_grpc as pb_grpc

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "bench-data"
MAX_INPUT = 5 * 1024 * 1024  # the server's default --max-input-bytes
OK, INVALID, TOO_BIG = grpc.StatusCode.OK, grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.RESOURCE_EXHAUSTED


# --- documents ---------------------------------------------------------------------------------------

def load_good(data: Path, limit: int | None) -> tuple[list[bytes], str]:
    files = sorted((data / "wcxb-dev" / "region").glob("*.txt.gz"))
    source = f"{data}/wcxb-dev/region"
    if files:
        docs = []
        for path in files[:limit] if limit else files:
            with gzip.open(path, "rb") as f:
                docs.append(f.read())
        return docs, source
    paths = sorted((REPO_ROOT / "seeds").glob("*.txt")) + sorted((REPO_ROOT / "tests" / "fixtures").rglob("*.txt"))
    paths += sorted((REPO_ROOT / "tests" / "fixtures").rglob("*.html"))
    docs = [p.read_bytes() for p in paths if p.stat().st_size > 0]
    if not docs:
        raise SystemExit(f"no documents: nothing under {data}/wcxb-dev/region nor the project's fixtures")
    return docs[:limit] if limit else docs, "the project's fixtures (seeds/, tests/fixtures/)"


@dataclass(frozen=True)
class Bad:
    """A bad document (or request) and the outcome it must get."""

    name: str
    document: pb.Document | None  # None: `raw` request bytes are sent instead
    expect: grpc.StatusCode = INVALID  # for a unary call
    in_batch: bool = True  # may go inside a CleanBatch (then: an error result, or an article when expect is OK)
    options: pb.CleanOptions | None = None
    raw: bytes = b""
    weight: int = 10  # relative frequency


ARTICLE = ("Council approves new bike lanes\n"
           "The city council voted on Tuesday to build protected bike lanes along Harbour Road, ending a dispute.\n"
           "The plan will remove 46 parking spaces on the north side of the road and add a raised lane.\n")
HOSTILE = ('<?xml version="1.0"?><!DOCTYPE html [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
           '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY x SYSTEM "file:///etc/passwd">]><html><head>'
           '<title>T</title><script>alert(1)</script><style>p{}</style></head><body><!-- c -->'
           '<p>Harbour Road &amp; Quay Street &c; &x; &#128690; text of the article.</p></body></html>')


def bad_inputs(max_message: int) -> list[Bad]:
    undecodable = pb.CleanRequest(document=pb.Document(text="ab")).SerializeToString().replace(b"ab", b"a\xff")
    bads = [
        Bad("empty", pb.Document(text="")),
        Bad("whitespace", pb.Document(data=b" \n\t \r\n")),
        Bad("png", pb.Document(data=b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)),
        Bad("pdf", pb.Document(data=b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" * 30)),
        Bad("gzip", pb.Document(data=gzip.compress(ARTICLE.encode() * 30))),
        Bad("nul-saturated", pb.Document(data=ARTICLE.replace(" ", "\x00").encode())),
        Bad("bad-format", pb.Document(text=ARTICLE, format=9)),  # type: ignore[arg-type]
        Bad("invalid-utf8", pb.Document(data=ARTICLE.encode().replace(b"Tuesday", b"Tue\xc3\x28s\xffday")), OK),
        Bad("nul-bytes", pb.Document(data=ARTICLE.replace("council", "coun\x00cil").encode()), OK),
        Bad("cp1251", pb.Document(data="Городской совет одобрил новые велосипедные дорожки.\n".encode("cp1251")), OK),
        Bad("rtl-cjk-emoji", pb.Document(text="المجلس البلدي يوافق 市议会批准新自行车道 🚴‍♀️ Cafe\u0301\n" + ARTICLE),
            OK),
        Bad("hostile-html", pb.Document(text=HOSTILE), OK),
        Bad("over-input-limit", pb.Document(data=b"word " * (MAX_INPUT // 5 + 1)), weight=2),
        Bad("nested-100k", pb.Document(text="<html><body>" + "<div>" * 100_000 + "deep" + "</div>" * 100_000),
            OK, in_batch=False, weight=1),
        Bad("bad-engine-option", pb.Document(text=ARTICLE), options=pb.CleanOptions(html_engine=7),  # type: ignore[arg-type]
            in_batch=False),
        Bad("undecodable-request", None, raw=undecodable, in_batch=False),
    ]
    if max_message > 0:
        bads.append(Bad("over-message-limit", pb.Document(data=b"x" * (max_message + 1)), TOO_BIG, in_batch=False,
                        weight=1))
    return bads


# --- measurements --------------------------------------------------------------------------------------

def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


@dataclass
class Window:
    calls: int = 0
    served: int = 0
    shed: int = 0
    errors: int = 0
    retried: int = 0
    docs: int = 0
    unary_ms: list[float] = field(default_factory=list)
    batch_ms: list[float] = field(default_factory=list)
    rss: int = 0


class Stats:
    def __init__(self, t0: float, window: float, duration: float) -> None:
        self.t0 = t0
        self.window = window
        self.duration = duration
        self.windows: dict[int, Window] = {}
        self.lock = threading.Lock()
        self.error_samples: Counter[str] = Counter()
        self.by_kind: Counter[str] = Counter()
        self.drain: Counter[str] = Counter()

    def at(self, t: float) -> Window:
        last = max(0, int(-(-self.duration // self.window)) - 1)  # calls ending after the end count in the last
        return self.windows.setdefault(min(last, int((t - self.t0) // self.window)), Window())

    def record(self, end: float, kind: str, outcome: str, ms: float, docs: int, detail: str = "",
               retried: int = 0) -> None:
        with self.lock:
            w = self.at(end)
            w.calls += 1
            w.retried += retried
            self.by_kind[f"{kind}:{outcome}"] += 1
            if outcome == "served":
                w.served += 1
                w.docs += docs
                (w.batch_ms if kind == "batch" else w.unary_ms).append(ms)
            elif outcome == "shed":
                w.shed += 1
            else:
                w.errors += 1
                self.error_samples[f"{kind}: {detail}"[:200]] += 1


# --- the load ------------------------------------------------------------------------------------------

class Soak:
    def __init__(self, args: argparse.Namespace, target: str, good: list[bytes], bads: list[Bad]) -> None:
        self.args = args
        self.target = target
        self.good = good
        self.bads = bads
        self.batchable = [b for b in bads if b.in_batch]
        self.stop = threading.Event()
        self.draining = threading.Event()  # SIGTERM sent: count outcomes apart
        self.faults = args.kill_worker_every > 0
        options = [("grpc.max_send_message_length", -1), ("grpc.max_receive_message_length", -1),
                   ("grpc.use_local_subchannel_pool", 1)]
        self.channels = [grpc.insecure_channel(target, options=[*options, ("soak.channel", i)])
                         for i in range(args.channels)]
        self.stubs = [pb_grpc.CleanerServiceStub(c) for c in self.channels]
        self.raw = [c.unary_unary("/cleaner.v1.CleanerService/Clean") for c in self.channels]  # type: ignore[call-arg]
        self.stats = Stats(time.monotonic(), args.window, args.duration)
        self.ids = itertools.count()

    def close(self) -> None:
        for c in self.channels:
            c.close()

    # one call ------------------------------------------------------------------------------------------

    def _unary_good(self, rng: random.Random) -> tuple[str, Callable[[int], tuple[str, str]], int]:
        ident = str(next(self.ids))
        doc = pb.Document(data=rng.choice(self.good), id=ident)

        def call(k: int) -> tuple[str, str]:
            response = self.stubs[k].Clean(pb.CleanRequest(document=doc), timeout=self.args.timeout)
            return ("served", "") if response.id == ident else ("error", "wrong id in the answer")
        return "unary", call, 1

    def _unary_bad(self, rng: random.Random) -> tuple[str, Callable[[int], tuple[str, str]], int]:
        bad = rng.choices(self.bads, weights=[b.weight for b in self.bads])[0]

        def call(k: int) -> tuple[str, str]:
            try:
                if bad.document is None:
                    self.raw[k](bad.raw, timeout=self.args.timeout)
                else:
                    self.stubs[k].Clean(pb.CleanRequest(document=bad.document, options=bad.options),
                                        timeout=self.args.timeout)
                code = OK
            except grpc.RpcError as err:
                if err.code() not in (INVALID, TOO_BIG) or (err.code() == TOO_BIG
                                                            and "larger than max" not in (err.details() or "")):
                    raise  # shed, or a failure: classified by the caller
                code = err.code()
            if code != bad.expect:
                return "error", f"{bad.name}: {code.name}, expected {bad.expect.name}"
            return "served", ""
        return "bad", call, 1

    def _batch(self, rng: random.Random) -> tuple[str, Callable[[int], tuple[str, str]], int]:
        n = self.args.batch_docs
        docs = [pb.Document(data=rng.choice(self.good), id=f"g{i}") for i in range(n)]
        bad: Bad | None = None
        if rng.random() < 0.5:
            bad = rng.choices(self.batchable, weights=[b.weight for b in self.batchable])[0]
            assert bad.document is not None
            slot = rng.randrange(n)
            docs[slot] = pb.Document()
            docs[slot].CopyFrom(bad.document)
            docs[slot].id = "bad"
        request = pb.CleanBatchRequest(documents=docs)

        def call(k: int) -> tuple[str, str]:
            response = self.stubs[k].CleanBatch(request, timeout=self.args.timeout)
            if [r.id for r in response.results] != [d.id for d in docs]:
                return "error", "batch: results do not match the documents"
            for r in response.results:
                if r.id == "bad" and bad is not None:
                    want = "article" if bad.expect == OK else "error"
                    if r.WhichOneof("outcome") != want:
                        return "error", f"batch: {bad.name} gave {r.WhichOneof('outcome')}"
                elif r.WhichOneof("outcome") == "error" and r.error.reason == pb.ERROR_REASON_INTERNAL:
                    return "error", f"batch: internal error {r.error.message}"
            return "served", ""
        return "batch", call, n

    def caller(self, index: int) -> None:
        rng = random.Random(self.args.seed * 1000 + index)
        while not self.stop.is_set():
            r = rng.random()
            if r < self.args.batch_share:
                kind, call, docs = self._batch(rng)
            elif r < self.args.batch_share + self.args.bad_share:
                kind, call, docs = self._unary_bad(rng)
            else:
                kind, call, docs = self._unary_good(rng)
            started = time.monotonic()
            retried = 0
            while True:
                draining = self.draining.is_set()
                k = rng.randrange(len(self.stubs))
                try:
                    outcome, detail = call(k)
                except grpc.RpcError as err:
                    code = err.code()
                    if code == TOO_BIG and "larger than max" not in (err.details() or ""):
                        outcome, detail = "shed", ""
                    elif code == grpc.StatusCode.UNAVAILABLE and self.faults and not draining and retried < 3 \
                            and not self.stop.is_set():
                        retried += 1
                        time.sleep(rng.uniform(0.05, 0.2) * retried)
                        continue
                    else:
                        outcome, detail = "error", f"{code.name}: {(err.details() or '')[:120]}"
                break
            end = time.monotonic()
            if draining or self.draining.is_set():  # began after SIGTERM, or was in flight (maybe not yet received)
                when = "after" if draining else "in flight"
                with self.stats.lock:
                    self.stats.drain[f"{when}: " + (outcome if outcome != "error" else detail.split(":")[0])] += 1
            else:
                self.stats.record(end, kind, outcome, (end - started) * 1000, docs, detail, retried)
            if outcome == "shed" or draining:
                time.sleep(rng.uniform(0.02, 0.1))


def start_server(args: argparse.Namespace, log_path: Path) -> tuple[subprocess.Popen[str], str, Any]:
    cmd = [sys.executable, "-m", "cleaner.cli", "serve", "--host", "127.0.0.1", "--port", "0",
           "--max-concurrent", str(args.max_concurrent), "--max-message-bytes", str(args.max_message_bytes),
           "--grace", str(args.grace)]
    if args.workers:
        cmd += ["--workers", str(args.workers)]
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log = log_path.open("w")
    proc = subprocess.Popen(cmd, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=log, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if "listening on" not in line:
        proc.kill()
        raise SystemExit(f"server did not start: {line!r}; see {log_path}")
    return proc, line.split("listening on ", 1)[1].split()[0], log


def workers_of(parent: int) -> list[int]:
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1]) == parent:
                    out.append(int(entry))
            except (OSError, IndexError, ValueError):
                continue
    return sorted(out)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--duration", type=float, default=300.0, help="seconds of load (default 300)")
    p.add_argument("--warmup", type=float, default=30.0, help="seconds of load before the start RSS (default 30)")
    p.add_argument("--window", type=float, default=30.0, help="seconds a row of the report (default 30)")
    p.add_argument("--data", type=Path, default=DEFAULT_DATA, help="bench-data folder (wcxb-dev/region/*.txt.gz)")
    p.add_argument("--limit", type=int, help="first N good documents only")
    p.add_argument("--workers", type=int, default=0, help="server workers (default: one a core)")
    p.add_argument("--callers", type=int, default=48, help="concurrent callers (default 48)")
    p.add_argument("--channels", type=int, default=16, help="connections to the server (default 16)")
    p.add_argument("--max-concurrent", type=int, default=16,
                   help="the server's --max-concurrent, below the callers a worker gets so load is shed (default 16)")
    p.add_argument("--max-message-bytes", type=int, default=16 * 1024 * 1024,
                   help="the server's --max-message-bytes; a bad request goes past it (default 16 MiB)")
    p.add_argument("--grace", type=float, default=20.0, help="the server's --grace (default 20)")
    p.add_argument("--batch-share", type=float, default=0.15, help="share of calls that are CleanBatch")
    p.add_argument("--bad-share", type=float, default=0.15, help="share of calls that are bad unary input")
    p.add_argument("--batch-docs", type=int, default=8, help="documents a CleanBatch call (default 8)")
    p.add_argument("--timeout", type=float, default=60.0, help="deadline a call, seconds")
    p.add_argument("--kill-worker-every", type=float, default=0.0, metavar="S",
                   help="SIGKILL a random worker every S seconds after the warm-up (default: never)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--json", type=Path, default=REPO_ROOT / "bench" / "out" / "soak.json")
    p.add_argument("--log", type=Path, default=REPO_ROOT / "bench" / "out" / "soak-server.log")
    args = p.parse_args(argv)

    good, source = load_good(args.data, args.limit)
    bads = bad_inputs(args.max_message_bytes)
    load_before = os.getloadavg()
    print(f"{len(good)} good documents from {source}; {len(bads)} kinds of bad input; {args.callers} callers, "
          f"{args.duration:.0f} s; {os.cpu_count()} cores, load average {load_before[0]:.2f} "
          f"{load_before[1]:.2f} {load_before[2]:.2f}", flush=True)
    proc, target, log = start_server(args, args.log)
    soak = Soak(args, target, good, bads)
    rss_samples: list[tuple[float, int, int]] = []
    health: Counter[str] = Counter()
    kills: list[tuple[float, int]] = []
    rss_start = rss_end = 0
    rss_idle = rss_of_tree(proc.pid)[0]
    exit_status: int | None = None
    threads: list[threading.Thread] = []
    t0 = time.monotonic()
    soak.stats.t0 = t0
    try:
        def sampler() -> None:
            while not soak.stop.wait(5.0):
                rss, n = rss_of_tree(proc.pid)
                rss_samples.append((time.monotonic() - t0, rss, n))
                with soak.stats.lock:
                    w = soak.stats.at(time.monotonic())
                    w.rss = max(w.rss, rss)

        def prober() -> None:
            while not soak.stop.wait(1.0):
                if soak.draining.is_set():
                    return
                with grpc.insecure_channel(target) as ch:
                    try:
                        status = health_pb2_grpc.HealthStub(ch).Check(health_pb2.HealthCheckRequest(), timeout=5)
                        answer = health_pb2.HealthCheckResponse.ServingStatus.Name(status.status)
                    except grpc.RpcError as err:
                        answer = err.code().name
                if not soak.draining.is_set():  # a draining server rightly says NOT_SERVING
                    health[answer] += 1

        def killer() -> None:
            rng = random.Random(args.seed)
            if soak.stop.wait(args.warmup):
                return
            while not soak.stop.wait(args.kill_worker_every):
                if soak.draining.is_set():
                    return
                workers = workers_of(proc.pid)
                if workers:
                    victim = rng.choice(workers)
                    os.kill(victim, signal.SIGKILL)
                    kills.append((time.monotonic() - t0, victim))

        for i in range(args.callers):
            threads.append(threading.Thread(target=soak.caller, args=(i,), daemon=True))
        threads.append(threading.Thread(target=sampler, daemon=True))
        threads.append(threading.Thread(target=prober, daemon=True))
        if args.kill_worker_every > 0:
            threads.append(threading.Thread(target=killer, daemon=True))
        for t in threads:
            t.start()
        time.sleep(min(args.warmup, args.duration))
        rss_start = rss_of_tree(proc.pid)[0]
        print(f"warm-up done: server RSS {rss_start / 2**20:.1f} MiB (idle before load: {rss_idle / 2**20:.1f} MiB)",
              flush=True)
        next_report = args.window
        while time.monotonic() - t0 < args.duration:
            time.sleep(min(1.0, max(0.0, args.duration - (time.monotonic() - t0))))
            if time.monotonic() - t0 >= next_report:
                with soak.stats.lock:
                    w = soak.stats.windows.get(int(next_report // args.window) - 1, Window())
                print(f"  {next_report:5.0f} s: {w.calls} calls, {w.served} served, {w.shed} shed, "
                      f"{w.errors} errors, p99 {percentile(w.unary_ms, 0.99):.0f} ms", flush=True)
                next_report += args.window
        rss_end = rss_of_tree(proc.pid)[0]
        # SIGTERM with the load still running: in-flight calls complete, new ones are refused
        soak.draining.set()
        drain_started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        try:
            exit_status = proc.wait(args.grace + 15)
        except subprocess.TimeoutExpired:
            exit_status = None
        drain_seconds = time.monotonic() - drain_started
        time.sleep(0.5)
    finally:
        soak.stop.set()
        for t in threads:
            t.join(args.timeout + 5)
        soak.close()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        log.close()
    return report(args, soak.stats, source, len(good), rss_idle, rss_start, rss_end, rss_samples, health, kills,
                  exit_status, drain_seconds, load_before)


def report(args: argparse.Namespace, stats: Stats, source: str, n_good: int, rss_idle: int, rss_start: int,
           rss_end: int, rss_samples: list[tuple[float, int, int]], health: Counter[str],
           kills: list[tuple[float, int]], exit_status: int | None, drain_seconds: float,
           load_before: tuple[float, float, float]) -> int:
    windows = [stats.windows[k] for k in sorted(stats.windows)]
    total = Window()
    for w in windows:
        for name in ("calls", "served", "shed", "errors", "retried", "docs"):
            setattr(total, name, getattr(total, name) + getattr(w, name))
        total.unary_ms += w.unary_ms
        total.batch_ms += w.batch_ms
    growth = (rss_end - rss_start) / rss_start if rss_start else float("nan")
    load_after = os.getloadavg()
    print("\n| window (s) | calls | served | shed | errors | docs/s | unary p50 / p90 / p99 / max ms "
          "| batch p50 / p99 ms | RSS MiB |")
    print("|---|---|---|---|---|---|---|---|---|")
    rows = []
    for k in sorted(stats.windows):
        w = stats.windows[k]
        lo, hi = k * args.window, min((k + 1) * args.window, args.duration)
        span = max(hi - lo, 1e-9)
        row = {"from_s": lo, "to_s": hi, "calls": w.calls, "served": w.served, "shed": w.shed, "errors": w.errors,
               "retried": w.retried, "docs_per_s": round(w.docs / span, 1),
               "unary_ms": {q: round(percentile(w.unary_ms, v), 1) for q, v in
                            (("p50", 0.5), ("p90", 0.9), ("p99", 0.99), ("max", 1.0))},
               "batch_ms": {q: round(percentile(w.batch_ms, v), 1) for q, v in (("p50", 0.5), ("p99", 0.99))},
               "rss_mib": round(w.rss / 2**20, 1)}
        rows.append(row)
        u, b = row["unary_ms"], row["batch_ms"]
        print(f"| {lo:.0f}-{hi:.0f} | {w.calls} | {w.served} | {w.shed} | {w.errors} | {row['docs_per_s']} | "
              f"{u['p50']} / {u['p90']} / {u['p99']} / {u['max']} | {b['p50']} / {b['p99']} | {row['rss_mib']} |")
    # During the drain a call may be served, shed, or refused with UNAVAILABLE (it reached the server
    # after the signal, or waited in grpc's queue, unstarted); CANCELLED for a call sent in the last
    # instant, which grpc core cancels as it stops (the client helper retries all of these;
    # tests/test_reliability_faults.py shows no started call is ever cut). Nothing else.
    refusals = ("served", "shed", "UNAVAILABLE", "CANCELLED")
    drain_bad = {k: v for k, v in stats.drain.items() if k.split(": ", 1)[1] not in refusals}
    summary = {
        "duration_s": args.duration, "warmup_s": args.warmup, "callers": args.callers,
        "workers": args.workers or os.cpu_count(), "max_concurrent": args.max_concurrent,
        "good_documents": n_good, "source": source,
        "calls": total.calls, "served": total.served, "shed": total.shed, "errors": total.errors,
        "retried_unavailable": total.retried, "documents_served": total.docs,
        "served_by_kind": dict(stats.by_kind),
        "unary_ms": {q: round(percentile(total.unary_ms, v), 1) for q, v in
                     (("p50", 0.5), ("p90", 0.9), ("p99", 0.99), ("max", 1.0))},
        "batch_ms": {q: round(percentile(total.batch_ms, v), 1) for q, v in (("p50", 0.5), ("p99", 0.99))},
        "rss_mib": {"idle": round(rss_idle / 2**20, 1), "start_after_warmup": round(rss_start / 2**20, 1),
                    "end": round(rss_end / 2**20, 1), "peak": round(max((s[1] for s in rss_samples), default=0)
                                                                   / 2**20, 1)},
        "rss_growth": round(growth, 4),
        "health": dict(health), "worker_kills": len(kills),
        "sigterm": {"exit_status": exit_status, "drain_s": round(drain_seconds, 2), "outcomes": dict(stats.drain)},
        "load_average": {"before": load_before, "after": load_after},
        "errors_seen": dict(stats.error_samples.most_common(20)),
        "windows": rows,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(summary, indent=2))
    print(f"\n{total.calls} calls in {args.duration:.0f} s: {total.served} served ({total.docs} documents), "
          f"{total.shed} shed (RESOURCE_EXHAUSTED), {total.errors} errors"
          + (f", {total.retried} retries after UNAVAILABLE ({len(kills)} workers killed)" if kills else ""))
    u = summary["unary_ms"]
    b = summary["batch_ms"]
    print(f"unary latency p50 {u['p50']} ms, p90 {u['p90']} ms, p99 {u['p99']} ms, max {u['max']} ms; "
          f"batch ({args.batch_docs} docs) p50 {b['p50']} ms, p99 {b['p99']} ms")
    print(f"server RSS (parent + workers): {rss_idle / 2**20:.1f} MiB idle, {rss_start / 2**20:.1f} MiB after the "
          f"{args.warmup:.0f} s warm-up, {rss_end / 2**20:.1f} MiB at the end: {100 * growth:+.1f}%")
    print(f"health probes: {dict(health)}")
    print(f"SIGTERM under load: exit status {exit_status} after {drain_seconds:.2f} s; "
          f"calls then: {dict(stats.drain)}")
    print(f"load average before {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}, "
          f"after {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f}")
    if stats.error_samples:
        print("errors:")
        for text, n in stats.error_samples.most_common(10):
            print(f"  {n} x {text}")
    failures = []
    if total.errors:
        failures.append(f"{total.errors} calls failed")
    bad_health = sum(v for k, v in health.items() if k != "SERVING")
    if bad_health and not kills:
        failures.append(f"{bad_health} health probes failed")
    if "NOT_SERVING" in health:
        failures.append("health said NOT_SERVING under load")
    if not kills and not growth < 0.10:
        failures.append(f"RSS grew {100 * growth:.1f}% after the warm-up (limit 10%)")
    if exit_status != 0:
        failures.append(f"the server exited {exit_status} after SIGTERM")
    if drain_bad:
        failures.append(f"calls failed during the drain other than by a clean refusal: {drain_bad}")
    print("PASS" if not failures else "FAIL: " + "; ".join(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
