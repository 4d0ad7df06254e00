"""The line features computed a column at a time over a document (`_features.local_features`,
`context_sums`) equal the plain per-line reading of each feature."""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner import _context as C
from cleaner import _features as F
from cleaner import _language, _phrases
from cleaner._classify import model
from cleaner._features import LineInfo


def _reference_local_features(lines: list[str], language: str) -> list[LineInfo]:
    """Each line's features read plainly, one line at a time."""
    stop = _language.stoplist(language) if language else frozenset()
    counts = Counter(lines)
    n = len(lines)
    out = []
    for i, line in enumerate(lines):
        words = line.split()
        nw = len(words)
        caps = sum(w[0].isupper() for w in words) / (nw or 1)
        tokens = _language.WORD.findall(line.lower())
        stop_share = sum(t in stop for t in tokens) / (len(tokens) or 1)
        digits = sum(c in "0123456789" for c in line) / len(line)
        stop_bin = bisect_left(F.SHARE_BINS, stop_share)
        active = [0, 1 + bisect_left(F.WORD_BINS, nw), F._CHARS + bisect_left(F.CHAR_BINS, len(line)),
                  F._STOP + stop_bin, F._CAPS + bisect_left(F.SHARE_BINS, caps),
                  F._DIGITS + bisect_left(F.SHARE_BINS, digits),
                  F._POS + min(F.POSITION_BINS - 1, i * F.POSITION_BINS // n)]
        if nw >= 8:
            active.append(F._STOP_LONG + stop_bin)
        tail = line.rstrip(F.CLOSING_CHARS)
        if tail and tail[-1] in F.SENTENCE_END_CHARS:
            end = "sentence"
        elif line[-1] == ":":
            end = "colon"
        elif line[-1] in ",;":
            end = "comma"
        elif line[-1] in F.QUOTE_CHARS:
            end = "quote"
        else:
            end = "none"
        active.append(F._END[end])
        if F.BULLET_START.match(line):
            active.append(F._BULLET)
        if ("." in line or "@" in line) and F.URLISH.search(line):
            active.append(F._URLISH)
        if F.SEPARATORS.search(line):
            active.append(F._SEPARATORS)
        if counts[line] > 1:
            active.append(F._REPEATED)
        if counts[line] > 2:
            active.append(F._REPEATED3)
        if i == 0:
            active.append(F._FIRST)
        if i == n - 1:
            active.append(F._LAST)
        commas = line.count(",") + line.count("،") + line.count("、")
        if commas:
            active.append(F._COMMAS1 if commas < 3 else F._COMMAS3)
        if "(" in line:
            active.append(F._PARENS)
        if not stop:
            active.append(F._NO_STOPLANG)
        if line[0].islower():
            active.append(F._LOWER_START)
        elif line[0] in "0123456789":
            active.append(F._DIGIT_START)
        elif line[0] in F.OPENING_QUOTES:
            active.append(F._QUOTE_START)
        if line.rstrip(F.CLOSING_CHARS).endswith(F.ELLIPSES):
            active.append(F._ELLIPSIS)
        phrase = _phrases.match(line)
        if phrase is not None:
            active.append(F._PHRASE[phrase[0]])
        shape = "sentence" if end == "sentence" else "plain" if end == "none" else "other"
        out.append(LineInfo(nw, F.line_weight(line, nw), shape, phrase, active))
    for i in range(n):
        if i + 1 < n and lines[i + 1][0].islower():
            out[i].active.append(F._NEXT_LOWER)
        if i > 0 and lines[i][0].islower() and out[i - 1].end != "sentence":
            out[i].active.append(F._CONTINUES)
    return out


LINES = [
    "The minister said on Tuesday that the talks would go on.", "Advertisement", "Share | Tweet | Email",
    "Home › News › World", "Visit www.example.com for more", "Contact: news@example.org", "1. First item",
    "• Bullet point", "Photo: AP", "“Quoted,” she said.", "Die Regierung hat am Dienstag beschlossen, dass …",
    "ÉCONOMIE — Les marchés ont reculé", "continued from above, in lower case", "“A pull quote” »",
    "Read the full story here…", "More coming soon ...]", "2024 was a year", "ΟΔΟΣ ΣΑΣ", "İstanbul’da",
    "non\u00a0breaking\u2009spaces here",
    "a | b", "x|y", "/ leading slash", "trailing pipe |", "Price: 1,234,567 (est.)", "http://localhost",
    "ＦＵＬＬ　ＷＩＤＴＨ", "ǅemal", "K\u212a kelvin", "Nov 27, 2024", "By Jane Doe",
]
ALPHABET = "abcEFG xyz.,:;!?()|/»›•·@—’“”\"'0123É\u00a0\u2009ΣσİΚ\u212a_-"
DOCS = st.lists(st.sampled_from(LINES) | st.text(alphabet=ALPHABET, min_size=1, max_size=40)
                .filter(lambda s: s.strip() == s and bool(s)), min_size=1, max_size=12)


@settings(max_examples=300, deadline=None)
@given(DOCS, st.sampled_from(["English", "German", "Greek", ""]))
def test_local_features_equal_the_plain_reading(lines: list[str], language: str) -> None:
    assert F.local_features(lines, language) == _reference_local_features(lines, language)


def test_a_line_holding_a_newline_is_read_alone() -> None:
    lines = ["first line\nsecond half | of it", "Share", "Share", "plain prose line here."]
    assert F.local_features(lines, "English") == _reference_local_features(lines, "English")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(0.0, 1.0), min_size=1, max_size=30), st.data())
def test_context_sums_equal_the_sum_of_context_features(scores: list[float], data: st.DataObject) -> None:
    n = len(scores)
    infos = [LineInfo(data.draw(st.integers(1, 60)), 1, data.draw(st.sampled_from(["sentence", "plain", "other"])),
                      None, []) for _ in range(n)]
    start = data.draw(st.integers(0, n))
    core = (start, data.draw(st.integers(start, n)))
    weights = model().pass2_context
    expected = [sum(map(weights.__getitem__, ctx)) for ctx in C.context_features(scores, infos, core)]
    assert C.context_sums(scores, infos, core, weights) == expected


LONG_LINES = [
    "We use cookies to improve your experience on our site. By continuing to browse, you accept them. " * k
    for k in (1, 2, 3, 4)
] + ["Sign up for our newsletter " + "and more " * k + "in your inbox." for k in range(0, 45, 4)] + [
    "Copyright 2024 Example Media. All rights reserved. " + "x" * k for k in (60, 120, 150, 170, 190, 250, 350)
] + ["Follow us on Twitter " + "y" * k for k in (10, 50, 100, 139, 140, 141, 180, 199, 200, 201)]


def test_phrase_rules_left_out_by_length_change_no_answer() -> None:
    """`_phrases` leaves out the gated rules no line of a length step is short enough for."""
    from test_first_char import _reference_match, phrase_path

    for compiled in (True, False):
        with phrase_path(compiled):
            for line in LONG_LINES:
                assert _phrases.match(line) == _reference_match(line), line[:60]
