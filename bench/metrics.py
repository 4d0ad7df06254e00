"""Benchmark metrics, exactly as ../shared/bench-data/README.md defines them. Pure functions.

Body (Zyte article-extraction-benchmark, `evaluate.py` of
scrapinghub/article-extraction-benchmark, reproduced here):

- tokens are `re.findall(r"\\w+", text)`, **case kept** (Zyte compiles the pattern
  with re.IGNORECASE, which changes nothing for `\\w` and does not lower-case the
  tokens; so "The" and "the" differ, as in the published numbers);
- shingles are the multiset of 4-grams of tokens; a text of 1-3 tokens gives one
  shorter shingle (all its tokens), an empty text none (Zyte's `_ngrams`);
- per page TP = sum of min counts, FP = excess in output, FN = missing from output,
  then all three divided by their sum (so every page weighs the same);
- page precision = TP/(TP+FP), 1 when FP = FN = 0; recall likewise with FN;
- mean precision over pages with TP+FP > 0, mean recall over pages with TP+FN > 0;
  F1 = harmonic mean of the two means (not a mean of page F1s).
  An empty output on a non-empty truth has TP = FP = 0, FN = 1: recall 0, and
  (as in Zyte) it is left out of the precision mean.

Snippets (trafilatura's evaluation): white space runs collapsed to one space in
output and snippets; a `with` snippet found in the output is a TP, else an FN; a
`without` snippet found is an FP, else a TN. Counts are summed over pages, then
P = TP/(TP+FP), R = TP/(TP+FN), F1 from those.

Title: exact match after `normalize_title` on both sides.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

NGRAM_N = 4
_TOKEN_RE = re.compile(r"\w+")
_WS_RE = re.compile(r"\s+")


# ---------------------------------------------------------------- body (Zyte)

def tokenize(text: str | None) -> list[str]:
    """`\\w+` tokens, case kept (see module doc)."""
    return _TOKEN_RE.findall(text or "")


def shingles(text: str | None, n: int = NGRAM_N) -> Counter[tuple[str, ...]]:
    """Multiset of n-gram shingles; 1..n-1 tokens give one shorter shingle; no tokens, none."""
    tokens = tokenize(text)
    if len(tokens) < n:
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(zip(*(tokens[i:] for i in range(n)), strict=False))


@lru_cache(maxsize=16)
def _truth_shingles(truth: str, n: int) -> tuple[Counter[tuple[str, ...]], int]:
    """Truth shingles and their count, memoised: one page's truth is scored against many outputs."""
    t = shingles(truth, n)
    return t, sum(t.values())


def body_counts(truth: str | None, output: str | None, n: int = NGRAM_N) -> tuple[float, float, float]:
    """(TP, FP, FN) of one page, normalised to sum to 1 (all 0 when both texts are empty)."""
    t, t_total = _truth_shingles(truth or "", n)
    o = shingles(output, n)
    tp = sum(min(c, t[k]) for k, c in o.items() if k in t)
    fp = sum(o.values()) - tp      # output shingles beyond their count in the truth
    fn = t_total - tp              # truth shingles beyond their count in the output
    s = tp + fp + fn
    if s == 0:
        return (0.0, 0.0, 0.0)
    return (tp / s, fp / s, fn / s)


def precision_score(tp: float, fp: float, fn: float) -> float:
    if fp == 0 and fn == 0:
        return 1.0
    if tp == 0 and fp == 0:
        return 0.0
    return tp / (tp + fp)


def recall_score(tp: float, fp: float, fn: float) -> float:
    if fp == 0 and fn == 0:
        return 1.0
    if tp == 0 and fn == 0:
        return 0.0
    return tp / (tp + fn)


@dataclass(frozen=True)
class PageBody:
    """One page's body scores: precision is None when the page has TP+FP = 0 (empty output)."""

    precision: float | None
    recall: float | None
    f1: float


def page_body_scores(counts: tuple[float, float, float]) -> PageBody:
    """Per-page P, R and F1 (for inspecting pages; the set's F1 comes from `aggregate_body`).

    An empty output on a non-empty truth gives P None, R 0, F1 0.
    """
    tp, fp, fn = counts
    p = precision_score(tp, fp, fn) if tp + fp > 0 else None
    r = recall_score(tp, fp, fn) if tp + fn > 0 else None
    if p is None and r is None:  # both texts empty: nothing to get wrong
        return PageBody(None, None, 1.0)
    pp = 0.0 if p is None else p
    rr = 1.0 if r is None else r
    f1 = 2 * pp * rr / (pp + rr) if pp + rr > 0 else 0.0
    return PageBody(p, r, f1)


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    f1: float


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r > 0 else 0.0


def aggregate_body(counts: Iterable[tuple[float, float, float]]) -> Scores:
    """Zyte's `metrics_from_tp_fp_fns`: mean P over pages with TP+FP>0, mean R over TP+FN>0.

    Where no page qualifies (Zyte would raise), the mean is 0.
    """
    ps: list[float] = []
    rs: list[float] = []
    for tp, fp, fn in counts:
        if tp + fp > 0:
            ps.append(precision_score(tp, fp, fn))
        if tp + fn > 0:
            rs.append(recall_score(tp, fp, fn))
    p = sum(ps) / len(ps) if ps else 0.0
    r = sum(rs) / len(rs) if rs else 0.0
    return Scores(p, r, _f1(p, r))


# ---------------------------------------------------------------- snippets (trafilatura)

def collapse_ws(text: str | None) -> str:
    return _WS_RE.sub(" ", text or "").strip()


@dataclass(frozen=True)
class SnippetCounts:
    tp: int
    fn: int
    fp: int
    tn: int


def snippet_counts(output: str | None, with_: Sequence[str], without: Sequence[str]) -> SnippetCounts:
    """Count one page's snippets in the output (None counts as empty output)."""
    text = collapse_ws(output)
    tp = fn = fp = tn = 0
    for s in with_:
        if collapse_ws(s) in text:
            tp += 1
        else:
            fn += 1
    for s in without:
        if collapse_ws(s) in text:
            fp += 1
        else:
            tn += 1
    return SnippetCounts(tp, fn, fp, tn)


def snippet_page_scores(c: SnippetCounts) -> Scores:
    """One page's snippet P/R/F1 (for inspecting pages). P is 1 when nothing was found at all
    and nothing should have been; 0 when the output holds no snippet but should have."""
    p = c.tp / (c.tp + c.fp) if c.tp + c.fp else (1.0 if c.tp + c.fn == 0 else 0.0)
    r = c.tp / (c.tp + c.fn) if c.tp + c.fn else 1.0
    return Scores(p, r, _f1(p, r))


def aggregate_snippets(counts: Iterable[SnippetCounts]) -> Scores:
    """Micro-average: sum TP, FP, FN over pages, then P, R, F1 (0 where undefined)."""
    tp = fp = fn = 0
    for c in counts:
        tp += c.tp
        fp += c.fp
        fn += c.fn
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return Scores(p, r, _f1(p, r))


# ---------------------------------------------------------------- title

_TITLE_MAP = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'",   # ‘ ’ ‚ ‛
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"',   # “ ” „ ‟
    "\u2013": "-", "\u2014": "-",                                  # en, em dash
})
#: stripped at both ends after mapping: quotes, dots, colons, semicolons, dashes, bars (and spaces)
_TITLE_STRIP = "'\".:;-| "


def normalize_title(title: str | None) -> str:
    """Curly quotes and en/em dashes to plain, white space collapsed, lower-cased,
    quotes, dots, colons, semicolons, dashes and bars stripped at both ends."""
    t = (title or "").translate(_TITLE_MAP)
    t = collapse_ws(t).lower()
    return t.strip(_TITLE_STRIP)


def title_match(output: str | None, truth: str | None) -> bool | None:
    """True/False for an exact match after normalisation; None when there is no truth title."""
    want = normalize_title(truth)
    if not want:
        return None
    return normalize_title(output) == want
