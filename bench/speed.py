"""Speed of text mode, in CPU time, and a check that outputs did not change.

    python -m bench.speed [--data DIR] [--inputs region,page] [--rounds N] [--profile N]
    python -m bench.speed --dump OUT.jsonl      # every text output, to compare later
    python -m bench.speed --check OUT.jsonl     # the same outputs again, diffed against OUT
    python -m bench.speed --html [--rounds N]   # HTML mode against trafilatura.extract

Timing: wcxb-dev region and page texts, read into memory first, one process,
`time.process_time` around each `clean()` (CPU time: the machine is shared, wall
time is noisy), after one untimed warm-up pass; the best of `--rounds` passes
is reported; the cache of phrase answers is emptied before each pass, so a
pass gains only from lines recurring within it. `--dump`/`--check` cover every wcxb region and page text and
every trafeval page text: `clean(text, format="text").to_dict()` plus the
line classifier's probabilities (exact floats), one JSON line per input.

`--html` times HTML mode against `trafilatura.extract(html, include_comments=False)`
(the call bench.quality scores) on every wcxb and trafeval HTML page: per page,
one call of each, one right after the other (which goes first alternates), CPU time, so that a load change on a
shared machine hits both alike; the mean over `--rounds` passes after a warm-up pass.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import sys
import time
from pathlib import Path

from .data import load_set

TEXT_INPUTS = (("wcxb", "region"), ("wcxb", "page"), ("trafeval", "page"))


def load_texts(root: Path | None, wanted: tuple[tuple[str, str], ...]) -> list[tuple[str, str, str, str]]:
    """(set, kind, page id, text) for every page of each wanted (set, kind)."""
    out = []
    for set_name, kind in wanted:
        for page in load_set(set_name, root):
            if page.has(kind):
                out.append((set_name, kind, page.id, page.read(kind)))
    return out


def record(text: str) -> dict[str, object]:
    """Everything text mode decides about one input."""
    from cleaner import clean
    from cleaner._classify import score_lines
    from cleaner._language import detect

    lines = [ln for ln in (x.strip() for x in text.split("\n")) if ln]
    scored = score_lines(lines, detect(lines))
    return {"article": clean(text, format="text").to_dict(), "p": [p.hex() for p in scored.probability]}


def dump(path: Path, texts: list[tuple[str, str, str, str]]) -> None:
    with path.open("w", encoding="utf-8") as f:
        for set_name, kind, page_id, text in texts:
            f.write(json.dumps({"key": f"{set_name}/{kind}/{page_id}", **record(text)}, ensure_ascii=False) + "\n")
    print(f"wrote {len(texts)} outputs to {path}")


def check(path: Path, texts: list[tuple[str, str, str, str]]) -> bool:
    with path.open(encoding="utf-8") as f:
        before = {row["key"]: row for row in map(json.loads, f)}
    changed = 0
    for set_name, kind, page_id, text in texts:
        key = f"{set_name}/{kind}/{page_id}"
        now = {"key": key, **record(text)}
        now = json.loads(json.dumps(now, ensure_ascii=False))  # same JSON round trip as the dump
        old = before.get(key)
        if old != now:
            changed += 1
            if changed <= 5:
                fields = sorted(k for k in now if old is None or old.get(k) != now[k])
                print(f"changed: {key} ({', '.join(fields)})")
    missing = len(before) - len(texts)
    print(f"{len(texts)} outputs compared, {changed} changed" + (f", {missing} in the dump not run" if missing else ""))
    return changed == 0 and missing == 0


def time_pages(texts: list[str], rounds: int) -> float:
    """Best mean CPU ms per page over `rounds` passes (after a warm-up pass)."""
    from cleaner import _phrases, clean

    for text in texts:
        clean(text, format="text")
    best = float("inf")
    for _ in range(rounds):
        # the warm-up compiles what is compiled once; lines it saw must not count as seen
        _phrases.match.cache_clear()
        total = 0.0
        for text in texts:
            t0 = time.process_time()
            clean(text, format="text")
            total += time.process_time() - t0
        best = min(best, total / len(texts) * 1000)
    return best


def time_html(root: Path | None, rounds: int) -> None:
    """Mean CPU ms a page of cleaner's HTML mode and of trafilatura.extract, per set."""
    import trafilatura

    from cleaner import clean

    for set_name in ("wcxb", "trafeval"):
        pages = [page.read("html") for page in load_set(set_name, root) if page.has("html")]
        for html in pages:
            trafilatura.extract(html, include_comments=False)
            clean(html, format="html")
        calls = {"ours": lambda html: clean(html, format="html"),
                 "peer": lambda html: trafilatura.extract(html, include_comments=False)}
        spent = dict.fromkeys(calls, 0.0)
        for _ in range(rounds):
            for i, html in enumerate(pages):
                # each goes first on every other page: the second may find the page in the CPU's caches
                for name in (("peer", "ours") if i % 2 else ("ours", "peer")):
                    t0 = time.process_time()
                    calls[name](html)
                    spent[name] += time.process_time() - t0
        ours, peer = (spent[name] / len(pages) / rounds * 1000 for name in ("ours", "peer"))
        print(f"{set_name} html: {len(pages)} pages, cleaner {ours:.1f} ms/page CPU, "
              f"trafilatura.extract {peer:.1f}, ratio {ours / peer:.3f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=None, help="bench-data folder (default ../shared/bench-data)")
    ap.add_argument("--inputs", default="region,page", help="wcxb input kinds to time")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--profile", type=int, default=0, metavar="N", help="print the N costliest functions")
    ap.add_argument("--dump", type=Path, help="write every text output to this JSONL file")
    ap.add_argument("--check", type=Path, help="compare every text output with this JSONL file")
    ap.add_argument("--html", action="store_true", help="time HTML mode against trafilatura.extract instead")
    args = ap.parse_args()

    if args.html:
        time_html(args.data, args.rounds)
        return

    if args.dump or args.check:
        texts = load_texts(args.data, TEXT_INPUTS)
        if args.dump:
            dump(args.dump, texts)
        if args.check and not check(args.check, texts):
            sys.exit(1)
        return
    for kind in args.inputs.split(","):
        texts = [t for *_, t in load_texts(args.data, (("wcxb", kind),))]
        lines = sum(len([ln for ln in t.split("\n") if ln.strip()]) for t in texts)
        ms = time_pages(texts, args.rounds)
        print(f"wcxb {kind}: {len(texts)} pages, {lines / len(texts):.0f} lines/page, "
              f"{ms:.2f} ms/page CPU, {ms * 1000 * len(texts) / lines:.1f} µs/line")
        if args.profile:
            from cleaner import clean

            prof = cProfile.Profile()
            prof.enable()
            for text in texts:
                clean(text, format="text")
            prof.disable()
            pstats.Stats(prof).sort_stats("tottime").print_stats(args.profile)


if __name__ == "__main__":
    main()
