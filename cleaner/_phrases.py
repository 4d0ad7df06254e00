"""Known leftover lines ("Advertisement", "Share on Facebook", ...), from data/boilerplate.tsv.

All rules compile into one alternation with a named group per rule, so a line
is tested once; `lastgroup` says which rule matched.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from ._model import Category

# Lines longer than this are prose, never a leftover label: skip the regex.
MAX_PHRASE_LINE_CHARS = 400


@lru_cache(maxsize=1)
def _compiled() -> tuple[re.Pattern[str], dict[str, tuple[Category, str]]]:
    text = resources.files("cleaner").joinpath("data/boilerplate.tsv").read_text(encoding="utf-8")
    parts: list[str] = []
    rules: dict[str, tuple[Category, str]] = {}
    for raw in text.splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        category, name, pattern = raw.split("\t", 2)
        group = f"r{len(parts)}"
        re.compile(pattern)  # fail loudly on a bad data line
        parts.append(f"(?P<{group}>{pattern})")
        rules[group] = (Category(category), name)
    return re.compile("|".join(parts), re.IGNORECASE), rules


def match(line: str) -> tuple[Category, str] | None:
    """The (category, rule) of a known leftover line, or None."""
    if len(line) > MAX_PHRASE_LINE_CHARS:
        return None
    pattern, rules = _compiled()
    m = pattern.fullmatch(line.strip(" \t*•·|-–—>»›"))
    if m is None or m.lastgroup is None:
        return None
    return rules[m.lastgroup]
