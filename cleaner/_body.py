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
from ._features import core_span


@dataclass(frozen=True, slots=True)
class BodyParams:
    # p above which a line pulls the run towards it (tuned by bench/tune_body.py)
    span_threshold: float = 0.4
    # inside the run, a line is dropped only when p is below this
    inside_threshold: float = 0.2
    # outside the run, a line is kept only when p is above this
    outside_threshold: float = 1.01  # tuning found no line outside the run worth keeping


DEFAULT_PARAMS = BodyParams()


def select(scored: Scored, params: BodyParams = DEFAULT_PARAMS) -> list[bool]:
    """keep[i]: whether line i belongs to the body."""
    probs = [0.0 if info.phrase is not None else p for p, info in zip(scored.probability, scored.infos, strict=True)]
    start, end = core_span(probs, [info.weight for info in scored.infos], params.span_threshold)
    return [
        p >= (params.inside_threshold if start <= i < end else params.outside_threshold)
        for i, p in enumerate(probs)
    ]
