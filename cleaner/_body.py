"""Which lines are the body: the densest run of prose, minus the junk inside it.

Per-line scores alone drop real short lines (headings, list items) and keep
stray prose (a promo sentence in the footer). An article is one run of lines,
so: take the run that maximises sum(weight * (p - SPAN_THRESHOLD)) with
weight ~ length (long prose lines carry the article; short junk lines barely
move the sum, so the run bridges ads and captions inside it), keep what is
inside it unless it is clearly junk, and keep a line outside it only when the
classifier is sure.
"""

from __future__ import annotations

from dataclasses import dataclass

from ._classify import Scored
from ._features import dense_run

# The run grows only over real sentences of at least this many words...
EDGE_MIN_WORDS = 8
# ...stepping over at most this many known leftover lines between them.
EDGE_MAX_JUNK = 2


@dataclass(frozen=True, slots=True)
class BodyParams:
    # p above which a line pulls the run towards it (tuned by bench/tune_body.py)
    span_threshold: float = 0.65
    # inside the run, a line is dropped only when p is below this
    inside_threshold: float = 0.05
    # outside the run, a line is kept only when p is above this
    outside_threshold: float = 0.8
    # a further run of prose (after an ad block, a product box...) is body too when
    # it weighs at least this share of the main run
    secondary_share: float = 0.2
    # the run grows over neighbouring lines whose p is above this (the last
    # paragraph before a promo scores lower than the ones before it)
    edge_threshold: float = 0.3


DEFAULT_PARAMS = BodyParams()


def _grow(scored: Scored, probs: list[float], start: int, end: int, threshold: float) -> tuple[int, int]:
    """Grow [start, end) over neighbouring prose lines, stepping over up to
    EDGE_MAX_JUNK known leftovers ("Advertisement") between them."""

    def prose(i: int) -> bool:
        info = scored.infos[i]
        return probs[i] >= threshold and info.end == "sentence" and info.words >= EDGE_MIN_WORDS

    def step(i: int, direction: int) -> int | None:
        """The next prose line from i in `direction`, past known leftovers; None when there is none."""
        for _ in range(EDGE_MAX_JUNK + 1):
            if not 0 <= i < len(probs):
                return None
            if prose(i):
                return i
            if scored.infos[i].phrase is None:
                return None
            i += direction
        return None

    while (i := step(start - 1, -1)) is not None:
        start = i
    while (i := step(end, 1)) is not None:
        end = i + 1
    return start, end


def select(scored: Scored, params: BodyParams = DEFAULT_PARAMS) -> list[bool]:
    """keep[i]: whether line i belongs to the body."""
    probs = [0.0 if info.phrase is not None else p for p, info in zip(scored.probability, scored.infos, strict=True)]
    inside = [False] * len(probs)
    values = [info.weight * (p - params.span_threshold) for info, p in zip(scored.infos, probs, strict=True)]
    for start, end in _runs(values, params.secondary_share):
        start, end = _grow(scored, probs, start, end, params.edge_threshold)
        inside[start:end] = [True] * (end - start)
    return [p >= (params.inside_threshold if inside[i] else params.outside_threshold) for i, p in enumerate(probs)]


def _runs(values: list[float], share: float) -> list[tuple[int, int]]:
    """The densest run, then the densest runs left and right of it that weigh at
    least `share` of it, recursively."""
    start, end, best = dense_run(values)
    if end <= start:
        return []
    runs = [(start, end)]
    pending = [(0, start), (end, len(values))]
    while pending:
        lo, hi = pending.pop()
        s, e, score = dense_run(values, lo, hi)
        if e > s and score >= share * best:
            runs.append((s, e))
            pending += [(lo, s), (e, hi)]
    return runs
