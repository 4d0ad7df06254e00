"""Batch output: a JSONL file that a kill -9 at any moment leaves valid.

Only the parent process writes, each line with one unbuffered `os.write` (the
kernel keeps it even if the process dies next). A crash can at worst leave a
torn last line, with no newline; `open_output(resume=True)` cuts it off and
reports which sources are already done.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass


class OutputError(Exception):
    """OUT cannot be used as asked (exists without --resume, or is not batch output)."""


@dataclass(slots=True)
class Output:
    """An open OUT file in append mode, and what it already holds."""

    path: str
    fd: int
    done: set[str]
    torn_bytes: int = 0
    dropped_failures: int = 0

    def write(self, line: bytes) -> None:
        view = memoryview(line)
        while view:  # os.write may write less than asked (disk full, signals): finish the line
            view = view[os.write(self.fd, view):]

    def close(self) -> None:
        os.close(self.fd)


def open_output(path: str, *, resume: bool = False, overwrite: bool = False, retry_failed: bool = False) -> Output:
    """Open OUT for a run: new, overwritten, or resumed (skipping the sources it holds)."""
    exists = os.path.exists(path) and os.path.getsize(path) > 0
    if exists and not (resume or overwrite):
        raise OutputError(f"{path} exists; use --resume to finish that run or --overwrite to start again")
    if not resume or not exists:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_APPEND, 0o644)
        return Output(path, fd, set())
    done, valid_end, failed = _scan(path)
    torn = os.path.getsize(path) - valid_end
    if torn:
        os.truncate(path, valid_end)
    dropped = 0
    if retry_failed and failed:
        dropped = _drop_failures(path)
        done -= failed
    fd = os.open(path, os.O_WRONLY | os.O_APPEND)
    return Output(path, fd, done, torn, dropped)


def _scan(path: str) -> tuple[set[str], int, set[str]]:
    """Sources done, end of the last whole line, and sources that failed."""
    done: set[str] = set()
    failed: set[str] = set()
    end = 0
    with open(path, "rb") as f:
        for number, line in enumerate(f, 1):
            if not line.endswith(b"\n"):
                break  # the torn tail of a killed run
            source, ok = _parse(line, path, number)
            done.add(source)
            if not ok:
                failed.add(source)
            end += len(line)
    return done, end, failed


def _parse(line: bytes, path: str, number: int) -> tuple[str, bool]:
    try:
        record = json.loads(line)
        source, ok = record["source"], record["ok"]
    except (ValueError, TypeError, KeyError):
        raise OutputError(f"{path}:{number} is not a batch output line; refusing to resume into it") from None
    if not isinstance(source, str):
        raise OutputError(f"{path}:{number} has no string 'source'; refusing to resume into it")
    return source, bool(ok)


def _drop_failures(path: str) -> int:
    """Rewrite OUT without its failed lines, atomically (temp file + rename)."""
    dropped = 0
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".batch-", dir=folder)
    try:
        with os.fdopen(fd, "wb") as out, open(path, "rb") as f:
            for line in f:
                if json.loads(line)["ok"]:
                    out.write(line)
                else:
                    dropped += 1
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, os.stat(path).st_mode & 0o777)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
    return dropped
