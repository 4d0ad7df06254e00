"""Known leftover lines ("Advertisement", "Share on Facebook", ...), from data/boilerplate.tsv.

Plain rules compile into alternations with a named group per rule, so a line
is tested in one pass and `lastgroup` says which rule matched. Each rule
declares the longest line it can match, so a long line of prose meets few
rules; rules that scan the whole line ("contains A and B") are gated by
keywords, tried only when a cheap substring test finds one.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ._model import Category

# Line lengths at which the set of candidate rules changes; a line is rounded up to one.
LENGTH_STEPS = (20, 40, 60, 80, 120, 160, 200, 260, 300, 400)
# Lines longer than this are prose, never a leftover: no rule is tried on them.
MAX_PHRASE_LINE_CHARS = LENGTH_STEPS[-1]
# Characters stripped from both ends before matching (bullets, separators).
TRIM = " \t*•·|-–—>»›"


@dataclass(frozen=True, slots=True)
class _Gated:
    max_chars: int
    keywords: frozenset[str]
    pattern: re.Pattern[str]
    rule: tuple[Category, str]


@dataclass(frozen=True, slots=True)
class _Rules:
    plain: list[re.Pattern[str] | None]  # one combined pattern per length step
    groups: dict[str, tuple[Category, str]]
    gated: list[_Gated]
    any_keyword: re.Pattern[str]  # every gated rule's keywords, as literals
    # keyword found -> gated rules to try (a found keyword holds shorter ones: "comments" holds "comment")
    rules_for: dict[str, tuple[int, ...]]


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    text = resources.files("cleaner").joinpath("data/boilerplate.tsv").read_text(encoding="utf-8")
    groups: dict[str, tuple[Category, str]] = {}
    plain: list[tuple[int, str]] = []
    gated: list[_Gated] = []
    for raw in text.split("\n"):
        if not raw.strip() or raw.startswith("#"):
            continue
        category, name, max_chars, keywords, pattern = raw.split("\t", 4)
        rule = (Category(category), name)
        compiled = re.compile(pattern, re.IGNORECASE)  # fails loudly on a bad data line
        if keywords != "-":
            gated.append(_Gated(int(max_chars), frozenset(keywords.split(",")), compiled, rule))
            continue
        group = f"r{len(plain)}"
        plain.append((int(max_chars), f"(?P<{group}>{pattern})"))
        groups[group] = rule
    steps: list[re.Pattern[str] | None] = []
    for step in LENGTH_STEPS:
        fitting = [p for limit, p in plain if limit >= step]
        steps.append(re.compile("|".join(fitting), re.IGNORECASE) if fitting else None)
    all_keywords = sorted({k for g in gated for k in g.keywords}, key=len, reverse=True)
    rules_for = {
        found: tuple(i for i, g in enumerate(gated) if any(k in found for k in g.keywords)) for found in all_keywords
    }
    return _Rules(steps, groups, gated, re.compile("|".join(re.escape(k) for k in all_keywords)), rules_for)


def match(line: str) -> tuple[Category, str] | None:
    """The (category, rule) of a known leftover line, or None."""
    text = line.strip(TRIM)
    step = bisect_left(LENGTH_STEPS, len(text))
    if step >= len(LENGTH_STEPS):
        return None
    rules = _rules()
    pattern = rules.plain[step]
    m = pattern.fullmatch(text) if pattern is not None else None
    if m is not None and m.lastgroup is not None:
        return rules.groups[m.lastgroup]
    # One scan finds every keyword present; a hit may hold shorter keywords too.
    hits = set(rules.any_keyword.findall(text.lower()))
    if not hits:
        return None
    for i in sorted({i for hit in hits for i in rules.rules_for[hit]}):
        gated = rules.gated[i]
        if len(text) <= gated.max_chars and gated.pattern.fullmatch(text):
            return gated.rule
    return None
