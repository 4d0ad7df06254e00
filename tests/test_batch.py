"""cleaner.batch: inputs, output records, failures, crash safety and resume (library level)."""

from __future__ import annotations

import gzip
import io
import json
import os
import time
from pathlib import Path
from typing import Any

import pytest

from cleaner import Article, clean
from cleaner.batch import BatchConfig, BatchUsageError, run_batch

ARTICLE = "A headline here\nThe first paragraph of the story, long enough to be prose.\nA second paragraph.\n"


def read_out(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def by_source(path: Path) -> dict[str, dict[str, Any]]:
    records = read_out(path)
    sources = [r["source"] for r in records]
    assert len(sources) == len(set(sources)), "a document appears twice"
    return {r["source"]: r for r in records}


# Cleaners that misbehave on cue; module level so worker processes can unpickle them.
def flaky_clean(raw: str | bytes, **kw: Any) -> Article:
    text = raw.decode() if isinstance(raw, bytes) else raw
    if "BOOM" in text:
        raise ZeroDivisionError("engine bug")
    if "CRASH" in text:
        os._exit(3)
    if "SLOW" in text:
        time.sleep(30)
    return clean(raw, **kw)


def make_corpus(root: Path) -> Path:
    folder = root / "corpus"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text(ARTICLE)
    (folder / "sub" / "b.html").write_text("<html><head><title>T</title></head><body><p>Para one.</p></body></html>")
    with gzip.open(folder / "sub" / "c.txt.gz", "wt") as f:
        f.write(ARTICLE)
    (folder / ".hidden.txt").write_text(ARTICLE)
    (folder / "notes.md").write_text(ARTICLE)
    return folder


def test_mixed_inputs_folder_file_jsonl_stdin(tmp_path: Path) -> None:
    folder = make_corpus(tmp_path)
    single = tmp_path / "single.txt"
    single.write_text(ARTICLE)
    docs = tmp_path / "docs.jsonl"
    docs.write_text(json.dumps({"id": "j1", "text": ARTICLE, "url": "https://example.com/a"}) + "\n\n"
                    + json.dumps({"id": 7, "html": "<p>Hello there.</p><p>More.</p>"}) + "\n")
    stdin = io.BytesIO((json.dumps({"id": "s1", "text": ARTICLE}) + "\n").encode())
    out = tmp_path / "out.jsonl"
    summary = run_batch(BatchConfig([str(folder), str(single), str(docs), "-"], str(out), workers=2),
                        stdin=stdin)
    recs = by_source(out)
    assert set(recs) == {
        f"{folder}/a.txt", f"{folder}/notes.md", f"{folder}/sub/b.html", f"{folder}/sub/c.txt.gz",
        str(single), f"{docs}:1", f"{docs}:3", "-:1",
    }
    assert all(r["ok"] for r in recs.values())
    assert summary.ok == 8 and summary.failed == 0 and summary.exit_status == 0
    assert recs[f"{docs}:1"]["id"] == "j1"
    assert recs[f"{docs}:1"]["article"]["metadata"]["url"] == "https://example.com/a"
    assert recs[f"{docs}:3"]["id"] == "7"
    assert recs[f"{docs}:3"]["article"]["format"] == "html"
    assert recs[f"{folder}/sub/b.html"]["article"]["format"] == "html"
    assert recs[f"{folder}/sub/c.txt.gz"]["article"]["title"] == "A headline here"
    assert recs[str(single)]["id"] == str(single)


def test_include_exclude_globs_and_no_duplicates(tmp_path: Path) -> None:
    folder = make_corpus(tmp_path)
    out = tmp_path / "out.jsonl"
    # the folder twice and a file inside it: still each document once
    run_batch(BatchConfig([str(folder), str(folder), str(folder / "a.txt")], str(out), workers=1,
                          include=["*.txt", "*.txt.gz", "*.html"], exclude=["sub/*.html"]))
    assert set(by_source(out)) == {f"{folder}/a.txt", f"{folder}/sub/c.txt.gz"}


def test_failures_are_recorded_and_the_run_goes_on(tmp_path: Path) -> None:
    docs = tmp_path / "docs.jsonl"
    lines = [{"id": f"g{i}", "text": ARTICLE} for i in range(20)]
    lines[5] = {"id": "bug", "text": "BOOM " + ARTICLE}
    lines[9] = {"id": "empty", "text": "   \n"}
    lines[13] = {"id": "nobody"}
    docs.write_text("\n".join(json.dumps(x) for x in lines) + "\nnot json\n[1, 2]\n")
    out = tmp_path / "out.jsonl"
    summary = run_batch(BatchConfig([str(docs)], str(out), workers=2, clean_fn=flaky_clean, chunk_size=3))
    recs = by_source(out)
    assert len(recs) == 22
    assert (summary.ok, summary.failed, summary.exit_status) == (17, 5, 1)
    errors = {r["id"]: r["error"] for r in recs.values() if not r["ok"]}
    assert errors["bug"] == {"type": "ZeroDivisionError", "message": "engine bug"}
    assert errors["empty"]["type"] == "EmptyInputError"
    assert errors["nobody"]["type"] == "InvalidRecordError"
    assert errors[f"{docs}:21"]["type"] == "InvalidRecordError"
    assert errors[f"{docs}:22"]["type"] == "InvalidRecordError"
    assert all("article" not in r for r in recs.values() if not r["ok"])


def test_a_worker_crash_fails_only_its_document(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    for i in range(12):
        (folder / f"{i:02}.txt").write_text(("CRASH " if i == 4 else "") + ARTICLE)
    out = tmp_path / "out.jsonl"
    summary = run_batch(BatchConfig([str(folder)], str(out), workers=2, clean_fn=flaky_clean, chunk_size=4))
    recs = by_source(out)
    assert len(recs) == 12 and summary.failed == 1
    assert recs[f"{folder}/04.txt"]["error"]["type"] == "WorkerCrashedError"


def test_a_hanging_document_times_out(tmp_path: Path) -> None:
    docs = tmp_path / "docs.jsonl"
    docs.write_text("\n".join(json.dumps({"id": str(i), "text": ("SLOW " if i == 1 else "") + ARTICLE})
                              for i in range(4)) + "\n")
    out = tmp_path / "out.jsonl"
    started = time.monotonic()
    summary = run_batch(BatchConfig([str(docs)], str(out), workers=2, clean_fn=flaky_clean, doc_timeout=0.5))
    assert time.monotonic() - started < 10
    recs = {r["id"]: r for r in read_out(out)}
    assert summary.failed == 1 and recs["1"]["error"]["type"] == "DocumentTimeoutError"


def test_unreadable_inputs_are_failures(tmp_path: Path) -> None:
    bad_gz = tmp_path / "bad.txt.gz"
    bad_gz.write_bytes(b"not gzip at all")
    bad_jsonl = tmp_path / "bad.jsonl.gz"
    bad_jsonl.write_bytes(b"not gzip either")
    out = tmp_path / "out.jsonl"
    summary = run_batch(BatchConfig([str(bad_gz), str(bad_jsonl)], str(out), workers=1))
    recs = by_source(out)
    assert summary.failed == 2
    assert recs[str(bad_gz)]["error"]["type"] == "BadGzipFile"
    assert recs[str(bad_jsonl)]["error"]["type"] == "BadGzipFile"


def test_resume_skips_done_cuts_torn_line_and_adds_the_rest(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    for i in range(5):
        (folder / f"{i}.txt").write_text(ARTICLE)
    out = tmp_path / "out.jsonl"
    run_batch(BatchConfig([str(folder)], str(out), workers=1))
    for i in range(5, 9):
        (folder / f"{i}.txt").write_text(ARTICLE)
    with out.open("ab") as f:
        f.write(b'{"id": "torn", "source": "x", "ok": tr')  # as a kill -9 mid-write would leave it
    summary = run_batch(BatchConfig([str(folder)], str(out), workers=2, resume=True))
    assert (summary.ok, summary.skipped) == (4, 5)
    assert summary.torn_bytes > 0
    assert set(by_source(out)) == {f"{folder}/{i}.txt" for i in range(9)}


def test_resume_with_retry_failed_redoes_only_failures(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "good.txt").write_text(ARTICLE)
    (folder / "empty.txt").write_text("")
    out = tmp_path / "out.jsonl"
    assert run_batch(BatchConfig([str(folder)], str(out), workers=1)).failed == 1
    (folder / "empty.txt").write_text(ARTICLE)
    again = run_batch(BatchConfig([str(folder)], str(out), workers=1, resume=True))
    assert again.done == 0 and again.skipped == 2  # failures count as done by default
    retried = run_batch(BatchConfig([str(folder)], str(out), workers=1, resume=True, retry_failed=True))
    assert (retried.ok, retried.skipped) == (1, 1)
    recs = by_source(out)
    assert all(r["ok"] for r in recs.values()) and len(recs) == 2


def test_usage_errors(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    with pytest.raises(BatchUsageError, match="no such file"):
        run_batch(BatchConfig([str(tmp_path / "missing.txt")], str(out)))
    doc = tmp_path / "a.txt"
    doc.write_text(ARTICLE)
    out.write_text("precious data\n")
    with pytest.raises(BatchUsageError, match="--resume"):
        run_batch(BatchConfig([str(doc)], str(out)))
    with pytest.raises(BatchUsageError, match="not a batch output line"):
        run_batch(BatchConfig([str(doc)], str(out), resume=True))
    assert out.read_text() == "precious data\n"
    with pytest.raises(BatchUsageError, match="workers"):
        run_batch(BatchConfig([str(doc)], str(out), workers=0))
    run_batch(BatchConfig([str(doc)], str(out), overwrite=True, workers=1))
    assert len(read_out(out)) == 1


def test_progress_bar_reports_rate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = tmp_path / "a.txt"
    doc.write_text(ARTICLE)
    run_batch(BatchConfig([str(doc)], str(tmp_path / "out.jsonl"), workers=1), progress=True)
    err = capsys.readouterr().err
    assert "1/1" in err and "doc/s" in err


def test_non_ascii_and_lone_surrogates_stay_valid_utf8(tmp_path: Path) -> None:
    docs = tmp_path / "docs.jsonl"
    docs.write_text(json.dumps({"id": "é", "text": "Titre élevé\nCorps du texte \ud800 ici."}) + "\n")
    out = tmp_path / "out.jsonl"
    run_batch(BatchConfig([str(docs)], str(out), workers=1))
    (rec,) = read_out(out)
    assert rec["id"] == "é" and rec["article"]["title"] == "Titre élevé"
