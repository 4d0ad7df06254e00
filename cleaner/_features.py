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
_BULLET, _URLISH, _SEPARATORS = _IX["bullet"], _IX["urlish"], _IX["separators"]
_REPEATED, _REPEATED3, _FIRST, _LAST = _IX["repeated"], _IX["repeated3"], _IX["first"], _IX["last"]
_COMMAS1, _COMMAS3, _PARENS, _NO_STOPLANG = _IX["commas1"], _IX["commas3"], _IX["parens"], _IX["no-stoplang"]
_PHRASE = {c: _IX[f"phrase:{c.value}"] for c in Category}
_SELF, _CORE_DIST, _GAP = _CX["self<=0.1"], _CX["core-dist<=0"], _CX["gap<=1"]
_PREV1, _PREV3, _NEXT1, _NEXT3 = (_CX[f"{side}{k}<=0.1"] for side in ("prev", "next") for k in (1, 3))
_BEFORE_CORE, _AFTER_CORE, _CORE_SHORT = _CX["before-core"], _CX["after-core"], _CX["core-short"]
# Per place relative to the core: (first of its words group, its line-end features by shape).
_IN, _BEFORE, _AFTER = ((_CX[f"{w}&words0"], {e: _CX[f"{w}&{e}"] for e in ("sentence", "plain", "other")})
                        for w in ("in", "before", "after"))
_LEVELS = ("low", "mid", "high")
_NEIGHBOUR_PAIRS = [[_CX[f"prev1:{a}&next1:{b}"] for b in _LEVELS] for a in _LEVELS]


@dataclass(slots=True)
class LineInfo:
    """What the later stages need to know about one line besides its features."""

    words: int
    weight: int
    end: str  # "sentence", "plain" (no final punctuation) or "other"
    phrase: tuple[Category, str] | None
    active: list[int]


# Bin of each small value, looked up instead of searched (the loops below run once a line).
_WORD_BIN = [bisect_left(WORD_BINS, v) for v in range(WORD_BINS[-1] + 2)]
_CHAR_BIN = [bisect_left(CHAR_BINS, v) for v in range(CHAR_BINS[-1] + 2)]
_DIGITS_BYTES = b"0123456789"
# Necessary for a URLISH match, and cheap to test on the lower-cased line: "://", "@",
# "www." and a dot before a top-level domain's first letter.
_URL_HINTS = ("://", "@", "www.", ".c", ".o", ".n", ".d", ".f", ".e", ".u")
# Necessary for a SEPARATORS match.
_SEPARATOR_CHARS = re.compile(r"[|•·»›/]")
# ASCII white space (str.split's) -> " ", capitals -> "U", anything else -> "x": a word
# starts at " U" or " x", or at the line's first byte.
_ASCII_SHAPE = bytes(ord(" ") if chr(b).isspace() else ord("U") if chr(b).isupper() else ord("x") for b in range(256))
# ASCII bytes that are not \w become spaces, so split() gives WORD's tokens of an ASCII line.
_ASCII_WORDS = bytes(b if chr(b).isalnum() or b == ord("_") or b > 127 else ord(" ") for b in range(256))


def local_features(lines: Sequence[str], language: str) -> list[LineInfo]:
    """One-hot local features of each line (indices into LOCAL_FEATURES)."""
    stop = _language.stoplist(language) if language else frozenset()
    stop_bytes = _language.stoplist_bytes(language) if language else frozenset()
    counts = Counter(lines)
    n = len(lines)
    out: list[LineInfo] = []
    top_word, top_char = len(_WORD_BIN) - 1, len(_CHAR_BIN) - 1
    for i, line in enumerate(lines):
        utf8 = line.encode("utf-8", "surrogatepass")
        if len(utf8) == len(line):  # ASCII: words and capitalised words counted on a byte map
            marks = utf8.translate(_ASCII_SHAPE)
            capitalised, plain = marks.count(b" U"), marks.count(b" x")
            opening = marks[:1]
            nw = capitalised + plain + (opening == b"U" or opening == b"x")
            caps = (capitalised + (opening == b"U")) / (nw or 1)
        else:
            words = line.split()
            nw = len(words)
            caps = sum([w[0].isupper() for w in words]) / (nw or 1)
        lower = line.lower()
        if lower.isascii():  # the same tokens as WORD's, without a regex
            tokens_b = lower.encode("ascii").translate(_ASCII_WORDS).split()
            nt = len(tokens_b) or 1
            stop_share = sum(map(stop_bytes.__contains__, tokens_b)) / nt
        else:
            tokens = _language.WORD.findall(lower)
            nt = len(tokens) or 1
            stop_share = sum(map(stop.__contains__, tokens)) / nt
        # ASCII digits counted in the UTF-8 form: no other character's UTF-8 form holds one
        digits = (len(utf8) - len(utf8.translate(None, _DIGITS_BYTES))) / len(line)
        stop_bin = bisect_left(SHARE_BINS, stop_share)
        active = [0,
                  1 + _WORD_BIN[min(nw, top_word)],
                  _CHARS + _CHAR_BIN[min(len(line), top_char)],
                  _STOP + stop_bin,
                  _CAPS + bisect_left(SHARE_BINS, caps),
                  _DIGITS + bisect_left(SHARE_BINS, digits),
                  _POS + min(POSITION_BINS - 1, i * POSITION_BINS // n)]
        if nw >= 8:
            active.append(_STOP_LONG + stop_bin)
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
            active.append(_BULLET)
        if ("." in line or "@" in line) and any(map(lower.__contains__, _URL_HINTS)) and URLISH.search(line):
            active.append(_URLISH)
        if _SEPARATOR_CHARS.search(line) and SEPARATORS.search(line):
            active.append(_SEPARATORS)
        repeats = counts[line]
        if repeats > 1:
            active.append(_REPEATED)
            if repeats > 2:
                active.append(_REPEATED3)
        if i == 0:
            active.append(_FIRST)
        if i == n - 1:
            active.append(_LAST)
        commas = line.count(",") + line.count("،") + line.count("、")
        if commas:
            active.append(_COMMAS1 if commas < 3 else _COMMAS3)
        if "(" in line:
            active.append(_PARENS)
        if not stop:
            active.append(_NO_STOPLANG)
        phrase = _phrases.match(line)
        if phrase is not None:
            active.append(_PHRASE[phrase[0]])
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
    top_word = len(_WORD_BIN) - 1
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
        feats.append(where[0] + _WORD_BIN[min(info.words, top_word)])
        feats.append(where[1][info.end])
        feats.append(_NEIGHBOUR_PAIRS[levels[i - 1] if i > 0 else 0][levels[i + 1] if i + 1 < n else 0])
        feats.append(_GAP + bisect_left(GAP_BINS, min(i - last_confident[i], next_confident[i] - i)))
        out.append(feats)
    return out
