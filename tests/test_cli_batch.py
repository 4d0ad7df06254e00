"""`cleaner batch` on the command line: exit statuses, summary, stdin, kill -9 and --resume."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from cleaner.cli import main

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = "A headline here\nThe first paragraph of the story, long enough to be prose.\nA second paragraph.\n"


def sources(out: Path) -> list[str]:
    return [json.loads(line)["source"] for line in out.read_text().splitlines()]


def cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cleaner.cli", "batch", *args], input=stdin, text=True,
                          capture_output=True, cwd=ROOT, timeout=60)


def test_exit_0_when_all_succeed_with_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE)
    out = tmp_path / "out.jsonl"
    assert main(["batch", str(tmp_path / "a.txt"), "--out", str(out), "--workers", "1"]) == 0
    err = capsys.readouterr().err
    assert "1 document(s) cleaned: 1 ok, 0 failed" in err and "docs/s" in err


def test_exit_1_when_some_fail(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE)
    (tmp_path / "b.txt").write_text(" \n")
    out = tmp_path / "out.jsonl"
    assert main(["batch", str(tmp_path), "--out", str(out), "-j", "2", "--include", "*.txt"]) == 1
    assert "1 ok, 1 failed" in capsys.readouterr().err
    assert sorted(sources(out)) == [str(tmp_path / "a.txt"), str(tmp_path / "b.txt")]


@pytest.mark.parametrize("args", [
    ["missing.txt"],                       # no such input
    ["in.txt", "--retry-failed"],          # --retry-failed without --resume
    ["in.txt", "--workers", "0"],
    ["in.txt", "--resume", "--format", "pdf"],
])
def test_exit_2_on_usage_errors(tmp_path: Path, args: list[str]) -> None:
    (tmp_path / "in.txt").write_text(ARTICLE)
    argv = ["batch", *[str(tmp_path / a) if a.endswith(".txt") else a for a in args], "--out",
            str(tmp_path / "out.jsonl")]
    with pytest.raises(SystemExit) as exit_info:  # argparse's own errors exit 2 too
        sys.exit(main(argv))
    assert exit_info.value.code == 2


def test_exit_2_when_out_exists_without_resume(tmp_path: Path) -> None:
    (tmp_path / "in.txt").write_text(ARTICLE)
    out = tmp_path / "out.jsonl"
    out.write_text("keep me\n")
    assert main(["batch", str(tmp_path / "in.txt"), "--out", str(out)]) == 2
    assert out.read_text() == "keep me\n"


def test_stdin_jsonl_and_files_in_a_subprocess(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE)
    out = tmp_path / "out.jsonl"
    stdin = "".join(json.dumps({"id": f"s{i}", "text": ARTICLE}) + "\n" for i in range(3))
    done = cli("-", str(tmp_path / "a.txt"), "--out", str(out), stdin=stdin)
    assert done.returncode == 0, done.stderr
    assert sorted(sources(out)) == ["-:1", "-:2", "-:3", str(tmp_path / "a.txt")]
    assert "4 document(s) cleaned" in done.stderr
    assert "\r" not in done.stderr  # no progress bar when stderr is not a terminal


# A batch run that cleans slowly enough to be killed part-way through.
SLOW_RUN = textwrap.dedent("""
    import sys, time
    from cleaner import clean
    from cleaner.batch import BatchConfig, run_batch

    def slow_clean(raw, **kw):
        time.sleep(0.003)
        return clean(raw, **kw)

    if __name__ == "__main__":
        run_batch(BatchConfig([sys.argv[1]], sys.argv[2], workers=2, chunk_size=2, clean_fn=slow_clean))
""")


def test_kill_9_mid_run_then_resume_gives_every_document_once(tmp_path: Path) -> None:
    n = 800
    docs = tmp_path / "docs.jsonl"
    docs.write_text("".join(json.dumps({"id": f"d{i}", "text": f"Title {i}\n{ARTICLE}"}) + "\n" for i in range(n)))
    out = tmp_path / "out.jsonl"
    script = tmp_path / "slow_run.py"
    script.write_text(SLOW_RUN)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, str(script), str(docs), str(out)], env=env, start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while (not out.exists() or out.stat().st_size < 5_000) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert proc.poll() is None, "the run finished before it could be killed"
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the parent and its workers, mid-write or not
        proc.wait()
    raw = out.read_bytes()
    whole = raw[: raw.rfind(b"\n") + 1]
    partial = [json.loads(line) for line in whole.splitlines()]  # every whole line is valid JSON
    assert 0 < len(partial) < n

    done = cli(str(docs), "--out", str(out), "--resume", "--workers", "2")
    assert done.returncode == 0, done.stderr
    assert f"{len(partial)} already done, skipped" in done.stderr
    got = sources(out)
    assert len(got) == n and set(got) == {f"{docs}:{i + 1}" for i in range(n)}
    records: list[dict[str, Any]] = [json.loads(line) for line in out.read_text().splitlines()]
    assert all(r["ok"] for r in records)
