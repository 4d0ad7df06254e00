"""`cleaner batch --server` and `cleaner regress --server` against the real service, in-process."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("grpc")
testing = pytest.importorskip("server.testing")

from cleaner.batch import BatchConfig, run_batch  # noqa: E402
from cleaner.cli import main  # noqa: E402

ARTICLE = "A headline here\nThe first paragraph of the story, long enough to be prose.\nA second paragraph.\n"


@pytest.fixture(scope="module")
def target() -> Iterator[str]:
    with testing.InProcessServer() as server:
        yield server.target


def test_batch_through_the_service_matches_embedded(tmp_path: Path, target: str) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    for i in range(30):
        (folder / f"{i:02}.txt").write_text(f"Title {i}\n{ARTICLE}")
    (folder / "empty.txt").write_text("  \n")
    (tmp_path / "docs.jsonl").write_text(json.dumps({"id": "h", "html": "<p>Hello there.</p><p>More.</p>"})
                                         + "\nnot json\n")
    inputs = [str(folder), str(tmp_path / "docs.jsonl")]
    served, embedded = tmp_path / "served.jsonl", tmp_path / "embedded.jsonl"
    summary = run_batch(BatchConfig(inputs, str(served), servers=[target], chunk_size=4, workers=3))
    run_batch(BatchConfig(inputs, str(embedded), workers=1))
    assert (summary.ok, summary.failed) == (31, 2)

    def records(path: Path) -> dict[str, dict[str, object]]:
        return {r["source"]: r for r in map(json.loads, path.read_text().splitlines())}

    got, want = records(served), records(embedded)
    assert got == want  # same articles, same ids, same error types and messages


def test_unreachable_server_fails_documents_not_the_run(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE)
    out = tmp_path / "out.jsonl"
    summary = run_batch(BatchConfig([str(tmp_path / "a.txt")], str(out), servers=["127.0.0.1:1"],
                                    timeout=2.0, retries=1))
    assert summary.failed == 1
    (record,) = map(json.loads, out.read_text().splitlines())
    assert record["error"]["type"] == "ClientError"


def test_cli_batch_and_regress_with_server(tmp_path: Path, target: str) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE)
    out = tmp_path / "out.jsonl"
    assert main(["batch", str(tmp_path / "a.txt"), "--out", str(out), "--server", target, "-q"]) == 0
    assert json.loads(out.read_text())["ok"]
    assert main(["regress", str(tmp_path), "--update"]) == 0  # expectations from the embedded cleaner
    assert main(["regress", str(tmp_path), "--server", target]) == 0
