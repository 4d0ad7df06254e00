"""Train the line classifier shipped in cleaner/data/line_model.json.

    python -m bench.train_lines [--data ../shared/bench-data] [--subset train|all] [--out FILE]

Labels: a line of a wcxb-dev region/page text is body when it is one of the
truth's paragraphs, or (5+ words) lies inside the truth body. trafeval-dev adds
multilingual lines, labelled only where a `with` (body) or `without`
(boilerplate) snippet lies in them. Two logistic regressions (numpy, L2,
full-batch Adam): pass 1 on local features, pass 2 on local + context.
`--subset train` trains on the crc32-even half so the odd half stays held out
(`--subset test` the other way round, to inspect the train half honestly).
A trafeval page's labelled lines weigh TRAFEVAL_WEIGHT times more than their
share of the page (held out, 10 gave +1.7 snippet F1 over 1 on trafeval, wcxb
unchanged; 3, 5 and 20 were no better).
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import numpy as np

from bench.data import Page, load_set
from cleaner import _language
from cleaner._context import CONTEXT_FEATURES, context_features, core_span
from cleaner._features import LOCAL_FEATURES, local_features

WS = re.compile(r"\s+")
CORE_THRESHOLD = 0.5
# trafeval pages label only the few lines holding a snippet, so each weighs little
# beside a fully labelled wcxb page; this multiplies their weight.
TRAFEVAL_WEIGHT = 10.0


def norm(s: str) -> str:
    return WS.sub(" ", s).strip()


def page_lines(page: Page, kind: str) -> list[str]:
    return [s for s in (norm(x) for x in page.read(kind).split("\n")) if s]


TOKEN = re.compile(r"\w+")
# A line is body when this share of its word trigrams is in the truth body
# (exact matching misses lines rendered slightly differently from the truth).
MIN_TRIGRAM_SHARE = 0.5


def trigrams(tokens: list[str]) -> set[tuple[str, ...]]:
    return {tuple(tokens[i:i + 3]) for i in range(len(tokens) - 2)}


def body_labels(lines: list[str], body: str) -> list[float]:
    paragraphs = {norm(p) for p in body.split("\n\n")}
    flat = norm(body)
    truth = trigrams(TOKEN.findall(body.lower()))
    labels = []
    for ln in lines:
        tokens = TOKEN.findall(ln.lower())
        if len(tokens) < 3:
            hit = ln in paragraphs or (bool(tokens) and ln in flat and len(ln) >= 12)
        else:
            grams = trigrams(tokens)
            hit = len(grams & truth) / len(grams) >= MIN_TRIGRAM_SHARE
        labels.append(1.0 if hit else 0.0)
    return labels


def wcxb_samples(root: Path | None, subset: str) -> list[tuple[list[str], list[float]]]:
    out = []
    for page in load_set("wcxb", root, subset=subset):
        for kind in ("region", "page"):
            lines = page_lines(page, kind)
            out.append((lines, body_labels(lines, page.body)))
    return out


def trafeval_samples(root: Path | None, subset: str) -> list[tuple[list[str], list[float]]]:
    out = []
    for page in load_set("trafeval", root, subset=subset):
        lines = page_lines(page, "page")
        with_ = [norm(s) for s in page.with_ if s.strip()]
        without = [norm(s) for s in page.without if s.strip()]
        labels = []
        for ln in lines:
            if any(s in ln for s in with_):
                labels.append(1.0)
            elif any(s in ln for s in without):
                labels.append(0.0)
            else:
                labels.append(float("nan"))
        out.append((lines, labels))
    return out


def fit(x: np.ndarray, y: np.ndarray, w: np.ndarray, l2: float, steps: int = 30) -> np.ndarray:
    """Weighted L2-regularised logistic regression by Newton's method (IRLS)."""
    theta = np.zeros(x.shape[1])
    w = w / w.sum()
    eye = np.eye(x.shape[1])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(x @ theta)))
        grad = x.T @ ((p - y) * w) + l2 * theta
        hess = x.T @ (x * (w * p * (1 - p))[:, None]) + l2 * eye
        step = np.linalg.solve(hess, grad)
        theta -= step
        if np.abs(step).max() < 1e-6:
            break
    return theta


def one_hot(rows: list[list[int]], width: int) -> np.ndarray:
    x = np.zeros((len(rows), width))
    for r, idx in enumerate(rows):
        x[r, idx] = 1.0
    return x


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=None, help="bench-data folder (default ../shared/bench-data)")
    ap.add_argument("--subset", choices=("train", "test", "all"), default="all")
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "cleaner/data/line_model.json")
    ap.add_argument("--l2", type=float, default=1e-4)
    ap.add_argument("--trafeval-weight", type=float, default=TRAFEVAL_WEIGHT,
                    help="weight of a trafeval page's labelled lines relative to a wcxb page's")
    args = ap.parse_args()

    docs = [(lines, labs, 1.0) for lines, labs in wcxb_samples(args.data, args.subset)]
    docs += [(lines, labs, args.trafeval_weight) for lines, labs in trafeval_samples(args.data, args.subset)]
    rows, labels, weights, doc_of = [], [], [], []
    infos_per_doc = []
    for d, (lines, labs, factor) in enumerate(docs):
        infos = local_features(lines, _language.detect(lines))
        infos_per_doc.append(infos)
        tokens = [len(ln.split()) for ln in lines]
        total = sum(tokens) or 1
        for info, lab, tok in zip(infos, labs, tokens, strict=True):
            rows.append(info.active)
            labels.append(lab)
            # each page counts alike (the metric averages pages); long lines count more
            weights.append(factor * (1 + tok) / total * 100)
            doc_of.append(d)
    y = np.array(labels)
    known = ~np.isnan(y)
    w = np.array(weights)
    x1 = one_hot(rows, len(LOCAL_FEATURES))
    theta1 = fit(x1[known], y[known], w[known], args.l2)
    p1 = 1 / (1 + np.exp(-(x1 @ theta1)))

    ctx_rows: list[list[int]] = []
    start = 0
    for infos in infos_per_doc:
        scores = list(p1[start:start + len(infos)])
        ctx_rows += context_features(scores, infos, core_span(scores, [i.weight for i in infos], CORE_THRESHOLD))
        start += len(infos)
    x2 = np.hstack([x1, one_hot(ctx_rows, len(CONTEXT_FEATURES))])
    theta2 = fit(x2[known], y[known], w[known], args.l2)
    p2 = 1 / (1 + np.exp(-(x2 @ theta2)))
    for name, p in (("pass 1", p1), ("pass 2", p2)):
        acc = ((p[known] > 0.5) == (y[known] > 0.5)).mean()
        print(f"{name}: line accuracy on the training lines {acc:.3f}")
    print(f"lines {known.sum()} (body {int(y[known].sum())})")

    model = {
        "about": "line classifier weights; trained by bench/train_lines.py, subset=" + args.subset,
        "core_threshold": CORE_THRESHOLD,
        "pass1": {n: round(float(v), 4) for n, v in zip(LOCAL_FEATURES, theta1, strict=True) if abs(v) > 1e-6},
        "pass2": {
            **{f"local:{n}": round(float(v), 4)
               for n, v in zip(LOCAL_FEATURES, theta2[:len(LOCAL_FEATURES)], strict=True) if abs(v) > 1e-6},
            **{f"ctx:{n}": round(float(v), 4)
               for n, v in zip(CONTEXT_FEATURES, theta2[len(LOCAL_FEATURES):], strict=True) if abs(v) > 1e-6},
        },
    }
    args.out.write_text(json.dumps(model, indent=1) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
