"""cleaner.ray_data: the map_batches callable, directly and (when ray is installed) in a local Ray Data job."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cleaner.ray_data import OUTPUT_COLUMNS, CleanBatch

ARTICLE = "A headline here\nThe first paragraph of the story.\nA second paragraph.\n"


def test_clean_batch_cleans_each_row_and_keeps_failures_in_columns() -> None:
    batch = {
        "id": ["t", "h", "b", "empty", "none"],
        "text": [ARTICLE, None, None, "  ", None],
        "html": [None, "<html><body><p>Hi there.</p><p>More.</p></body></html>", None, None, None],
        "bytes": [None, None, ARTICLE.encode(), None, None],
        "url": ["https://example.com/t", None, None, None, None],
    }
    out = CleanBatch()(batch)
    assert set(out) == set(OUTPUT_COLUMNS) and all(len(v) == 5 for v in out.values())
    assert out["ok"] == [True, True, True, False, False]
    assert out["title"][0] == "A headline here"
    assert json.loads(out["article"][0])["metadata"]["url"] == "https://example.com/t"
    assert json.loads(out["article"][1])["format"] == "html"
    assert out["error_type"][3:] == ["EmptyInputError", "InvalidRecordError"]
    assert out["error"][0] == "" and out["article"][3] == ""


def test_ray_data_map_batches_in_local_mode(tmp_path: Path) -> None:
    ray = pytest.importorskip("ray")
    pytest.importorskip("ray.data")
    docs = tmp_path / "docs.jsonl"
    docs.write_text("".join(json.dumps({"id": f"d{i}", "text": f"Title {i}\n{ARTICLE}"}) + "\n" for i in range(20))
                    + json.dumps({"id": "bad", "text": ""}) + "\n")
    ray.init(num_cpus=4, include_dashboard=False, log_to_driver=False, configure_logging=False)
    try:
        ds = ray.data.read_json(str(docs))
        rows = ds.map_batches(CleanBatch, concurrency=2, batch_size=8).take_all()
    finally:
        ray.shutdown()
    by_id = {r["id"]: r for r in rows}
    assert len(rows) == 21 and set(by_id) == {f"d{i}" for i in range(20)} | {"bad"}
    assert by_id["d3"]["ok"] and by_id["d3"]["title"] == "Title 3"
    assert not by_id["bad"]["ok"] and by_id["bad"]["error_type"] == "EmptyInputError"
