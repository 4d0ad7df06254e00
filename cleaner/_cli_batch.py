"""`cleaner batch INPUT... --out OUT.jsonl`: clean many documents (see `cleaner.batch`)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ._options import Options
from .batch import BatchConfig, BatchUsageError, run_batch

_EPILOG = """\
inputs: files (.gz decompressed), folders (recursive), JSONL files (.jsonl/.ndjson, a document a line:
{"id": ..., "text" | "html": ..., "url": ...}) and - for JSONL on stdin.
output: a JSON line a document: {"id", "source", "ok": true, "article": {...}} or {"id", "source", "ok": false,
"error": {"type", "message"}}. Exit status: 0 all cleaned, 1 some failed, 2 usage error, 130 interrupted.
"""


def add_parser(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "batch", help="clean many documents into a JSONL file",
        description="Clean files, folders and JSONL documents into one JSONL file, on all cores "
                    "or through running services. Safe to kill: rerun with --resume to finish.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="file, folder, JSONL file, or - (JSONL on stdin)")
    p.add_argument("--out", "-o", required=True, metavar="OUT.jsonl", help="the output JSONL file")
    p.add_argument("--resume", action="store_true", help="skip what OUT already holds and finish the rest")
    p.add_argument("--retry-failed", action="store_true", help="with --resume: clean OUT's failed documents again")
    p.add_argument("--overwrite", action="store_true", help="replace an existing OUT")
    p.add_argument("--include", action="append", default=[], metavar="GLOB",
                   help="in folders, only files matching GLOB (repeatable; default: every file)")
    p.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                   help="in folders, skip files matching GLOB (repeatable)")
    p.add_argument("--format", choices=("auto", "text", "html"), default="auto",
                   help="format of files (default: from the suffix, else detect)")
    p.add_argument("--workers", "-j", type=int, metavar="N",
                   help="processes (default: one a core); with --server, concurrent calls (default: 4 a server)")
    p.add_argument("--server", action="append", default=[], metavar="HOST:PORT",
                   help="clean through this running service instead of in-process (repeatable)")
    p.add_argument("--timeout", type=float, default=30.0, metavar="SECONDS", help="--server: deadline a call")
    p.add_argument("--retries", type=int, default=3, help="--server: retries on UNAVAILABLE/RESOURCE_EXHAUSTED")
    p.add_argument("--chunk-size", type=int, default=16, metavar="N", help="documents a task or call (default 16)")
    p.add_argument("--doc-timeout", type=float, default=120.0, metavar="SECONDS",
                   help="embedded: fail a document that takes longer (0: no limit)")
    p.add_argument("--no-removed", action="store_true", help="do not list the removed lines")
    p.add_argument("--fast", action="store_true", help="HTML: use the fast extractor (resiliparse)")
    p.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                   help="show a progress bar (default: when stderr is a terminal)")
    p.add_argument("--quiet", "-q", action="store_true", help="no summary line")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.retry_failed and not args.resume:
        return _usage("--retry-failed needs --resume")
    options = Options(include_removed=not args.no_removed, html_engine="fast" if args.fast else "trafilatura")
    config = BatchConfig(
        inputs=args.inputs, out=args.out, workers=args.workers, servers=args.server, resume=args.resume,
        overwrite=args.overwrite, retry_failed=args.retry_failed, include=args.include, exclude=args.exclude,
        format=args.format, options=options, chunk_size=args.chunk_size, timeout=args.timeout,
        retries=args.retries, doc_timeout=args.doc_timeout or None,
    )
    progress = sys.stderr.isatty() if args.progress is None else args.progress
    try:
        summary = run_batch(config, progress=progress and not args.quiet)
    except BatchUsageError as exc:
        return _usage(str(exc))
    except KeyboardInterrupt:
        print(f"cleaner batch: interrupted; rerun with --resume to finish {args.out}", file=sys.stderr)
        return 130
    except OSError as exc:  # OUT cannot be written (disk full...): what is there stays valid
        print(f"cleaner batch: {exc}; rerun with --resume to finish {args.out}", file=sys.stderr)
        return 1
    if not args.quiet:
        print(f"cleaner batch: {summary.render()}", file=sys.stderr)
    return summary.exit_status


def _usage(message: str) -> int:
    print(f"cleaner batch: {message}", file=sys.stderr)
    return 2
