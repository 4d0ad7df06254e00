"""Regenerate the client SDK `cleaner/v1` from `protos/` (`make stubs`).

Runs grpc_tools' bundled protoc with the mypy-protobuf plugins so the stubs
ship with .pyi types. `tests/test_stubs.py` regenerates into a scratch
directory and fails when the committed files differ.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from importlib import resources
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROTO_ROOT = ROOT / "protos"
PROTOS = ("cleaner/v1/cleaner.proto",)
PACKAGE = "cleaner/v1"

_INIT = '''"""Generated gRPC/protobuf stubs for `cleaner.v1` (the client SDK); do not edit.

Regenerate with `make stubs` (python -m server.stubs) after changing
protos/cleaner/v1/cleaner.proto.
"""
'''


def _plugin(name: str) -> str:
    # The plugins are console scripts installed beside this interpreter.
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if found is None:
        raise SystemExit(f"{name} not found: install mypy-protobuf")
    return found


def generate(out: Path = ROOT) -> list[Path]:
    """Write the stubs under `out`/cleaner/v1 and return the files written."""
    from grpc_tools import protoc  # type: ignore[import-untyped]  # dev-only dependency: import on use

    target = out / PACKAGE
    target.mkdir(parents=True, exist_ok=True)
    include = str(resources.files("grpc_tools") / "_proto")
    args = [
        "protoc",
        f"-I{PROTO_ROOT}",
        f"-I{include}",
        f"--plugin=protoc-gen-mypy={_plugin('protoc-gen-mypy')}",
        f"--plugin=protoc-gen-mypy_grpc={_plugin('protoc-gen-mypy_grpc')}",
        f"--python_out={out}",
        f"--grpc_python_out={out}",
        f"--mypy_out={out}",
        f"--mypy_grpc_out={out}",
        *PROTOS,
    ]
    if protoc.main(args) != 0:
        raise SystemExit("protoc failed")
    (target / "__init__.py").write_text(_INIT)
    return sorted(p for p in target.iterdir() if p.is_file())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=ROOT, help="root to write cleaner/v1 under (default: the repo)")
    args = parser.parse_args(argv)
    for path in generate(args.out):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
