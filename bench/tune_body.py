"""Grid-search the body-selection thresholds (cleaner/_body.py) on the train half.

    python -m bench.tune_body [--data DIR] [--subset train]

Scores each page's lines once, then tries every threshold combination and
prints the best by the mean of wcxb region F1, wcxb page F1 and trafeval
snippet F1 (the three text-input benchmarks).
"""

from __future__ import annotations

import argparse
import itertools

from bench import metrics
from bench.data import load_set
from cleaner import _language
from cleaner._body import BodyParams, select
from cleaner._classify import Scored, score_lines

# Last run (model trained on one half, pages of the other, both ways): the landscape is
# flat within 0.2 points of mean F1 around the defaults; secondary_share 0.1 and
# edge_skip_words 4 gained 0.1-0.2 on both halves.
GRID = {
    "span_threshold": (0.6, 0.65, 0.7),
    "inside_threshold": (0.05,),
    "outside_threshold": (0.8,),
    "edge_threshold": (0.3,),
    "secondary_share": (0.05, 0.1, 0.2),
    "edge_skip_words": (2, 4),
    "run_end_share": (0.3, 0.6),
    "article_end_share": (0.5,),
}


def prepared(args: argparse.Namespace) -> dict[str, list[tuple[object, list[str], Scored]]]:
    out: dict[str, list[tuple[object, list[str], Scored]]] = {}
    for name, kind in (("wcxb", "region"), ("wcxb", "page"), ("trafeval", "page")):
        rows = []
        for page in load_set(name, args.data, subset=args.subset):
            lines = [ln.strip() for ln in page.read(kind).split("\n") if ln.strip()]
            rows.append((page, lines, score_lines(lines, _language.detect(lines))))
        out[f"{name}/{kind}"] = rows
    return out


def evaluate(data: dict[str, list[tuple[object, list[str], Scored]]], params: BodyParams) -> dict[str, float]:
    result = {}
    for key, rows in data.items():
        body_counts, snippet_counts = [], []
        for page, lines, scored in rows:
            keep = select(scored, params)
            text = "\n".join(ln for ln, k in zip(lines[1:], keep[1:], strict=True) if k)  # line 0: title
            if key.startswith("wcxb"):
                body_counts.append(metrics.body_counts(page.body, text))  # type: ignore[attr-defined]
            else:
                snippet_counts.append(metrics.snippet_counts(text, page.with_, page.without))  # type: ignore[attr-defined]
        scores = metrics.aggregate_body(body_counts) if body_counts else metrics.aggregate_snippets(snippet_counts)
        result[key] = scores.f1
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=None)
    ap.add_argument("--subset", default="train", choices=("train", "test", "all"))
    args = ap.parse_args()
    data = prepared(args)
    results = []
    for values in itertools.product(*GRID.values()):
        params = BodyParams(**dict(zip(GRID, values, strict=True)))
        scores = evaluate(data, params)
        results.append((sum(scores.values()) / len(scores), scores, params))
    results.sort(key=lambda r: r[0], reverse=True)
    for mean, scores, params in results[:10]:
        print(f"{mean:.4f}", " ".join(f"{k}={v:.4f}" for k, v in scores.items()), params)
    print("default:", evaluate(data, BodyParams()))


if __name__ == "__main__":
    main()
