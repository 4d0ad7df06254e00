"""Regression tests over fixtures: `run_regress([folder, ...])`.

A fixture is an input file ``NAME.txt``, ``NAME.html`` or ``NAME.htm`` with
``NAME.expected.json`` beside it (folders are searched recursively). The
expectation is the article as `Article.to_dict()` gives it, less the
redundant ``paragraphs``; or ``{"error": {"type": ..., "message": ...}}``
when the input must be refused. Only the keys the expectation holds are
compared (recursively into ``dateline`` and ``metadata``), so a hand-trimmed
expectation such as ``{"title": ..., "body": ...}`` checks just those fields,
and `update=True` keeps it trimmed. An input with no expectation is reported
as new; `update=True` writes its expectation.
"""

from __future__ import annotations

import difflib
import fnmatch
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ._model import Article
from ._options import Options
from ._pipeline import clean

__all__ = ["Cleaner", "FieldDiff", "Fixture", "FixtureResult", "RegressReport", "compare", "expectation",
           "find_fixtures", "run_regress"]

INPUT_SUFFIXES = {".txt": "text", ".html": "html", ".htm": "html"}
EXPECTED_SUFFIX = ".expected.json"

#: Cleans one fixture input: (raw bytes, format) -> Article, raising on refusal.
Cleaner = Callable[[bytes, str], Article]
Status = Literal["pass", "fail", "new", "updated"]


@dataclass(frozen=True, slots=True)
class Fixture:
    name: str  # the input's path relative to its folder, without the suffix
    input: Path
    format: str

    @property
    def expected(self) -> Path:
        return self.input.with_name(self.input.name.rsplit(".", 1)[0] + EXPECTED_SUFFIX)


@dataclass(frozen=True, slots=True)
class FieldDiff:
    """One field that differs; `path` is dotted (``metadata.author``)."""

    path: str
    expected: Any
    actual: Any

    def render(self) -> str:
        exp, act = self.expected, self.actual
        if isinstance(exp, str) and isinstance(act, str) and ("\n" in exp or "\n" in act):
            return _unified(self.path, exp.split("\n"), act.split("\n"))
        if isinstance(exp, list) and isinstance(act, list):
            return _unified(self.path, [_item(x) for x in exp], [_item(x) for x in act])
        return f"{self.path}:\n  - {_show(exp)}\n  + {_show(act)}"


@dataclass(slots=True)
class FixtureResult:
    fixture: Fixture
    status: Status
    diffs: list[FieldDiff] = field(default_factory=list)

    def render(self) -> str:
        head = {"pass": "ok", "fail": "FAIL", "new": "NEW (no expectation)", "updated": "UPDATED"}[self.status]
        lines = [f"{head}  {self.fixture.input}"]
        lines.extend("  " + d.render().replace("\n", "\n  ") for d in self.diffs)
        return "\n".join(lines)


@dataclass(slots=True)
class RegressReport:
    results: list[FixtureResult]

    def count(self, status: Status) -> int:
        return sum(r.status == status for r in self.results)

    @property
    def ok(self) -> bool:
        """No fixture differs from its expectation."""
        return self.count("fail") == 0

    @property
    def exit_status(self) -> int:
        return 0 if self.ok else 1

    def render(self, verbose: bool = False) -> str:
        shown = [r.render() for r in self.results if verbose or r.status != "pass"]
        summary = (f"{len(self.results)} fixture(s): {self.count('pass')} passed, {self.count('fail')} failed, "
                   f"{self.count('updated')} updated, {self.count('new')} new")
        return "\n".join([*shown, summary])


def find_fixtures(folder: str | Path, only: Sequence[str] = ()) -> list[Fixture]:
    """The inputs under `folder`, sorted; `only` keeps names matching a glob (or containing a plain string)."""
    root = Path(folder)
    found = []
    for path in sorted(root.rglob("*")):
        fmt = INPUT_SUFFIXES.get(path.suffix.lower())
        if fmt is None or not path.is_file() or any(p.startswith(".") for p in path.relative_to(root).parts):
            continue
        name = path.relative_to(root).with_suffix("").as_posix()
        if only and not any(_selects(p, name) for p in only):
            continue
        found.append(Fixture(name, path, fmt))
    return found


def _selects(pattern: str, name: str) -> bool:
    if any(c in pattern for c in "*?["):
        return fnmatch.fnmatchcase(name, pattern) or fnmatch.fnmatchcase(name.rsplit("/", 1)[-1], pattern)
    return pattern in name


def expectation(result: Article | Exception) -> dict[str, Any]:
    """What `update` writes for a cleaning result."""
    if isinstance(result, Exception):
        return {"error": {"type": type(result).__name__, "message": str(result)}}
    data = result.to_dict()
    del data["paragraphs"]  # the body says the same
    return data


def compare(expected: Any, actual: Any, path: str = "") -> list[FieldDiff]:
    """Differences between an expectation and an actual result, over the expectation's keys."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        if path == "" and ("error" in expected) != ("error" in actual):
            return [FieldDiff("error", expected.get("error"), actual.get("error"))]
        diffs = []
        for key, value in expected.items():
            sub = f"{path}.{key}" if path else key
            diffs.extend(compare(value, actual.get(key), sub) if key in actual else [FieldDiff(sub, value, None)])
        return diffs
    return [] if expected == actual else [FieldDiff(path, expected, actual)]


def run_regress(folders: Sequence[str | Path], *, only: Sequence[str] = (), update: bool = False,
                cleaner: Cleaner | None = None, options: Options | None = None) -> RegressReport:
    """Clean every fixture under `folders` and compare it with its expectation.

    `cleaner` defaults to the embedded `clean()` with `options`; pass one that
    calls the service to test a server. With `update`, differing and new
    expectations are rewritten (and reported as "updated").
    """
    run = cleaner or (lambda raw, fmt: clean(raw, format=fmt, options=options))
    results = []
    for folder in folders:
        for fixture in find_fixtures(folder, only):
            results.append(_check(fixture, run, update))
    return RegressReport(results)


def _check(fixture: Fixture, run: Cleaner, update: bool) -> FixtureResult:
    result: Article | Exception
    try:
        result = run(fixture.input.read_bytes(), fixture.format)
    except Exception as exc:  # a refusal, or an engine bug: both are results to compare
        result = exc
    actual = expectation(result)
    if not fixture.expected.exists():
        if update:
            _write(fixture.expected, actual)
        return FixtureResult(fixture, "updated" if update else "new")
    expected = json.loads(fixture.expected.read_text(encoding="utf-8"))
    diffs = compare(expected, actual)
    if not diffs:
        return FixtureResult(fixture, "pass")
    if update:
        _write(fixture.expected, _like(actual, expected))
        return FixtureResult(fixture, "updated", diffs)
    return FixtureResult(fixture, "fail", diffs)


def _like(actual: dict[str, Any], expected: dict[str, Any]) -> dict[str, Any]:
    """`actual` cut to the keys `expected` holds, so a trimmed expectation stays trimmed."""
    if ("error" in actual) != ("error" in expected):
        return actual
    return {k: _like(actual[k], v) if isinstance(v, dict) and isinstance(actual[k], dict) else actual[k]
            for k, v in expected.items() if k in actual}


def _write(path: Path, data: dict[str, Any]) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _unified(name: str, expected: list[str], actual: list[str]) -> str:
    diff = difflib.unified_diff(expected, actual, f"{name} (expected)", f"{name} (actual)", lineterm="", n=2)
    return f"{name}:\n" + "\n".join("  " + line for line in diff)


def _item(value: Any) -> str:
    if isinstance(value, dict) and {"line", "category", "rule", "text"} <= value.keys():
        return f"{value['line']:>4} [{value['category']}/{value['rule']}] {value['text']}"
    return json.dumps(value, ensure_ascii=False)


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
