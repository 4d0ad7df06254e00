"""`cleaner regress FIXTURES_DIR...`: compare cleaning results with expectations (see `cleaner.regress`)."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from typing import Any

from ._model import Article
from ._options import Options
from .regress import Cleaner, run_regress


def add_parser(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "regress", help="check fixtures against their expected JSON",
        description="Clean each fixture (NAME.txt or NAME.html beside NAME.expected.json) and show a "
                    "field-by-field diff against its expectation. Exit status: 0 no difference, 1 a "
                    "difference, 2 usage error.",
    )
    p.add_argument("folders", nargs="+", metavar="FIXTURES_DIR", help="folder of fixtures (searched recursively)")
    p.add_argument("--update", action="store_true", help="rewrite the expectations that differ, and write new ones")
    p.add_argument("--only", action="append", default=[], metavar="PATTERN",
                   help="only fixtures whose name matches this glob or contains this text (repeatable)")
    p.add_argument("--server", action="append", default=[], metavar="HOST:PORT",
                   help="clean through this running service instead of in-process")
    p.add_argument("--timeout", type=float, default=30.0, metavar="SECONDS", help="--server: deadline a call")
    p.add_argument("--fast", action="store_true", help="HTML: use the fast extractor (resiliparse)")
    p.add_argument("--verbose", "-v", action="store_true", help="list passing fixtures too")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    missing = [f for f in args.folders if not os.path.isdir(f)]
    if missing:
        print(f"cleaner regress: no such folder: {', '.join(missing)}", file=sys.stderr)
        return 2
    options = Options(html_engine="fast" if args.fast else "trafilatura")
    with contextlib.ExitStack() as stack:
        cleaner = _server_cleaner(args, options, stack) if args.server else None
        report = run_regress(args.folders, only=args.only, update=args.update, cleaner=cleaner, options=options)
    if not report.results:
        print("cleaner regress: no fixtures found" + (" matching --only" if args.only else ""), file=sys.stderr)
        return 2
    print(report.render(verbose=args.verbose))
    return report.exit_status if not args.update else 0


def _server_cleaner(args: argparse.Namespace, options: Options, stack: contextlib.ExitStack) -> Cleaner:
    from .client import CleanerClient  # lazily: embedded runs never import grpc

    client = stack.enter_context(CleanerClient(args.server, timeout=args.timeout, options=options))

    def run(raw: bytes, fmt: str) -> Article:
        return client.clean(raw, format=fmt)

    return run
