"""Non-Python clients: Node.js (@grpc/grpc-js), `buf curl` through reflection, and `buf lint` of the proto.

The npm packages (tests/node/package.json, pinned by its package-lock.json)
are installed on first run into tests/node/node_modules (gitignored): the
only step that needs the npm registry. Skipped only where node/npm are missing.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

import cleaner
from server.testing import InProcessServer

ROOT = Path(__file__).resolve().parent.parent
NODE_DIR = ROOT / "tests" / "node"
SEED_PATH = next((ROOT / "seeds").glob("*.txt"))
SEED = SEED_PATH.read_bytes()

pytestmark = pytest.mark.skipif(shutil.which("node") is None or shutil.which("npm") is None,
                                reason="node/npm not installed")


@pytest.fixture(scope="module")
def node_modules() -> Path:
    modules = NODE_DIR / "node_modules"
    if not (modules / "@grpc" / "grpc-js").is_dir() or not (modules / ".bin" / "buf").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=NODE_DIR, check=True,
                       timeout=300)
    return modules


@pytest.fixture(scope="module")
def server() -> Iterator[InProcessServer]:
    with InProcessServer() as s:
        yield s


def test_node_client_cleans_the_seed(node_modules: Path, server: InProcessServer) -> None:
    out = subprocess.run(["node", str(NODE_DIR / "client.js"), server.target, str(SEED_PATH)], capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    expected = cleaner.clean(SEED)
    assert got["id"] == "node-1"
    assert (got["title"], got["paragraphs"], got["body"]) == (expected.title, len(expected.paragraphs), expected.body)
    assert got["format"] == "FORMAT_TEXT"
    assert got["batch"] == [["a", "article", None], ["b", "error", "ERROR_REASON_EMPTY_INPUT"]]
    assert got["bad_code"] == 3  # INVALID_ARGUMENT
    assert got["bad_has_details"]


def test_buf_curl_through_reflection(node_modules: Path, server: InProcessServer) -> None:
    body = json.dumps({"document": {"text": SEED.decode(), "id": "curl"}})
    out = subprocess.run(
        [str(node_modules / ".bin" / "buf"), "curl", "--protocol", "grpc", "--http2-prior-knowledge", "-d", body,
         f"http://{server.target}/cleaner.v1.CleanerService/Clean"],
        capture_output=True, text=True, timeout=60, cwd=NODE_DIR)
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    assert got["id"] == "curl"
    assert got["article"]["title"] == cleaner.clean(SEED).title


def test_buf_lint(node_modules: Path) -> None:
    out = subprocess.run([str(node_modules / ".bin" / "buf"), "lint"], cwd=ROOT / "protos", capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr
