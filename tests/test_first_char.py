"""Patterns specialised to a text's first character match exactly what the whole pattern matches,
and the phrase rules built on them decide every line as the plain reading of data/boilerplate.tsv."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from importlib import resources
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner import _first_char, _phrases
from cleaner._first_char import FirstCharPattern, first_of
from cleaner._model import Category

PATTERNS = [
    r"(?:share|share this|tweet|print|\d+ shares?)[\s:.!]*",
    r"(?:by|von)[:\s]+(?-i:[A-Z]\w*)(?: (?-i:[A-Z]\w*)){0,2}",
    r"(?=.{0,40}$)(?=.*\bcookies?\b).*\baccept\b.*",
    r"(?:a|ab|abc)?(?:x|y)+",
    r"[^\W\d]+(?:\s+\w+)?",
    r"(?:k|s|i)\w*",  # letters with non-ASCII case partners: K (Kelvin), ſ (long s), İ
    r"(?:)",
]
ALPHABET = "abckxyisSK\u212a\u017f\u0130 :.!1ptrhe"
TEXTS = st.text(alphabet=ALPHABET, max_size=12) | st.sampled_from(
    ["share", "Share this", "by Jane Doe", "accept cookies", "abx", "xy", "\u212aelvin", "\u017fhare", ""])


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_a_specialised_pattern_matches_as_the_whole_one(text: str) -> None:
    for source in PATTERNS:
        p = FirstCharPattern(source, re.IGNORECASE)
        special = p.for_first(text[:1])
        got = special.fullmatch(text) if special is not None else None
        assert (got is None) == (p.pattern.fullmatch(text) is None), source


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_first_of_names_the_first_pattern_that_matches(text: str) -> None:
    patterns = [FirstCharPattern(s, re.IGNORECASE) for s in PATTERNS]
    combined, found = first_of(patterns, text[:1])
    expected = next((i for i, p in enumerate(patterns) if p.pattern.fullmatch(text)), None)
    m = combined.fullmatch(text) if combined is not None else None
    assert (found[m.lastindex - 1] if m is not None and m.lastindex else None) == expected


def _reference_match(line: str) -> tuple[Category, str] | None:
    """data/boilerplate.tsv read plainly: the first plain rule (of those allowed this long a line)
    matching the trimmed line whole, else the first gated rule selected by a keyword found."""
    text = line.strip(_phrases.TRIM)
    step = bisect_left(_phrases.LENGTH_STEPS, len(text))
    if step >= len(_phrases.LENGTH_STEPS):
        return None
    rows = [r.split("\t", 4) for r in resources.files("cleaner").joinpath("data/boilerplate.tsv")
            .read_text(encoding="utf-8").split("\n") if r.strip() and not r.startswith("#")]
    for category, name, limit, keywords, pattern in rows:
        if keywords == "-" and int(limit) >= _phrases.LENGTH_STEPS[step] and re.fullmatch(pattern, text, re.I):
            return Category(category), name
    gated = [row for row in rows if row[3] != "-"]
    words = sorted({k for row in gated for k in row[3].split(",")}, key=len, reverse=True)
    hits = set(re.findall("|".join(map(re.escape, words)), text.lower()))
    for category, name, limit, keywords, pattern in gated:
        selected = any(k in hit for hit in hits for k in keywords.split(","))
        if selected and len(text) <= int(limit) and re.fullmatch(pattern, text, re.I):
            return Category(category), name
    return None


@contextmanager
def phrase_state(fitting: dict[tuple[int, str], Any] | None, uncompiled_lines: int) -> Iterator[_phrases._Rules]:
    """`_phrases`'s compiled pairs (None: those it has) and count of lines matched rule by rule set
    for the block, then put back; answers cached before or during it are forgotten."""
    rules = _phrases._rules()
    saved = rules.fitting, rules.uncompiled_lines
    rules.fitting = saved[0] if fitting is None else fitting
    rules.uncompiled_lines = uncompiled_lines
    _phrases.match.cache_clear()
    try:
        yield rules
    finally:
        rules.fitting, rules.uncompiled_lines = saved
        _phrases.match.cache_clear()


def phrase_path(compiled: bool) -> AbstractContextManager[_phrases._Rules]:
    """`_phrases.match` by the compiled patterns of a long run, or rule by rule as in a process's
    first lines (nothing compiled)."""
    return phrase_state(None, _phrases.UNCOMPILED_LINES) if compiled else phrase_state({}, -10**9)


LINES = [
    "Advertisement", "• Share", "Share this article", "Shares of the company rose 5 percent.", "By Jane Doe",
    "Home › News › Science", "We use cookies to improve your experience. By continuing you accept them.",
    "Sign up for our newsletter and get the news in your inbox.", "© 2024 Example. All rights reserved.",
    "Kommentar schreiben", "12 comments", "Photo: Reuters", "Published: 12 March 2024 09:30", "x" * 401, "",
    "\u212aommentare", "\u017fhare", "İnicio", "Tags: a, b", "Follow us on Twitter", "Loading...",
]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(LINES) | st.text(alphabet="abcdeiklmnoprstuvwy ,.:|/›©()ASHBKCP\u212a\u017f", max_size=60))
def test_phrase_rules_decide_as_the_plain_reading(line: str) -> None:
    expected = _reference_match(line)
    for compiled in (True, False):
        with phrase_path(compiled):
            assert _phrases.match(line) == expected, compiled


def test_a_patterns_tree_for_a_character_is_pruned_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # the pairs of every length step a character starts ask for its tree again
    pattern = FirstCharPattern("(?:share|tweet|print)(?: this)?", re.IGNORECASE)
    pruned: list[str] = []
    prune = _first_char._prune
    monkeypatch.setattr(_first_char, "_prune",
                        lambda tree, char, flags: pruned.append(char) or prune(tree, char, flags))
    first = pattern.tree_for("S")
    assert pruned and first is not pattern._tree  # "tweet" and "print" went
    count = len(pruned)
    assert pattern.tree_for("S") is first and len(pruned) == count
    assert pattern.tree_for("x") is _first_char.NO_MATCH


def test_a_cold_process_compiles_nothing_for_a_page_then_compiles_as_lines_come() -> None:
    page = ["Home", "Advertisement", "Share this article", "Follow us on Twitter", "By Jane Doe",
            "The minister said on Tuesday that the talks would go on.", "© 2024 Example. All rights reserved."]
    with phrase_state({}, 0) as rules:  # a fresh process
        first = [_phrases.match(line) for line in page]
        assert rules.fitting == {} and rules.uncompiled_lines == len(page)
        rules.uncompiled_lines = _phrases.UNCOMPILED_LINES  # a long run's later lines
        _phrases.match.cache_clear()
        assert [_phrases.match(line) for line in page] == first
        assert len(rules.fitting) == len({(bisect_left(_phrases.LENGTH_STEPS, len(line)), line[0]) for line in page})


def test_past_the_compiled_pairs_kept_a_new_pair_is_matched_rule_by_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    with phrase_path(compiled=True):
        rules = _phrases._rules()
        monkeypatch.setattr(_phrases, "MAX_COMPILED_PAIRS", len(rules.fitting))

        def compile_fails(*args: object) -> None:
            raise AssertionError("compiled past the pairs kept")

        monkeypatch.setattr(_phrases, "_fitting", compile_fails)
        for line in ("Ｓｈａｒｅ", "Ｆｏｌｌｏｗ ｕｓ ｏｎ Ｘ", "ｘ"):  # first characters no earlier test met
            assert _phrases.match(line) == _reference_match(line)
