"""Line features for the line classifier: one pass over the lines of a document.

Most features are one-hot bins (word count, stopword share, ...), so the
linear model in `_classify` can learn non-linear shapes. The second pass adds
context: the first-pass scores of the neighbours and where the densest run of
prose lies. Feature names are data: the shipped model stores them, and a
mismatch with this file fails loudly.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from . import _language, _phrases
from ._model import Category

WORD_BINS = (1, 2, 3, 4, 6, 9, 14, 24, 49)
CHAR_BINS = (10, 20, 40, 80, 160, 320)
SHARE_BINS = (0.0001, 0.1, 0.2, 0.3, 0.4, 0.55)
POSITION_BINS = 10
CONTEXT_BINS = (0.1, 0.25, 0.4, 0.5, 0.6, 0.75, 0.9)
CORE_DISTANCE_BINS = (0, 1, 2, 4, 8, 16, 32)
# Lines to the nearest confident body line (first-pass p above CONFIDENT).
GAP_BINS = (1, 2, 3, 5, 8, 13)
CONFIDENT = 0.7
# Characters that weigh as one word in text without spaces (CJK, Thai).
CHARS_PER_WORD = 6

SENTENCE_END_CHARS = frozenset(".!?…。！？")
CLOSING_CHARS = "\"'”’»)]"
QUOTE_CHARS = frozenset("\"”’'»")
BULLET_START = re.compile(r"(?:[-–—*•·▪►✓✔➤]|\d{1,2}[.)]\s|[a-z][.)]\s)")
URLISH = re.compile(r"https?://|www\.|@\w+\.\w|\.(?:com|org|net|de|fr|es|uk)\b", re.I)
SEPARATORS = re.compile(r"\s[|•·»›/]\s|\s\|\S|\S\|\s")
DROP_DIGITS = str.maketrans("", "", "0123456789")


def _bin(value: float, edges: Sequence[float]) -> int:
    """Index of the first edge >= value (len(edges) past the last)."""
    return bisect_left(edges, value)


def _binned(name: str, edges: Sequence[float]) -> list[str]:
    """Names of a one-hot group: NAME<=edge for each edge, then NAME>last."""
    return [f"{name}<={e}" for e in edges] + [f"{name}>{edges[-1]}"]


LOCAL_FEATURES = [
    "bias",
    *_binned("words", WORD_BINS),
    *_binned("chars", CHAR_BINS),
    *_binned("stop", SHARE_BINS),
    *(f"{n}&long" for n in _binned("stop", SHARE_BINS)),  # stopword share of lines of 8+ words
    *_binned("caps", SHARE_BINS),
    *_binned("digits", SHARE_BINS),
    *(f"pos={i}" for i in range(POSITION_BINS)),
    "end:sentence", "end:colon", "end:comma", "end:none", "end:quote", "bullet", "urlish", "separators",
    "repeated", "repeated3", "first", "last", "commas1", "commas3", "parens", "no-stoplang",
    *(f"phrase:{c.value}" for c in Category),
]
CONTEXT_FEATURES = [
    *(f for side in ("prev", "next") for k in (1, 3) for f in _binned(f"{side}{k}", CONTEXT_BINS)),
    *_binned("self", CONTEXT_BINS),
    *_binned("core-dist", CORE_DISTANCE_BINS),
    "before-core", "after-core", "core-short",
    # crosses, so the linear model can weigh a short line inside the run unlike one outside it
    *(f"{where}&words{w}" for where in ("in", "before", "after") for w in range(len(WORD_BINS) + 1)),
    *(f"{where}&{end}" for where in ("in", "before", "after") for end in ("sentence", "plain", "other")),
    *(f"prev1:{a}&next1:{b}" for a in ("low", "mid", "high") for b in ("low", "mid", "high")),
    *_binned("gap", GAP_BINS),
]
_IX = {n: i for i, n in enumerate(LOCAL_FEATURES)}
_CX = {n: i for i, n in enumerate(CONTEXT_FEATURES)}
# First index of each one-hot group, so the hot loops add a bin to a constant.
_CHARS, _STOP, _CAPS, _DIGITS = _IX["chars<=10"], _IX["stop<=0.0001"], _IX["caps<=0.0001"], _IX["digits<=0.0001"]
_POS, _STOP_LONG = _IX["pos=0"], _IX["stop<=0.0001&long"]
_END = {"sentence": _IX["end:sentence"], "colon": _IX["end:colon"], "comma": _IX["end:comma"],
        "quote": _IX["end:quote"], "none": _IX["end:none"]}
_SELF, _CORE_DIST, _GAP = _CX["self<=0.1"], _CX["core-dist<=0"], _CX["gap<=1"]
_WINDOWS = [(side, k, _CX[f"{side}{k}<=0.1"]) for side in ("prev", "next") for k in (1, 3)]
_WHERE_WORDS = {w: _CX[f"{w}&words0"] for w in ("in", "before", "after")}
_WHERE_END = {(w, e): _CX[f"{w}&{e}"] for w in ("in", "before", "after") for e in ("sentence", "plain", "other")}
_NEIGHBOURS = {(a, b): _CX[f"prev1:{a}&next1:{b}"] for a in ("low", "mid", "high") for b in ("low", "mid", "high")}


@dataclass(slots=True)
class LineInfo:
    """What the later stages need to know about one line besides its features."""

    words: int
    weight: int
    end: str  # "sentence", "plain" (no final punctuation) or "other"
    phrase: tuple[Category, str] | None
    active: list[int]


def local_features(lines: Sequence[str], language: str) -> list[LineInfo]:
    """One-hot local features of each line (indices into LOCAL_FEATURES)."""
    stop = _language.stoplist(language) if language else frozenset()
    counts = Counter(lines)
    n = len(lines)
    out: list[LineInfo] = []
    for i, line in enumerate(lines):
        words = line.split()
        nw = len(words)
        tokens = _language.WORD.findall(line.lower())
        nt = len(tokens) or 1
        stop_share = sum(map(stop.__contains__, tokens)) / nt
        caps = sum([w[0].isupper() for w in words]) / (nw or 1)
        digits = (len(line) - len(line.translate(DROP_DIGITS))) / len(line)
        active = [0,
                  1 + _bin(nw, WORD_BINS),
                  _CHARS + _bin(len(line), CHAR_BINS),
                  _STOP + _bin(stop_share, SHARE_BINS),
                  _CAPS + _bin(caps, SHARE_BINS),
                  _DIGITS + _bin(digits, SHARE_BINS),
                  _POS + min(POSITION_BINS - 1, i * POSITION_BINS // n)]
        if nw >= 8:
            active.append(_STOP_LONG + _bin(stop_share, SHARE_BINS))
        tail = line.rstrip(CLOSING_CHARS)
        last = line[-1]
        if tail and tail[-1] in SENTENCE_END_CHARS:
            end = "sentence"
        elif last == ":":
            end = "colon"
        elif last in ",;":
            end = "comma"
        elif last in QUOTE_CHARS:
            end = "quote"
        else:
            end = "none"
        active.append(_END[end])
        if BULLET_START.match(line):
            active.append(_IX["bullet"])
        if ("." in line or "@" in line) and URLISH.search(line):
            active.append(_IX["urlish"])
        if SEPARATORS.search(line):
            active.append(_IX["separators"])
        if counts[line] > 1:
            active.append(_IX["repeated"])
            if counts[line] > 2:
                active.append(_IX["repeated3"])
        if i == 0:
            active.append(_IX["first"])
        if i == n - 1:
            active.append(_IX["last"])
        commas = line.count(",") + line.count("،") + line.count("、")
        if commas:
            active.append(_IX["commas1"] if commas < 3 else _IX["commas3"])
        if "(" in line:
            active.append(_IX["parens"])
        if not stop:
            active.append(_IX["no-stoplang"])
        phrase = _phrases.match(line)
        if phrase is not None:
            active.append(_IX[f"phrase:{phrase[0].value}"])
        shape = "sentence" if end == "sentence" else "plain" if end == "none" else "other"
        out.append(LineInfo(nw, line_weight(line, nw), shape, phrase, active))
    return out


def line_weight(line: str, words: int) -> int:
    """How much a line counts: its words, or its length for text without spaces (CJK, Thai)."""
    return max(words, len(line) // CHARS_PER_WORD, 1)


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


def _level(p: float) -> str:
    return "low" if p < 0.3 else "high" if p > 0.7 else "mid"


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
    out: list[list[int]] = []
    for i in range(n):
        feats = [_SELF + _bin(scores[i], CONTEXT_BINS)]
        for side, k, base in _WINDOWS:
            lo, hi = (max(0, i - k), i) if side == "prev" else (i + 1, min(n, i + 1 + k))
            mean = (prefix[hi] - prefix[lo]) / (hi - lo) if hi > lo else 0.0
            feats.append(base + _bin(mean, CONTEXT_BINS))
        if i < start:
            dist, where = start - i, "before"
            feats.append(_CX["before-core"])
        elif i >= end:
            dist, where = i - end + 1, "after"
            feats.append(_CX["after-core"])
        else:
            dist, where = 0, "in"
        feats.append(_CORE_DIST + _bin(dist, CORE_DISTANCE_BINS))
        if short_core:
            feats.append(_CX["core-short"])
        info = infos[i]
        feats.append(_WHERE_WORDS[where] + _bin(info.words, WORD_BINS))
        feats.append(_WHERE_END[where, info.end])
        prev1 = scores[i - 1] if i > 0 else 0.0
        next1 = scores[i + 1] if i + 1 < n else 0.0
        feats.append(_NEIGHBOURS[_level(prev1), _level(next1)])
        feats.append(_GAP + _bin(min(i - last_confident[i], next_confident[i] - i), GAP_BINS))
        out.append(feats)
    return out
