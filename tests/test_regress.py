"""cleaner.regress and `cleaner regress`: discovery, field diffs, --update, --only, exit statuses."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cleaner import Article, EmptyInputError, Format, Metadata, clean
from cleaner.cli import main
from cleaner.regress import FieldDiff, compare, expectation, find_fixtures, run_regress

ARTICLE = "A headline here\nThe first paragraph of the story.\nA second paragraph.\n"


def write_fixture(folder: Path, name: str, text: str = ARTICLE, suffix: str = ".txt") -> Path:
    path = folder / f"{name}{suffix}"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def expected_path(folder: Path, name: str) -> Path:
    return folder / f"{name}.expected.json"


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def fake_article(title: str, body: str) -> Article:
    return Article(title=title, subtitle="", dateline=None, paragraphs=body.split("\n\n"), removed=[],
                   metadata=Metadata(), format=Format.TEXT)


def test_find_fixtures_recursive_with_only(tmp_path: Path) -> None:
    write_fixture(tmp_path, "a")
    write_fixture(tmp_path, "sub/b", "<p>x</p>", ".html")
    write_fixture(tmp_path, ".hidden/c")
    (tmp_path / "a.expected.json").write_text("{}")
    (tmp_path / "notes.md").write_text("not a fixture")
    assert [(f.name, f.format) for f in find_fixtures(tmp_path)] == [("a", "text"), ("sub/b", "html")]
    assert [f.name for f in find_fixtures(tmp_path, only=["sub/*"])] == ["sub/b"]
    assert [f.name for f in find_fixtures(tmp_path, only=["b"])] == ["sub/b"]  # plain text: substring
    assert [f.name for f in find_fixtures(tmp_path, only=["a*"])] == ["a"]
    assert find_fixtures(tmp_path)[1].expected == tmp_path / "sub" / "b.expected.json"


def test_compare_checks_only_the_expectations_keys() -> None:
    actual = {"title": "T", "body": "x", "dateline": {"raw": "PARIS —", "location": "PARIS", "agency": ""},
              "metadata": {"author": "A", "url": ""}}
    assert compare({"title": "T", "dateline": {"location": "PARIS"}, "metadata": {"author": "A"}}, actual) == []
    assert compare({"dateline": {"location": "LYON"}}, actual) == [FieldDiff("dateline.location", "LYON", "PARIS")]
    assert compare({"dateline": None}, actual) == [FieldDiff("dateline", None, actual["dateline"])]
    assert compare({"subtitle": "S"}, actual) == [FieldDiff("subtitle", "S", None)]
    assert compare({"title": "T"}, {"error": {"type": "EmptyInputError"}}) == [
        FieldDiff("error", None, {"type": "EmptyInputError"})]


def test_diff_rendering_is_readable() -> None:
    body = FieldDiff("body", "one\n\ntwo\n\nthree", "one\n\nTWO\n\nthree").render()
    assert body.splitlines()[:3] == ["body:", "  --- body (expected)", "  +++ body (actual)"]
    assert "  -two" in body and "  +TWO" in body
    title = FieldDiff("title", "Old title", "New title").render()
    assert title == 'title:\n  - "Old title"\n  + "New title"'
    removed = FieldDiff("removed", [], [{"text": "Advertisement", "category": "advertisement", "rule": "ad",
                                         "line": 15}]).render()
    assert "+  15 [advertisement/ad] Advertisement" in removed


def test_expectation_of_article_and_error() -> None:
    data = expectation(clean(ARTICLE))
    assert data["title"] == "A headline here" and "paragraphs" not in data and "body" in data
    assert expectation(EmptyInputError("empty")) == {"error": {"type": "EmptyInputError", "message": "empty"}}


def test_changed_field_is_detected_then_passes_after_update(tmp_path: Path) -> None:
    write_fixture(tmp_path, "story")

    def original(raw: bytes, fmt: str) -> Article:
        return fake_article("A headline here", "The first paragraph of the story.\n\nA second paragraph.")

    first = run_regress([tmp_path], cleaner=original, update=True)  # writes the new expectation
    assert [r.status for r in first.results] == ["updated"]
    assert run_regress([tmp_path], cleaner=original).ok

    def changed(raw: bytes, fmt: str) -> Article:
        return fake_article("A changed headline", "The first paragraph of the story.\n\nA new second paragraph.")

    report = run_regress([tmp_path], cleaner=changed)
    assert not report.ok and report.exit_status == 1
    (result,) = report.results
    assert [d.path for d in result.diffs] == ["title", "body"]
    text = report.render()
    assert '- "A headline here"' in text and '+ "A changed headline"' in text
    assert "-A second paragraph." in text and "+A new second paragraph." in text

    assert run_regress([tmp_path], cleaner=changed, update=True).results[0].status == "updated"
    assert run_regress([tmp_path], cleaner=changed).ok
    assert load(expected_path(tmp_path, "story"))["title"] == "A changed headline"


def test_update_keeps_a_trimmed_expectation_trimmed(tmp_path: Path) -> None:
    write_fixture(tmp_path, "story")
    expected_path(tmp_path, "story").write_text(json.dumps({"title": "Wrong", "metadata": {"url": ""}}))
    assert not run_regress([tmp_path]).ok
    run_regress([tmp_path], update=True)
    assert load(expected_path(tmp_path, "story")) == {"title": "A headline here", "metadata": {"url": ""}}


def test_expected_errors_and_engine_bugs(tmp_path: Path) -> None:
    write_fixture(tmp_path, "empty", "   \n")
    expected_path(tmp_path, "empty").write_text(json.dumps({"error": {"type": "EmptyInputError"}}))
    assert run_regress([tmp_path]).ok

    def buggy(raw: bytes, fmt: str) -> Article:
        raise KeyError("oops")

    (result,) = run_regress([tmp_path], cleaner=buggy).results
    assert result.status == "fail" and result.diffs == [FieldDiff("error.type", "EmptyInputError", "KeyError")]


def test_cli_exit_statuses_update_and_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_fixture(tmp_path, "one")
    write_fixture(tmp_path, "two", "<html><body><h1>Two</h1><p>Body.</p></body></html>", ".html")
    assert main(["regress", str(tmp_path), "--update"]) == 0
    assert main(["regress", str(tmp_path)]) == 0
    assert "2 fixture(s): 2 passed" in capsys.readouterr().out

    data = load(expected_path(tmp_path, "one"))
    expected_path(tmp_path, "one").write_text(json.dumps({**data, "title": "Stale title"}))
    assert main(["regress", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "FAIL" in out and '- "Stale title"' in out and "1 failed" in out
    assert main(["regress", str(tmp_path), "--only", "two"]) == 0  # the stale one is not run
    assert main(["regress", str(tmp_path), "--only", "nothing-matches"]) == 2
    assert main(["regress", str(tmp_path / "missing")]) == 2
    assert main(["regress", str(tmp_path), "--update", "--only", "one"]) == 0
    assert main(["regress", str(tmp_path)]) == 0
