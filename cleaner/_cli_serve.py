"""`cleaner serve`: run the gRPC service (the `server` package, imported only when the command runs)."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def add_parser(sub: Any) -> None:
    from server.config import add_arguments  # flags only: no grpc import

    p: argparse.ArgumentParser = sub.add_parser(
        "serve", help="run the gRPC service",
        description="Serve cleaner.v1.CleanerService over gRPC (with health checking and reflection), "
                    "one worker process per core on one port. Every flag has a CLEANER_* environment variable.",
    )
    add_arguments(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from server.config import ConfigError, from_args
    from server.process import serve

    try:
        return serve(from_args(args))
    except ConfigError as exc:
        print(f"cleaner serve: {exc}", file=sys.stderr)
        return 2
