"""Known leftover lines ("Advertisement", "Share on Facebook", ...), from data/boilerplate.tsv.

A line matches the first plain rule (in file order) that matches it whole;
failing that, the first keyword-gated rule that matches it whole and whose
keywords the line holds. Each rule declares the longest line it can match, so
a long line of prose meets few rules; gated rules ("contains A and B", which
scan the whole line) are tried only on a line holding one of their keywords.

For speed, a line meets only the rules, and the alternatives within them,
that can start with its first character (`_first_char`); the rules fit for a
(length step, first character) pair are compiled into one pattern and kept,
but not in a process's first lines (see UNCOMPILED_LINES).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ._first_char import FirstCharPattern, first_of
from ._model import Category

# Line lengths at which the set of candidate rules changes; a line is rounded up to one.
LENGTH_STEPS = (20, 40, 60, 80, 120, 160, 200, 260, 300, 400, 1000)
# Lines longer than this are prose, never a leftover: no rule is tried on them.
MAX_PHRASE_LINE_CHARS = LENGTH_STEPS[-1]
# Characters stripped from both ends before matching (bullets, separators).
TRIM = " \t*•·|-–—>»›"
# (length step, first character) pairs whose compiled rules are kept (CJK text has thousands of
# first characters); past this, lines of a new pair meet each rule's own pattern in turn.
MAX_COMPILED_PAIRS = 4096 * len(LENGTH_STEPS)
# Compiling the rules of a (length step, first character) pair costs milliseconds (the 1,686
# pairs the bench's lines meet: 3.7-3.9 s in all), and a page meets dozens of pairs: a process's
# first lines meet each rule's own pattern in turn instead (about 0.05 ms a line), so a one-page
# call or a cold start compiles nothing; after this many such lines, pairs are compiled as they
# come (as every pair is in a long run).
UNCOMPILED_LINES = 2000
# Lines whose answer is kept: leftovers recur ("Advertisement", a site's menus), and the
# title stage asks again about lines the line features asked about.
CACHED_LINES = 8192


@dataclass(frozen=True, slots=True)
class _Rule:
    max_chars: int
    keywords: tuple[str, ...]  # empty for a plain rule
    pattern: FirstCharPattern
    rule: tuple[Category, str]


@dataclass(frozen=True, slots=True)
class _Fitting:
    """What a line of one length step starting with one character meets."""

    plain: re.Pattern[str] | None  # the plain rules in one pattern: group k is plain_rules[k - 1]
    plain_rules: tuple[tuple[Category, str], ...]
    # (index in _Rules.gated, max_chars, keywords, pattern), in file order
    gated: tuple[tuple[int, int, tuple[str, ...], re.Pattern[str]], ...]
    gated_keywords: re.Pattern[str] | None  # finds any keyword of those rules in a lower-cased line


@dataclass(slots=True)
class _Rules:
    plain: list[_Rule]
    gated: list[_Rule]
    any_keyword: re.Pattern[str]  # every gated rule's keywords, as literals
    # keyword found -> gated rules it selects (a found keyword holds shorter ones: "comments" holds "comment")
    rules_for: dict[str, frozenset[int]]
    fitting: dict[tuple[int, str], _Fitting]  # (length step, first character) -> rules to try
    uncompiled_lines: int = 0  # lines matched rule by rule so far


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    text = resources.files("cleaner").joinpath("data/boilerplate.tsv").read_text(encoding="utf-8")
    plain: list[_Rule] = []
    gated: list[_Rule] = []
    for raw in text.split("\n"):
        if not raw.strip() or raw.startswith("#"):
            continue
        category, name, max_chars, keywords, pattern = raw.split("\t", 4)
        compiled = FirstCharPattern(pattern, re.IGNORECASE)  # fails loudly on a bad data line
        words = tuple(keywords.split(",")) if keywords != "-" else ()
        (gated if words else plain).append(_Rule(int(max_chars), words, compiled, (Category(category), name)))
    all_keywords = sorted({k for g in gated for k in g.keywords}, key=len, reverse=True)
    rules_for = {
        found: frozenset(i for i, g in enumerate(gated) if any(k in found for k in g.keywords))
        for found in all_keywords
    }
    return _Rules(plain, gated, re.compile("|".join(re.escape(k) for k in all_keywords)), rules_for, {})


def _fitting(rules: _Rules, key: tuple[int, str]) -> _Fitting:
    """Compiles, and keeps, the rules a line of a (length step, first character) pair may match."""
    step, first = key
    limit = LENGTH_STEPS[step]
    plain = [r for r in rules.plain if r.max_chars >= limit]
    pattern, kept = first_of([r.pattern for r in plain], first)
    # a gated rule no line of this step is short enough for is left out, with its keywords
    shortest = LENGTH_STEPS[step - 1] + 1 if step else 0
    gated = ((i, g, g.pattern.for_first(first)) for i, g in enumerate(rules.gated) if g.max_chars >= shortest)
    fit = tuple((i, g.max_chars, g.keywords, p) for i, g, p in gated if p is not None)
    keywords = _any_of(frozenset(k for _, _, words, _ in fit for k in words)) if fit else None
    found = rules.fitting[key] = _Fitting(pattern, tuple(plain[i].rule for i in kept), fit, keywords)
    return found


@lru_cache(maxsize=256)
def _any_of(words: frozenset[str]) -> re.Pattern[str]:
    """A pattern finding any of `words`, as a trie ("co(?:mment|okie)"): `re` tries
    the alternatives of one position by their first character, without entering them.
    (Kept: the pairs of a length step share their keywords, and building one costs a millisecond.)"""
    trie: dict[str, dict] = {}  # type: ignore[type-arg]
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def alternatives(node: dict) -> str:  # type: ignore[type-arg]
        alts = [re.escape(ch) + alternatives(sub) for ch, sub in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else f"(?:{'|'.join(alts)})"
        return f"(?:{body})?" if "" in node else body

    return re.compile(alternatives(trie))


@lru_cache(maxsize=CACHED_LINES)
def match(line: str) -> tuple[Category, str] | None:
    """The (category, rule) of a known leftover line, or None."""
    text = line.strip(TRIM)
    if "\xa0" in text or "  " in text or "\t" in text:  # rules spell a space " ": these become one
        text = " ".join(text.split()).strip(TRIM)
    step = bisect_left(LENGTH_STEPS, len(text))
    if not text or step >= len(LENGTH_STEPS):  # only marks ("|||", "* * *"), or too long
        return None
    rules = _rules()
    key = (step, text[:1])
    fitting = rules.fitting.get(key)
    if fitting is None:
        if rules.uncompiled_lines < UNCOMPILED_LINES or len(rules.fitting) >= MAX_COMPILED_PAIRS:
            rules.uncompiled_lines += 1
            return _match_each(rules, text, step)
        fitting = _fitting(rules, key)
    if fitting.plain is not None:
        m = fitting.plain.fullmatch(text)
        if m is not None and m.lastindex is not None:
            return fitting.plain_rules[m.lastindex - 1]
    # A gated rule counts only when the keyword scan finds one of its keywords; holding one
    # is necessary for that, so the scan itself runs only once a gated rule has matched.
    lower = text.lower()
    if fitting.gated_keywords is None or fitting.gated_keywords.search(lower) is None:
        return None
    return _gated_match(rules, text, lower, fitting.gated)


def _gated_match(rules: _Rules, text: str, lower: str,
                 gated: Iterable[tuple[int, int, tuple[str, ...], re.Pattern[str]]]) -> tuple[Category, str] | None:
    """The first of `gated` ((index, max_chars, keywords, pattern), in file order) that matches
    `text` and whose keywords the keyword scan finds in it."""
    size = len(text)
    hits: set[str] | None = None
    for i, max_chars, keywords, pattern in gated:
        if size > max_chars or not any(map(lower.__contains__, keywords)) or pattern.fullmatch(text) is None:
            continue
        if hits is None:
            hits = set(rules.any_keyword.findall(lower))
        if any(i in rules.rules_for[hit] for hit in hits):
            return rules.gated[i].rule
    return None


def _match_each(rules: _Rules, text: str, step: int) -> tuple[Category, str] | None:
    """`match` with each rule's own pattern, one after the other: the same answer, nothing compiled."""
    limit = LENGTH_STEPS[step]
    for rule in rules.plain:
        if rule.max_chars >= limit and rule.pattern.pattern.fullmatch(text) is not None:
            return rule.rule
    gated = ((i, g.max_chars, g.keywords, g.pattern.pattern) for i, g in enumerate(rules.gated))
    return _gated_match(rules, text, text.lower(), gated)
