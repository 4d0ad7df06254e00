"""Line features for the line classifier: what each line's own text says (both passes use them).

Most features are one-hot bins (word count, stopword share, ...), so the
linear model in `_classify` can learn non-linear shapes. The second pass's
context features are in `_context`. Feature names are data: the shipped model
stores them, and a mismatch with this file fails loudly.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress, repeat
from operator import add, floordiv, itemgetter, ne, sub, truediv

from . import _language, _phrases
from ._model import Category

WORD_BINS = (1, 2, 3, 4, 6, 9, 14, 24, 49)
CHAR_BINS = (10, 20, 40, 80, 160, 320)
SHARE_BINS = (0.0001, 0.1, 0.2, 0.3, 0.4, 0.55)
POSITION_BINS = 10
# Characters that weigh as one word in text without spaces (CJK, Thai).
CHARS_PER_WORD = 6

SENTENCE_END_CHARS = frozenset(".!?…。！？")
CLOSING_CHARS = "\"'”’»)]"
QUOTE_CHARS = frozenset("\"”’'»")
# A quotation opening a line: a pull quote, or a paragraph of reported speech.
OPENING_QUOTES = frozenset("\"“„«'‘")
# A teaser's cut-off excerpt ends so ("... and more…"); an article's sentence does not.
ELLIPSES = ("...", "…")
BULLET_START = re.compile(r"(?:[-–—*•·▪►✓✔➤]|\d{1,2}[.)]\s|[a-z][.)]\s)")
URLISH = re.compile(r"https?://|www\.|@\w+\.\w|\.(?:com|org|net|de|fr|es|uk)\b", re.I)
SEPARATORS = re.compile(r"\s[|•·»›/]\s|\s\|\S|\S\|\s")


def binned(name: str, edges: Sequence[float]) -> list[str]:
    """Names of a one-hot group: NAME<=edge for each edge, then NAME>last."""
    return [f"{name}<={e}" for e in edges] + [f"{name}>{edges[-1]}"]


LOCAL_FEATURES = [
    "bias",
    *binned("words", WORD_BINS),
    *binned("chars", CHAR_BINS),
    *binned("stop", SHARE_BINS),
    *(f"{n}&long" for n in binned("stop", SHARE_BINS)),  # stopword share of lines of 8+ words
    *binned("caps", SHARE_BINS),
    *binned("digits", SHARE_BINS),
    *(f"pos={i}" for i in range(POSITION_BINS)),
    "end:sentence", "end:colon", "end:comma", "end:none", "end:quote", "bullet", "urlish", "separators",
    "repeated", "repeated3", "first", "last", "commas1", "commas3", "parens", "no-stoplang",
    *(f"phrase:{c.value}" for c in Category),
    # how a line starts, and whether it ends cut off
    "lower-start", "digit-start", "quote-start", "ellipsis",
    # a sentence running on over the line break (hard-wrapped text, a list continuing a sentence):
    # the next line starts in lower case; this one does, after a line not ending a sentence
    "next-lower", "continues",
]
_IX = {n: i for i, n in enumerate(LOCAL_FEATURES)}
# First index of each one-hot group, so the hot loops add a bin to a constant.
_CHARS, _STOP, _CAPS, _DIGITS = _IX["chars<=10"], _IX["stop<=0.0001"], _IX["caps<=0.0001"], _IX["digits<=0.0001"]
_POS, _STOP_LONG = _IX["pos=0"], _IX["stop<=0.0001&long"]
_END = {"sentence": _IX["end:sentence"], "colon": _IX["end:colon"], "comma": _IX["end:comma"],
        "quote": _IX["end:quote"], "none": _IX["end:none"]}
_BULLET, _URLISH, _SEPARATORS = _IX["bullet"], _IX["urlish"], _IX["separators"]
_REPEATED, _REPEATED3, _FIRST, _LAST = _IX["repeated"], _IX["repeated3"], _IX["first"], _IX["last"]
_COMMAS1, _COMMAS3, _PARENS, _NO_STOPLANG = _IX["commas1"], _IX["commas3"], _IX["parens"], _IX["no-stoplang"]
_PHRASE = {c: _IX[f"phrase:{c.value}"] for c in Category}
_LOWER_START, _DIGIT_START, _QUOTE_START = _IX["lower-start"], _IX["digit-start"], _IX["quote-start"]
_ELLIPSIS, _NEXT_LOWER, _CONTINUES = _IX["ellipsis"], _IX["next-lower"], _IX["continues"]


@dataclass(slots=True)
class LineInfo:
    """What the later stages need to know about one line besides its features."""

    words: int
    weight: int
    end: str  # "sentence", "plain" (no final punctuation) or "other"
    phrase: tuple[Category, str] | None
    active: list[int]


# Bin of each small value, looked up instead of searched.
WORD_BIN = [bisect_left(WORD_BINS, v) for v in range(WORD_BINS[-1] + 2)]
_CHAR_BIN = [bisect_left(CHAR_BINS, v) for v in range(CHAR_BINS[-1] + 2)]
_DIGITS_BYTES = b"0123456789"
_DIGIT_CHARS = frozenset(_DIGITS_BYTES.decode())
# Necessary for a URLISH match, and cheap to test on the lower-cased line: "://", "@",
# "www." and a dot before a top-level domain's first letter.
_URL_HINTS = ("://", "@", "www.", ".c", ".o", ".n", ".d", ".f", ".e", ".u")
# Necessary for a SEPARATORS match (one of its middle characters), searched for in UTF-8.
_SEPARATOR_CHARS_UTF8 = re.compile(b"|".join(re.escape(c.encode()) for c in "|•·»›/"))
_NEWLINE = ord("\n")
# ASCII white space (str.split's) -> " ", capitals -> "U", anything else (the bytes of other
# characters too) -> "x", but a newline
# stays one (it parts the lines of a document): a word starts at " U" or " x" once each line
# is given a leading space.
_ASCII_SHAPE = bytes(b if b == _NEWLINE else ord("x") if b > 127 else ord(" ") if chr(b).isspace()
                     else ord("U") if chr(b).isupper() else ord("x") for b in range(256))
# ASCII bytes that are not \w become spaces (a newline stays one), so split() gives WORD's tokens
# of an ASCII line.
_ASCII_WORDS = bytes(b if chr(b).isalnum() or b in (ord("_"), _NEWLINE) or b > 127 else ord(" ") for b in range(256))
# Characters other than ASCII that the byte maps read right: neither capitals nor white space
# (each byte of their UTF-8 form is an "x" of _ASCII_SHAPE), unchanged by lower() (bytes.lower()
# leaves them), and word characters (kept whole by _ASCII_WORDS) or punctuation and symbols of
# _PUNCTUATION_RANGES (turned into spaces first, as \\w+ ends at them). A line holding any other
# is read alone. Up to U+FFFF: the rest are rare.
_PUNCTUATION_RANGES = ((0xA1, 0xBF), (0xD7, 0xD7), (0xF7, 0xF7), (0x2010, 0x2027), (0x2030, 0x205E),
                       (0x20A0, 0x20CF), (0x2100, 0x214F), (0x2190, 0x27BF), (0x2900, 0x2BFF))


def _is_punctuation(c: str) -> bool:
    """Not a word character (\\w is isalnum() or "_"), a capital or white space, and unchanged by lower()."""
    return not (c.isalnum() or c == "_" or c.isupper() or c.isspace()) and c.lower() == c


_PUNCTUATION = [chr(c) for lo, hi in _PUNCTUATION_RANGES for c in range(lo, hi + 1) if _is_punctuation(chr(c))]
_PUNCTUATION_SET = frozenset(_PUNCTUATION)


def _utf8_any_of(chars: list[str]) -> re.Pattern[bytes]:
    """A pattern finding the UTF-8 form of any of `chars` (grouped by all but the last byte, so
    `re` skips ahead to the few lead bytes)."""
    by_lead: dict[bytes, list[int]] = {}
    for c in chars:
        form = c.encode()
        by_lead.setdefault(form[:-1], []).append(form[-1])
    return re.compile(b"|".join(re.escape(lead) + b"[" + b"".join(re.escape(bytes([b])) for b in sorted(last)) + b"]"
                                for lead, last in sorted(by_lead.items())))


_PUNCTUATION_UTF8 = _utf8_any_of(_PUNCTUATION)


def _byte_readable(c: str) -> bool:
    return (not c.isupper() and not c.isspace() and c.lower() == c
            and (c.isalnum() or c == "_" or c in _PUNCTUATION_SET))  # isalnum() or "_": what \\w matches


def _char_class(chars: list[str]) -> str:
    """A regular-expression set of `chars` (sorted), as ranges."""
    out, k = [], 0
    while k < len(chars):
        j = k
        while j + 1 < len(chars) and ord(chars[j + 1]) == ord(chars[j]) + 1:
            j += 1
        out.append(re.escape(chars[k]) + ("-" + re.escape(chars[j]) if j > k else ""))
        k = j + 1
    return "".join(out)


@lru_cache(maxsize=1)
def _byte_unreadable() -> re.Pattern[str]:
    """Finds a character the byte maps read wrong (built on first use: it tests 65,000 characters)."""
    readable = [chr(c) for c in range(128, 0x10000) if _byte_readable(chr(c))]
    return re.compile("[^\\x00-\\x7f" + _char_class(readable) + "]")

# The line-end feature of a line whose text before its closing quotes and brackets does not end a
# sentence, by its last character.
_END_BY_LAST = {":": "colon", ",": "comma", ";": "comma", **{c: "quote" for c in QUOTE_CHARS}}
# The line-end shape the later stages see ("sentence", "plain", "other"), by line-end feature.
_SHAPE = {"sentence": "sentence", "none": "plain", "colon": "other", "comma": "other", "quote": "other"}
# The same by index of the line-end feature, and the feature index of a line's last character.
_END_SHAPE = {_END[end]: shape for end, shape in _SHAPE.items()}
_END_SENTENCE, _END_NONE = _END["sentence"], _END["none"]
_END_INDEX_BY_LAST = {c: _END[end] for c, end in _END_BY_LAST.items()}
# Feature index of a word count and of a character count (capped at the table's end).
_WORD_FEATURE = [1 + b for b in WORD_BIN]
_CHAR_FEATURE = [_CHARS + b for b in _CHAR_BIN]
# Any of _URL_HINTS, searched for in the lower-cased line's UTF-8 form.
_URL_HINT = re.compile(b"|".join(re.escape(hint.encode()) for hint in _URL_HINTS))


def local_features(lines: Sequence[str], language: str) -> list[LineInfo]:
    """One-hot local features of each line (indices into LOCAL_FEATURES).

    The features of a line's own text are computed once per distinct line, a column at a
    time over the whole document (one C call a line, or one for the document, instead of a
    Python statement each); then each line adds its position and repetition.
    """
    n = len(lines)
    if not n:
        return []
    stop = _language.stoplist(language) if language else frozenset()
    distinct = list(dict.fromkeys(lines))
    own = _own_features(distinct, stop, language)
    owns = list(map(own.__getitem__, lines))
    positions = map(add, map(min, map(floordiv, range(0, n * POSITION_BINS, POSITION_BINS), repeat(n)),
                             repeat(POSITION_BINS - 1)), repeat(_POS))  # _POS + min(9, i * 10 // n)
    actives = [[*o[4], position, *o[5], *o[6]] for o, position in zip(owns, positions, strict=True)]
    # The lines with repetition features: the first, the last, and those printed more than once.
    counts = Counter(lines)
    repeated = {line for line, times in counts.items() if times > 1}
    for i in {0, n - 1, *(compress(range(n), map(repeated.__contains__, lines)) if repeated else ())}:
        _, _, _, _, head, middle, tail = owns[i]
        active = actives[i] = [*head, actives[i][len(head)], *middle]
        repeats = counts[lines[i]]
        if repeats > 1:
            active.append(_REPEATED)
            if repeats > 2:
                active.append(_REPEATED3)
        if i == 0:
            active.append(_FIRST)
        if i == n - 1:
            active.append(_LAST)
        active += tail
    # A line starting in lower case: the line above runs on into it, and this one continues it when
    # that line does not end a sentence. (Two loops: a line's features are summed in list order.)
    lower = list(compress(range(1, n), map(str.islower, (line[:1] for line in lines[1:]))))
    for i in lower:
        actives[i - 1].append(_NEXT_LOWER)
    for i in lower:
        if owns[i - 1][2] != "sentence":
            actives[i].append(_CONTINUES)
    return list(map(LineInfo, *(map(itemgetter(k), owns) for k in range(4)), actives))


# What a line's own text gives (`_own_features`): words, weight, line-end shape, phrase, and its
# active features before the position one, between it and the repetition ones, and after those.
_Own = tuple[int, int, str, tuple[Category, str] | None, tuple[int, ...], tuple[int, ...], tuple[int, ...]]


def _own_features(distinct: list[str], stop: frozenset[str], language: str) -> dict[str, _Own]:
    """The features of each line's own text, for distinct lines: each a column over all of them."""
    # The columns are read off the lines joined by newlines, so a newline inside a line (from a
    # caller that did not split on it) becomes a space there: no feature tells the two apart.
    texts = distinct
    if any(map(str.__contains__, distinct, repeat("\n"))):
        texts = [line.replace("\n", " ") for line in distinct]
    doc = "\n".join(texts)
    m = len(texts)
    utf8 = doc.encode("utf-8", "surrogatepass")
    sizes = list(map(len, texts))
    byte_lines = utf8.split(b"\n")
    # Lines the byte maps below read wrong (see _byte_readable); each is read alone at the end.
    non_ascii = list(compress(range(m), map(ne, sizes, map(len, byte_lines))))
    unreadable = [k for k in non_ascii if _byte_unreadable().search(texts[k])] if non_ascii else []
    # words and capitalised words counted on a byte map of the document
    marks = (b" " + utf8.replace(b"\n", b"\n ")).translate(_ASCII_SHAPE).split(b"\n")
    capitalised = list(map(bytes.count, marks, repeat(b" U")))
    words = list(map(add, capitalised, map(bytes.count, marks, repeat(b" x"))))
    caps = list(map(truediv, capitalised, map(max, words, repeat(1))))
    # ASCII digits counted in the UTF-8 form: no other character's UTF-8 form holds one
    digits = map(truediv, map(sub, map(len, byte_lines), map(len, map(bytes.translate, byte_lines, repeat(None),
                                                                          repeat(_DIGITS_BYTES)))), sizes)
    # bytes.lower() lowers ASCII letters only: the same as str.lower() on a readable line
    lower_lines = utf8.lower().split(b"\n")
    for k in non_ascii:  # punctuation is no word character: it parts words as a space does
        lower_lines[k] = _PUNCTUATION_UTF8.sub(b" ", lower_lines[k])
    tokens = map(bytes.split, map(bytes.translate, lower_lines, repeat(_ASCII_WORDS)))
    stop_utf8 = _language.stoplist_utf8(language) if language else frozenset()
    stop_shares = [sum(map(stop_utf8.__contains__, t)) / (len(t) or 1) for t in tokens]
    urlish = set(compress(range(m), map(_URL_HINT.search, lower_lines)))
    for k in unreadable:
        line = texts[k]
        line_words = line.split()
        words[k] = len(line_words)
        caps[k] = sum([w[0].isupper() for w in line_words]) / (words[k] or 1)
        line_lower = line.lower()
        found = _language.WORD.findall(line_lower)
        stop_shares[k] = sum(map(stop.__contains__, found)) / (len(found) or 1)
        urlish.discard(k)
        if any(map(line_lower.__contains__, _URL_HINTS)):
            urlish.add(k)
    stop_bins = list(map(bisect_left, repeat(SHARE_BINS), stop_shares))
    heads = zip(repeat(0), map(_WORD_FEATURE.__getitem__, map(min, words, repeat(len(_WORD_FEATURE) - 1))),
                map(_CHAR_FEATURE.__getitem__, map(min, sizes, repeat(len(_CHAR_FEATURE) - 1))),
                map(add, stop_bins, repeat(_STOP)), map(add, map(bisect_left, repeat(SHARE_BINS), caps), repeat(_CAPS)),
                map(add, map(bisect_left, repeat(SHARE_BINS), digits), repeat(_DIGITS)))
    tails = list(map(str.rstrip, texts, repeat(CLOSING_CHARS)))
    ends = [_END_SENTENCE if tail[-1:] in SENTENCE_END_CHARS else _END_INDEX_BY_LAST.get(line[-1], _END_NONE)
            for line, tail in zip(texts, tails, strict=True)]
    ellipses = list(map(str.endswith, tails, repeat(ELLIPSES)))
    bullets = list(map(BULLET_START.match, texts))
    separators = set(compress(range(m), map(_SEPARATOR_CHARS_UTF8.search, byte_lines)))
    commas = map(add, map(add, map(str.count, texts, repeat(",")), map(str.count, texts, repeat("،"))),
                 map(str.count, texts, repeat("、")))
    parens = map(str.__contains__, texts, repeat("("))
    phrases = list(map(_phrases.match, distinct))
    weights = map(line_weight, texts, words)
    no_stoplang = (_NO_STOPLANG,) if not stop else ()
    out: dict[str, _Own] = {}
    for k, (line, head, nw, end, comma_count, paren, weight, phrase) in enumerate(
            zip(distinct, heads, words, ends, commas, parens, weights, phrases, strict=True)):
        middle = [_STOP_LONG + stop_bins[k], end] if nw >= 8 else [end]
        if bullets[k]:
            middle.append(_BULLET)
        if k in urlish and ("." in line or "@" in line) and URLISH.search(line):
            middle.append(_URLISH)
        if k in separators and SEPARATORS.search(line):
            middle.append(_SEPARATORS)
        tail = [_COMMAS1 if comma_count < 3 else _COMMAS3] if comma_count else []
        if paren:
            tail.append(_PARENS)
        tail += no_stoplang
        first = line[0]
        if first.islower():
            tail.append(_LOWER_START)
        elif first in _DIGIT_CHARS:
            tail.append(_DIGIT_START)
        elif first in OPENING_QUOTES:
            tail.append(_QUOTE_START)
        if ellipses[k]:
            tail.append(_ELLIPSIS)
        if phrase is not None:
            tail.append(_PHRASE[phrase[0]])
        out[line] = (nw, weight, _END_SHAPE[end], phrase, head, tuple(middle), tuple(tail))
    return out


def line_weight(line: str, words: int) -> int:
    """How much a line counts: its words, or its length for text without spaces (CJK, Thai)."""
    return max(words, len(line) // CHARS_PER_WORD, 1)
