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
# Characters that weigh as one word in text without spaces (CJK, Thai).
CHARS_PER_WORD = 6

SENTENCE_END = re.compile(r"""[.!?…。！？]["'”’»)\]]*$""")
BULLET_START = re.compile(r"^(?:[-–—*•·▪►✓✔➤]|\d{1,2}[.)]\s|[a-z][.)]\s)")
URLISH = re.compile(r"https?://|www\.|\S+@\S+\.\w|\.(?:com|org|net|de|fr|es|uk)\b", re.I)
SEPARATORS = re.compile(r"\s[|•·»›/]\s|\s\|\S|\S\|\s")
DIGIT = re.compile(r"\d")


def _bin(value: float, edges: Sequence[float]) -> int:
    """Index of the first edge >= value (len(edges) past the last)."""
    return bisect_left(edges, value)


def _names() -> list[str]:
    names = ["bias"]
    names += [f"words<={e}" for e in WORD_BINS] + [f"words>{WORD_BINS[-1]}"]
    names += [f"chars<={e}" for e in CHAR_BINS] + [f"chars>{CHAR_BINS[-1]}"]
    names += [f"stop<={e}" for e in SHARE_BINS] + [f"stop>{SHARE_BINS[-1]}"]
    names += [f"stop<={e}&long" for e in SHARE_BINS] + [f"stop>{SHARE_BINS[-1]}&long"]
    names += [f"caps<={e}" for e in SHARE_BINS] + [f"caps>{SHARE_BINS[-1]}"]
    names += [f"digits<={e}" for e in SHARE_BINS] + [f"digits>{SHARE_BINS[-1]}"]
    names += [f"pos={i}" for i in range(POSITION_BINS)]
    names += ["end:sentence", "end:colon", "end:comma", "end:none", "end:quote", "bullet", "urlish", "separators",
              "repeated", "repeated3", "first", "last", "commas1", "commas3", "parens", "no-stoplang"]
    names += [f"phrase:{c.value}" for c in Category]
    return names


LOCAL_FEATURES = _names()
def _binned(name: str, edges: Sequence[float]) -> list[str]:
    return [f"{name}<={e}" for e in edges] + [f"{name}>{edges[-1]}"]


CONTEXT_FEATURES = [
    *(f for side in ("prev", "next") for k in (1, 3) for f in _binned(f"{side}{k}", CONTEXT_BINS)),
    *_binned("self", CONTEXT_BINS),
    *_binned("core-dist", CORE_DISTANCE_BINS),
    "before-core", "after-core", "core-short",
]
_LOCAL_INDEX = {n: i for i, n in enumerate(LOCAL_FEATURES)}
_CONTEXT_INDEX = {n: i for i, n in enumerate(CONTEXT_FEATURES)}


@dataclass(slots=True)
class LineInfo:
    """What the later stages need to know about one line besides its features."""

    words: int
    weight: int
    phrase: tuple[Category, str] | None
    active: list[int]


def local_features(lines: Sequence[str], language: str) -> list[LineInfo]:
    """One-hot local features of each line (indices into LOCAL_FEATURES)."""
    stop = _language.stoplist(language) if language else frozenset()
    counts = Counter(lines)
    n = len(lines)
    ix = _LOCAL_INDEX
    out: list[LineInfo] = []
    for i, line in enumerate(lines):
        words = line.split()
        nw = len(words)
        tokens = _language.WORD.findall(line.lower())
        nt = len(tokens) or 1
        stop_share = sum(1 for t in tokens if t in stop) / nt
        caps = sum(1 for w in words if w[:1].isupper()) / (nw or 1)
        digits = len(DIGIT.findall(line)) / (len(line) or 1)
        active = [0,
                  1 + _bin(nw, WORD_BINS),
                  ix["chars<=10"] + _bin(len(line), CHAR_BINS),
                  ix["stop<=0.0001"] + _bin(stop_share, SHARE_BINS),
                  ix["caps<=0.0001"] + _bin(caps, SHARE_BINS),
                  ix["digits<=0.0001"] + _bin(digits, SHARE_BINS),
                  ix["pos=0"] + min(POSITION_BINS - 1, i * POSITION_BINS // n)]
        if nw >= 8:
            active.append(ix["stop<=0.0001&long"] + _bin(stop_share, SHARE_BINS))
        last = line[-1]
        if SENTENCE_END.search(line):
            active.append(ix["end:sentence"])
        elif last == ":":
            active.append(ix["end:colon"])
        elif last in ",;":
            active.append(ix["end:comma"])
        elif last in "\"”’'»":
            active.append(ix["end:quote"])
        else:
            active.append(ix["end:none"])
        if BULLET_START.match(line):
            active.append(ix["bullet"])
        if URLISH.search(line):
            active.append(ix["urlish"])
        if SEPARATORS.search(line):
            active.append(ix["separators"])
        if counts[line] > 1:
            active.append(ix["repeated"])
            if counts[line] > 2:
                active.append(ix["repeated3"])
        if i == 0:
            active.append(ix["first"])
        if i == n - 1:
            active.append(ix["last"])
        commas = line.count(",") + line.count("،") + line.count("、")
        if commas:
            active.append(ix["commas1"] if commas < 3 else ix["commas3"])
        if "(" in line:
            active.append(ix["parens"])
        if not stop:
            active.append(ix["no-stoplang"])
        phrase = _phrases.match(line)
        if phrase is not None:
            active.append(ix[f"phrase:{phrase[0].value}"])
        out.append(LineInfo(nw, line_weight(line, nw), phrase, active))
    return out


def line_weight(line: str, words: int) -> int:
    """How much a line counts: its words, or its length for text without spaces (CJK, Thai)."""
    return max(words, len(line) // CHARS_PER_WORD, 1)


def dense_run(values: Sequence[float]) -> tuple[int, int]:
    """[start, end) of the run of `values` with the largest positive sum (empty when none)."""
    best, best_span = 0.0, (0, 0)
    run, start = 0.0, 0
    for i, v in enumerate(values):
        if run <= 0:
            run, start = 0.0, i
        run += v
        if run > best:
            best, best_span = run, (start, i + 1)
    return best_span


def core_span(scores: Sequence[float], weights: Sequence[int], threshold: float) -> tuple[int, int]:
    """The densest run of prose: the run maximising sum(weight * (score - threshold))."""
    return dense_run([w * (s - threshold) for w, s in zip(weights, scores, strict=True)])


def context_features(scores: Sequence[float], infos: Sequence[LineInfo], core: tuple[int, int]) -> list[list[int]]:
    """One-hot context features of each line (indices into CONTEXT_FEATURES)."""
    n = len(scores)
    ix = _CONTEXT_INDEX
    start, end = core
    # prefix sums for windowed means
    prefix = [0.0]
    for s in scores:
        prefix.append(prefix[-1] + s)
    out: list[list[int]] = []
    for i in range(n):
        feats = [ix["self<=0.1"] + _bin(scores[i], CONTEXT_BINS)]
        for side in ("prev", "next"):
            for k in (1, 3):
                if side == "prev":
                    lo, hi = max(0, i - k), i
                else:
                    lo, hi = i + 1, min(n, i + 1 + k)
                mean = (prefix[hi] - prefix[lo]) / (hi - lo) if hi > lo else 0.0
                feats.append(ix[f"{side}{k}<=0.1"] + _bin(mean, CONTEXT_BINS))
        if i < start:
            dist = start - i
            feats.append(ix["before-core"])
        elif i >= end:
            dist = i - end + 1
            feats.append(ix["after-core"])
        else:
            dist = 0
        feats.append(ix["core-dist<=0"] + _bin(dist, CORE_DISTANCE_BINS))
        if end - start < 3:
            feats.append(ix["core-short"])
        out.append(feats)
    return out
