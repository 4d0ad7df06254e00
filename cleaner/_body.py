"""Which lines are the body: the densest run of prose, minus the junk inside it.

Per-line scores alone drop real short lines (headings, list items) and keep
stray prose (a promo sentence in the footer). An article is one run of lines,
so: take the run that maximises sum(weight * (p - SPAN_THRESHOLD)) with
weight ~ length (long prose lines carry the article; short junk lines barely
move the sum, so the run bridges ads and captions inside it), keep what is
inside it unless it is clearly junk, and keep a line outside it only when the
classifier is sure. The run grows at its edges over further sentences, and
reaches across a table or a list to the paragraph after it (`_bridge`).

Two of Boilerpipe's "terminating blocks" bound the run: a related-articles or
comments label ("Ähnliche Beiträge", "Leave a reply") once most of the run's
prose lies above it ends that run (the teasers below it read like prose), and
the first comments label past the main run's prose ends the article: nothing
after it is body (comments are prose too, often scored higher than the article).
"""

from __future__ import annotations

from dataclasses import dataclass

from ._classify import Scored
from ._context import dense_run
from ._model import Category

# The run grows only over real sentences of at least this many words...
EDGE_MIN_WORDS = 8
# ...stepping over at most this many known leftover lines or short lines
# (a byline, a date) between them.
EDGE_MAX_JUNK = 2
# Growing upwards, known leftovers (a share bar, a dateline, "Advertisement") do not count against
# that: the run steps over up to this many more of them, to the standfirst above a byline and a
# share bar...
EDGE_MAX_KNOWN = 12
# ...with at most this many unknown short lines among them (more, and it is a headline and a menu
# with a slogan above them). Downwards known leftovers lead to author bios and newsletter blurbs
# after the share bar: there the plain budget holds.
EDGE_MAX_JUNK_PAST_KNOWN = 1
# Past its edge the run reaches the next paragraph (p above span_threshold) up to this many lines
# away when no line between scores below BRIDGE_MIN_P: a table or a list inside the article
# (a known leftover, scored 0, ends the reach, but for those of INSIDE_CATEGORIES).
BRIDGE_MAX_LINES = 40
BRIDGE_MIN_P = 0.2
# Known leftovers that stand inside articles, between paragraphs and list items (an ad, a caption,
# an embedded post's label): the reach steps over them. (Over all known leftovers, it reached past
# share bars into teasers: 45 whole-page texts lost, 6 gained.)
INSIDE_CATEGORIES = frozenset({Category.ADVERTISEMENT, Category.CAPTION})
# A run ends at a label of these categories once this share of its prose is above it.
RUN_END_CATEGORIES = frozenset({Category.RELATED, Category.COMMENTS})
# The article ends at a label of these categories once this share of the main run's prose is above it.
ARTICLE_END_CATEGORIES = frozenset({Category.COMMENTS})


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
    secondary_share: float = 0.1
    # the run grows over neighbouring lines whose p is above this (the last
    # paragraph before a promo scores lower than the ones before it)
    edge_threshold: float = 0.3
    # growing, the run steps over lines of at most this many words (a byline, a date)
    edge_skip_words: int = 4
    # share of a run's prose above a related/comments label for the label to end the run
    # (0.3 scored the same held out, but cut articles that go on after a mid-text "Further reading")
    run_end_share: float = 0.6
    # share of the main run's prose above a comments label for it to end the article...
    article_end_share: float = 0.5
    # ...or words of prose above it (comments may weigh more than the article, inside its run)
    article_end_words: int = 150


DEFAULT_PARAMS = BodyParams()


def _grow(scored: Scored, probs: list[float], start: int, end: int, params: BodyParams) -> tuple[int, int]:
    """Grow [start, end) over neighbouring prose lines, stepping over up to
    EDGE_MAX_JUNK known leftovers ("Advertisement") or short lines between them."""

    def prose(i: int) -> bool:
        info = scored.infos[i]
        return probs[i] >= params.edge_threshold and info.end == "sentence" and info.words >= EDGE_MIN_WORDS

    def step(i: int, direction: int) -> int | None:
        """The next prose line from i in `direction`, past leftovers; None when there is none."""
        junk = known = 0
        while 0 <= i < len(probs):
            if prose(i):
                return i
            info = scored.infos[i]
            if info.phrase is None:
                if info.words > params.edge_skip_words:
                    return None
                junk += 1
            else:
                known += 1
            skipped = junk + known
            if skipped > EDGE_MAX_JUNK and (direction > 0 or skipped > EDGE_MAX_JUNK + EDGE_MAX_KNOWN
                                            or junk > EDGE_MAX_JUNK_PAST_KNOWN):
                return None
            i += direction
        return None

    while (i := step(start - 1, -1)) is not None:
        start = i
    while (i := step(end, 1)) is not None:
        end = i + 1
    return start, end


def _bridge(scored: Scored, probs: list[float], start: int, end: int, params: BodyParams) -> tuple[int, int]:
    """Extend [start, end) to paragraphs past a table or a list at its edges (see BRIDGE_MAX_LINES),
    growing again from each."""

    def reach(i: int, direction: int) -> int | None:
        """The next paragraph from i in `direction` within reach; None when there is none."""
        for j in range(i, i + direction * (BRIDGE_MAX_LINES + 1), direction):
            if not 0 <= j < len(probs):
                return None
            info = scored.infos[j]
            if probs[j] < BRIDGE_MIN_P and (info.phrase is None or info.phrase[0] not in INSIDE_CATEGORIES):
                return None
            if probs[j] >= params.span_threshold and info.end == "sentence" and info.words >= EDGE_MIN_WORDS:
                return j
        return None

    while True:
        down, up = reach(end, 1), reach(start - 1, -1)
        if down is None and up is None:
            return start, end
        if down is not None:
            end = down + 1
        if up is not None:
            start = up
        start, end = _grow(scored, probs, start, end, params)


def _end_label(scored: Scored, probs: list[float], run: tuple[int, int], search_end: int, threshold: float,
               categories: frozenset[Category], share: float, words: float = float("inf")) -> int | None:
    """The first label of `categories` in lines[run start:search_end] with at least `share` of the
    run's prose weight (lines with p >= threshold), or `words` of it, above it; None when there is none."""
    infos = scored.infos
    start, end = run
    total = sum(infos[i].weight for i in range(start, end) if probs[i] >= threshold)
    needed = min(share * total, words)
    above = 0
    for i in range(start, search_end):
        info = infos[i]
        if info.phrase is not None and info.phrase[0] in categories and above >= needed:
            return i
        if i < end and probs[i] >= threshold:
            above += info.weight
    return None


def select(scored: Scored, params: BodyParams = DEFAULT_PARAMS) -> list[bool]:
    """keep[i]: whether line i belongs to the body."""
    probs = [0.0 if info.phrase is not None else p for p, info in zip(scored.probability, scored.infos, strict=True)]
    n = len(probs)
    values = [info.weight * (p - params.span_threshold) for info, p in zip(scored.infos, probs, strict=True)]
    runs = _runs(values, params.secondary_share)
    if runs:
        # Comments may start after a gap below the main run: search the rest of the page.
        cut = _end_label(scored, probs, runs[0], n, params.span_threshold, ARTICLE_END_CATEGORIES,
                         params.article_end_share, params.article_end_words)
        if cut is not None:
            probs[cut:] = [0.0] * (n - cut)
            runs = [(s, min(e, cut)) for s, e in runs if s < cut]
    inside = [False] * n
    for run in runs:
        start, end = _bridge(scored, probs, *_grow(scored, probs, *run, params), params)
        stop = _end_label(scored, probs, (start, end), end, params.span_threshold, RUN_END_CATEGORIES,
                          params.run_end_share)
        if stop is not None:
            end = stop
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
