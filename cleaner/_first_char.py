"""Regular expressions specialised to the first character of the text they must match.

A phrase rule such as ``(?:share|share this|tweet|print|...)`` compiled with
IGNORECASE makes `re` enter every alternative on every line (its quick skip of
an alternative by its first character works only for case-sensitive literals).
Given the first character of the text, the alternatives at the pattern's first
position that cannot start with it are dropped, and a pattern that cannot start
with it at all is not tried. Dropping an alternative that cannot match never
changes what the pattern matches, nor which alternative wins.

The first characters are read off `re`'s own parse tree and the specialised
tree is compiled by `re`'s own compiler. Those modules are private, so anything
unexpected leaves the pattern whole (slower, never different).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Sequence
from typing import Any

# Distinct first characters remembered per pattern (CJK text has thousands).
MAX_CACHED_CHARS = 4096
# Combined patterns kept (`first_of`), shared by the characters that keep the same alternatives.
MAX_COMBINED = 2048

try:
    _parser: Any = importlib.import_module("re._parser")
    _compiler: Any = importlib.import_module("re._compiler")
    _sre: Any = importlib.import_module("re._constants")
    _ZERO_WIDTH = (_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT)
    _ONE_CHAR = (_sre.LITERAL, _sre.NOT_LITERAL, _sre.IN, _sre.ANY)
    _REPEATS = (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT)
except (ImportError, AttributeError):  # another Python's internals: patterns stay whole
    _parser = None

# What `FirstCharPattern.tree_for` gives when no match can start with the character.
NO_MATCH: Any = object()
# the kept alternatives ((pattern id, specialised tree), ...) -> the combined pattern of `first_of`
_COMBINED: dict[tuple[tuple[int, str | None], ...], re.Pattern[str]] = {}
# one-character items of parse trees, compiled: (op, repr(argument), flags) -> pattern
_ITEM_PATTERNS: dict[tuple[Any, str, int], re.Pattern[str]] = {}
# Parse (sub)trees whose `_firsts` are kept (the phrase rules have a few thousand).
MAX_CACHED_TREES = 65536
# `_firsts` of the (sub)trees of the patterns' own parse trees, which live as long as the patterns:
# id(tree) -> (tree, its first items); the tree is held so that its id is never reused.
_FIRSTS: dict[int, tuple[Any, list[tuple[Any, Any]] | None]] = {}


class FirstCharPattern:
    """`pattern` compiled with `flags`, and its versions for a given first character."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = re.compile(pattern, flags)
        self._tree: Any = None
        if _parser is not None:
            try:
                self._tree = _parser.parse(pattern, flags)
                self._flags: int = self._tree.state.flags
            except Exception:  # see the module docstring
                self._tree = None
        self._by_char: dict[str, re.Pattern[str] | None] = {}
        # tree_for's answers: a character meets the same pattern in the patterns of every line length
        self._tree_by_char: dict[str, Any] = {}

    def for_first(self, char: str) -> re.Pattern[str] | None:
        """The pattern for a text starting with `char` ("" for an empty text): the same matches
        on such a text as `self.pattern`; None when no match can start with `char`."""
        if char in self._by_char:
            return self._by_char[char]
        found = self._specialise(char)
        if len(self._by_char) < MAX_CACHED_CHARS:
            self._by_char[char] = found
        return found

    def _specialise(self, char: str) -> re.Pattern[str] | None:
        tree = self.tree_for(char)
        if tree is NO_MATCH:
            return None
        if tree is self._tree:
            return self.pattern
        try:
            compiled: re.Pattern[str] = _compiler.compile(tree, self._flags)
            return compiled
        except Exception:  # see the module docstring
            return self.pattern

    def tree_for(self, char: str) -> Any:
        """The parse tree for a text starting with `char` (the whole one, `self._tree`, when
        nothing goes or there is no tree: None), or NO_MATCH when no match can start with `char`."""
        if self._tree is None or not char:
            return self._tree
        if char in self._tree_by_char:
            return self._tree_by_char[char]
        try:
            pruned = _prune(self._tree, char, self._flags)
            tree = NO_MATCH if pruned is None else pruned
        except Exception:  # see the module docstring
            tree = self._tree
        if len(self._tree_by_char) < MAX_CACHED_CHARS:
            self._tree_by_char[char] = tree
        return tree


def first_of(patterns: Sequence[FirstCharPattern], char: str) -> tuple[re.Pattern[str] | None, tuple[int, ...]]:
    """One pattern for all `patterns` (compiled with the same flags), for a text starting with
    `char`: it matches where one of them does, and its group k (`lastindex`) is set by the first
    that does, which is patterns[found[k - 1]]. (None, ()) when none can match."""
    if any(p.pattern.groups for p in patterns):
        raise ValueError("first_of numbers the patterns by their groups: they may have none of their own")
    trees = [(i, p.tree_for(char)) for i, p in enumerate(patterns)]
    kept = [(i, tree) for i, tree in trees if tree is not NO_MATCH]
    if not kept:
        return None, ()
    found = tuple(i for i, _ in kept)
    # Characters that keep the same alternatives ("a" and "A" under IGNORECASE, most of CJK)
    # share one compiled pattern: each is tens of kB.
    key = tuple((id(patterns[i]), None if tree is None else repr(tree.data)) for i, tree in kept)
    combined = _COMBINED.get(key)
    if combined is None:
        combined = _combine(patterns, kept)
        if len(_COMBINED) < MAX_COMBINED:
            _COMBINED[key] = combined
    return combined, found


def _combine(patterns: Sequence[FirstCharPattern], kept: list[tuple[int, Any]]) -> re.Pattern[str]:
    first = patterns[kept[0][0]]
    if all(tree is not None for _, tree in kept):
        try:
            state = _parser.State()
            state.flags = first._flags
            branches = []
            for _, tree in kept:
                group = state.opengroup()
                state.closegroup(group, tree)
                branches.append(_parser.SubPattern(state, [(_sre.SUBPATTERN, (group, 0, 0, tree))]))
            top = _parser.SubPattern(state, [(_sre.BRANCH, (None, branches))] if len(branches) > 1
                                     else branches[0].data)
            compiled: re.Pattern[str] = _compiler.compile(top, state.flags)
            return compiled
        except Exception:  # see the module docstring
            pass
    # no parse trees: the patterns' texts joined, each a group
    return re.compile("|".join(f"({patterns[i].pattern.pattern})" for i, _ in kept), first.pattern.flags)


def _can_start(items: list[tuple[Any, Any]] | None, char: str, flags: int) -> bool:
    """Whether `char` matches one of the one-character items (None: unknown, so yes)."""
    if items is None:
        return True
    for op, av in items:
        key = (op, repr(av), flags)
        item = _ITEM_PATTERNS.get(key)
        if item is None:
            state = _parser.State()
            state.flags = flags
            item = _ITEM_PATTERNS[key] = _compiler.compile(_parser.SubPattern(state, [(op, av)]), flags)
        if item.fullmatch(char) is not None:
            return True
    return False


def _firsts(items: list[tuple[Any, Any]]) -> list[tuple[Any, Any]] | None:
    """The one-character items (literal, set, any) the first character of a non-empty match
    of the sequence `items` comes from; None when an item is not understood."""
    out: list[tuple[Any, Any]] = []
    for op, av in items:
        if op in _ZERO_WIDTH:
            continue  # a lookahead only narrows what follows
        if op in _ONE_CHAR:
            out.append((op, av))
            return out
        if op is _sre.SUBPATTERN:
            _, add_flags, del_flags, sub = av
            if add_flags or del_flags:
                return None  # (?-i:...): other flags than the pattern's
            subs, can_be_empty = [sub], sub.getwidth()[0] == 0
        elif op is _sre.ATOMIC_GROUP:
            subs, can_be_empty = [av], av.getwidth()[0] == 0
        elif op is _sre.BRANCH:
            subs = av[1]
            can_be_empty = any(b.getwidth()[0] == 0 for b in subs)
        elif op in _REPEATS:
            low, _, sub = av
            subs, can_be_empty = [sub], low == 0 or sub.getwidth()[0] == 0
        else:
            return None
        for sub in subs:
            found = _firsts(sub.data)
            if found is None:
                return None
            out += found
        if not can_be_empty:
            return out
    return out


def _prune(tree: Any, char: str, flags: int) -> Any:
    """`tree` without the alternatives at its first position that cannot start with `char`
    (the same object when none goes); None when no match of it can start with `char`.

    Only alternations and groups at the first position are pruned, and only when they
    cannot match empty: inside a repeat, a later round starts with another character."""
    known = _FIRSTS.get(id(tree))
    if known is None:
        known = (tree, _firsts(tree.data))
        if len(_FIRSTS) < MAX_CACHED_TREES:
            _FIRSTS[id(tree)] = known
    if not _can_start(known[1], char, flags):
        return None
    items = list(tree.data)
    for i, (op, av) in enumerate(items):
        if op in _ZERO_WIDTH:
            continue
        if op is _sre.BRANCH and all(b.getwidth()[0] > 0 for b in av[1]):
            kept = [b for b in (_prune(b, char, flags) for b in av[1]) if b is not None]
            if not kept:
                return None
            if len(kept) == len(av[1]) and all(k is b for k, b in zip(kept, av[1], strict=True)):
                return tree
            items[i] = (op, (av[0], kept))
        elif op is _sre.SUBPATTERN and not av[1] and not av[2] and av[3].getwidth()[0] > 0:
            inner = _prune(av[3], char, flags)
            if inner is None:
                return None
            if inner is av[3]:
                return tree
            items[i] = (op, (av[0], av[1], av[2], inner))
        else:
            return tree
        return _parser.SubPattern(tree.state, items)
    return tree
