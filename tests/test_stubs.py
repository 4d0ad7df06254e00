"""The committed client SDK (cleaner/v1) is exactly what `make stubs` generates from protos/."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_committed_stubs_match_the_proto(tmp_path: Path) -> None:
    pytest.importorskip("grpc_tools")
    from server.stubs import generate

    fresh = {p.name: p.read_bytes() for p in generate(tmp_path)}
    committed = {p.name: p.read_bytes() for p in (ROOT / "cleaner" / "v1").iterdir() if p.is_file()}
    stale = sorted(n for n in fresh.keys() | committed.keys() if fresh.get(n) != committed.get(n))
    assert not stale, (
        f"cleaner/v1 is out of date for {stale}: run `make stubs` and commit "
        "(or the installed grpcio-tools / mypy-protobuf differ from the ones that generated it)"
    )


def test_import_cleaner_does_not_import_grpc_or_protobuf() -> None:
    code = ("import sys, cleaner, cleaner.cli; cleaner.cli.build_parser(); "
            "sys.exit(any(m.split('.')[0] in ('grpc', 'google') for m in sys.modules))")
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0
