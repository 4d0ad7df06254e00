"""The `cleaner` command: parses arguments and delegates to library functions.

Each subcommand lives in its own module exposing `add_parser(subparsers)`;
this file only wires them together.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def build_parser() -> argparse.ArgumentParser:
    from . import __version__
    from ._cli_batch import add_parser as add_batch
    from ._cli_clean import add_parser as add_clean
    from ._cli_regress import add_parser as add_regress
    from ._cli_serve import add_parser as add_serve

    parser = argparse.ArgumentParser(
        prog="cleaner",
        description="Turn raw scraped news articles (text or HTML) into clean, structured articles.",
    )
    parser.add_argument("--version", action="version", version=f"cleaner {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in (add_clean, add_batch, add_regress, add_serve):
        add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    status: int = args.run(args)
    return status


if __name__ == "__main__":
    sys.exit(main())
