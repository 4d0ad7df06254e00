"""Context features for the line classifier's second pass: the first-pass scores of a line's
neighbours, and where it stands relative to the densest run of prose (the core).

`context_features` lists each line's features (for training); `context_sums` gives the same
weight sums a column at a time (at run time). Feature names are data, as in `_features`.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from itertools import accumulate, repeat
from operator import add, sub, truediv

from ._features import WORD_BIN, WORD_BINS, LineInfo, binned

CONTEXT_BINS = (0.1, 0.25, 0.4, 0.5, 0.6, 0.75, 0.9)
CORE_DISTANCE_BINS = (0, 1, 2, 4, 8, 16, 32)
# Lines to the nearest confident body line (first-pass p above CONFIDENT).
GAP_BINS = (1, 2, 3, 5, 8, 13)
CONFIDENT = 0.7
CONTEXT_FEATURES = [
    *(f for side in ("prev", "next") for k in (1, 3) for f in binned(f"{side}{k}", CONTEXT_BINS)),
    *binned("self", CONTEXT_BINS),
    *binned("core-dist", CORE_DISTANCE_BINS),
    "before-core", "after-core", "core-short",
    # crosses, so the linear model can weigh a short line inside the run unlike one outside it
    *(f"{where}&words{w}" for where in ("in", "before", "after") for w in range(len(WORD_BINS) + 1)),
    *(f"{where}&{end}" for where in ("in", "before", "after") for end in ("sentence", "plain", "other")),
    *(f"prev1:{a}&next1:{b}" for a in ("low", "mid", "high") for b in ("low", "mid", "high")),
    *binned("gap", GAP_BINS),
]
_CX = {n: i for i, n in enumerate(CONTEXT_FEATURES)}
# First index of each one-hot group, so the loops add a bin to a constant.
_SELF, _CORE_DIST, _GAP = _CX["self<=0.1"], _CX["core-dist<=0"], _CX["gap<=1"]
_PREV1, _PREV3, _NEXT1, _NEXT3 = (_CX[f"{side}{k}<=0.1"] for side in ("prev", "next") for k in (1, 3))
_BEFORE_CORE, _AFTER_CORE, _CORE_SHORT = _CX["before-core"], _CX["after-core"], _CX["core-short"]
# Per place relative to the core: (first of its words group, its line-end features by shape).
_IN, _BEFORE, _AFTER = ((_CX[f"{w}&words0"], {e: _CX[f"{w}&{e}"] for e in ("sentence", "plain", "other")})
                        for w in ("in", "before", "after"))
_LEVELS = ("low", "mid", "high")
_NEIGHBOUR_PAIRS = [[_CX[f"prev1:{a}&next1:{b}"] for b in _LEVELS] for a in _LEVELS]


def dense_run(values: Sequence[float], lo: int = 0, hi: int | None = None) -> tuple[int, int, float]:
    """(start, end, sum) of the run of values[lo:hi] with the largest positive sum (empty when none)."""
    best, best_span = 0.0, (lo, lo)
    run, start = 0.0, lo
    for i in range(lo, len(values) if hi is None else hi):
        if run <= 0:
            run, start = 0.0, i
        run += values[i]
        if run > best:
            best, best_span = run, (start, i + 1)
    return best_span[0], best_span[1], best


def core_span(scores: Sequence[float], weights: Sequence[int], threshold: float) -> tuple[int, int]:
    """The densest run of prose: the run maximising sum(weight * (score - threshold))."""
    start, end, _ = dense_run([w * (s - threshold) for w, s in zip(weights, scores, strict=True)])
    return start, end


def _level(p: float) -> int:
    """The index in _LEVELS of a score: low, mid or high."""
    return 0 if p < 0.3 else 2 if p > 0.7 else 1


def _confident_neighbours(scores: Sequence[float]) -> tuple[list[int], list[int]]:
    """For each line, the index of the nearest confident line at or before it, and at or after it
    (far sentinels when there is none)."""
    n = len(scores)
    far = 10 * n + 100
    before, after = [-far] * n, [far] * n
    last = -far
    for i, s in enumerate(scores):
        if s > CONFIDENT:
            last = i
        before[i] = last
    nxt = far
    for i in range(n - 1, -1, -1):
        if scores[i] > CONFIDENT:
            nxt = i
        after[i] = nxt
    return before, after


def context_features(scores: Sequence[float], infos: Sequence[LineInfo], core: tuple[int, int]) -> list[list[int]]:
    """One-hot context features of each line (indices into CONTEXT_FEATURES)."""
    n = len(scores)
    start, end = core
    prefix = [0.0]  # prefix sums for windowed means
    for s in scores:
        prefix.append(prefix[-1] + s)
    last_confident, next_confident = _confident_neighbours(scores)
    short_core = end - start < 3
    levels = [_level(s) for s in scores]
    top_word = len(WORD_BIN) - 1
    out: list[list[int]] = []
    for i in range(n):
        # means of the previous 1 and 3 and the next 1 and 3 lines' scores (0 when there are none)
        lo1, lo3, hi1, hi3 = max(0, i - 1), max(0, i - 3), min(n, i + 2), min(n, i + 4)
        feats = [_SELF + bisect_left(CONTEXT_BINS, scores[i]),
                 _PREV1 + bisect_left(CONTEXT_BINS, (prefix[i] - prefix[lo1]) / (i - lo1) if i > lo1 else 0.0),
                 _PREV3 + bisect_left(CONTEXT_BINS, (prefix[i] - prefix[lo3]) / (i - lo3) if i > lo3 else 0.0),
                 _NEXT1 + bisect_left(CONTEXT_BINS,
                                      (prefix[hi1] - prefix[i + 1]) / (hi1 - i - 1) if hi1 > i + 1 else 0.0),
                 _NEXT3 + bisect_left(CONTEXT_BINS,
                                      (prefix[hi3] - prefix[i + 1]) / (hi3 - i - 1) if hi3 > i + 1 else 0.0)]
        if i < start:
            dist, where = start - i, _BEFORE
            feats.append(_BEFORE_CORE)
        elif i >= end:
            dist, where = i - end + 1, _AFTER
            feats.append(_AFTER_CORE)
        else:
            dist, where = 0, _IN
        feats.append(_CORE_DIST + bisect_left(CORE_DISTANCE_BINS, dist))
        if short_core:
            feats.append(_CORE_SHORT)
        info = infos[i]
        feats.append(where[0] + WORD_BIN[min(info.words, top_word)])
        feats.append(where[1][info.end])
        feats.append(_NEIGHBOUR_PAIRS[levels[i - 1] if i > 0 else 0][levels[i + 1] if i + 1 < n else 0])
        feats.append(_GAP + bisect_left(GAP_BINS, min(i - last_confident[i], next_confident[i] - i)))
        out.append(feats)
    return out


def context_sums(scores: Sequence[float], infos: Sequence[LineInfo], core: tuple[int, int],
                 weights: Sequence[float]) -> list[float]:
    """For each line, `sum(weights[f] for f in its context_features)`, added in the same order (so
    the very same float), computed a column at a time instead of a list of features a line.

    A feature a line lacks adds 0.0, which leaves a sum as it is (up to the sign of a zero)."""
    n = len(scores)
    if not n:
        return []
    start, end = core
    w = list(weights)

    def table(first: int, size: int) -> list[float]:
        return w[first:first + size]

    bins = len(CONTEXT_BINS) + 1
    prefix = list(accumulate(scores, initial=0.0))  # the same additions as context_features' prefix sums
    # means of the previous 1 and 3 and the next 1 and 3 lines' scores (0 when there are none)
    prev1 = [0.0, *map(sub, prefix[1:n], prefix[0:n - 1])]
    prev3 = [0.0]
    if n > 1:
        prev3.append(prefix[1] - prefix[0])
    if n > 2:
        prev3.append((prefix[2] - prefix[0]) / 2)
    prev3 += map(truediv, map(sub, prefix[3:n], prefix[0:n - 3]), repeat(3))
    next1 = [*map(sub, prefix[2:n + 1], prefix[1:n]), 0.0]
    next3 = [*map(truediv, map(sub, prefix[4:n + 1], prefix[1:n - 2]), repeat(3)),
             *[(prefix[n] - prefix[i + 1]) / (n - i - 1) for i in range(max(0, n - 3), n - 1)], 0.0]
    # 0 + the first weight, as sum() starts from 0
    sums = list(map(add, repeat(0.0), map(table(_SELF, bins).__getitem__,
                                          map(bisect_left, repeat(CONTEXT_BINS), scores))))
    for first, means in ((_PREV1, prev1), (_PREV3, prev3), (_NEXT1, next1), (_NEXT3, next3)):
        sums = list(map(add, sums, map(table(first, bins).__getitem__, map(bisect_left, repeat(CONTEXT_BINS), means))))
    before, inside, after = start, end - start, n - end
    sides = [*repeat(w[_BEFORE_CORE], before), *repeat(0.0, inside), *repeat(w[_AFTER_CORE], after)]
    sums = list(map(add, sums, sides))
    core_dist = table(_CORE_DIST, len(CORE_DISTANCE_BINS) + 1)
    dist_bins = [*map(bisect_left, repeat(CORE_DISTANCE_BINS), range(start, 0, -1)), *repeat(0, inside),
                 *map(bisect_left, repeat(CORE_DISTANCE_BINS), range(1, after + 1))]
    sums = list(map(add, sums, map(core_dist.__getitem__, dist_bins)))
    if end - start < 3:
        sums = list(map(add, sums, repeat(w[_CORE_SHORT])))
    top_word = len(WORD_BIN) - 1
    word_bins = list(map(WORD_BIN.__getitem__, map(min, (info.words for info in infos), repeat(top_word))))
    shapes = [info.end for info in infos]
    for place, lo, hi in ((_BEFORE, 0, start), (_IN, start, end), (_AFTER, end, n)):
        words_w = table(place[0], top_word + 1)
        ends_w = {shape: w[i] for shape, i in place[1].items()}
        sums[lo:hi] = map(add, map(add, sums[lo:hi], map(words_w.__getitem__, word_bins[lo:hi])),
                          map(ends_w.__getitem__, shapes[lo:hi]))
    levels = [_level(s) for s in scores]
    pairs = [[w[i] for i in row] for row in _NEIGHBOUR_PAIRS]
    sums = list(map(add, sums, map(list.__getitem__, map(pairs.__getitem__, [0, *levels[:n - 1]]),
                                   [*levels[1:], 0])))
    last_confident, next_confident = _confident_neighbours(scores)
    gaps = map(min, map(sub, range(n), last_confident), map(sub, next_confident, range(n)))
    return list(map(add, sums, map(table(_GAP, len(GAP_BINS) + 1).__getitem__,
                                   map(bisect_left, repeat(GAP_BINS), gaps))))
