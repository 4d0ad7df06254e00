"""Benchmark pages from ../shared/bench-data (see its README.md).

Loading is lazy: `load_set()` reads only the manifest; each page's input files
(html/ID.html.gz, page/ID.txt.gz, region/ID.txt.gz) are read when asked for.
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = REPO_ROOT.parent / "shared" / "bench-data"

#: short set name -> folder under the data dir
SETS: dict[str, str] = {"wcxb": "wcxb-dev", "trafeval": "trafeval-dev"}
#: input kinds each set provides (trafeval has no region/)
SET_INPUTS: dict[str, tuple[str, ...]] = {"wcxb": ("region", "page", "html"), "trafeval": ("page", "html")}
INPUT_KINDS = ("region", "page", "html")
_SUFFIX = {"html": ".html.gz", "page": ".txt.gz", "region": ".txt.gz"}


def split(page_id: str) -> str:
    """Stable train/test split of a page id: crc32 even -> "train", odd -> "test"."""
    return "train" if zlib.crc32(page_id.encode("utf-8")) % 2 == 0 else "test"


@dataclass(frozen=True)
class Page:
    """One benchmark page: its manifest row plus lazy access to its inputs."""

    set: str                    # "wcxb" | "trafeval"
    id: str
    url: str
    title: str | None           # None when the manifest has none
    body: str                   # "" for trafeval (no full body there)
    with_: tuple[str, ...]      # snippets a correct extraction contains
    without: tuple[str, ...]    # boilerplate snippets it must not contain
    page_type: str | None
    root: Path                  # the set's folder

    @property
    def split(self) -> str:
        return split(self.id)

    def path(self, kind: str) -> Path:
        if kind not in _SUFFIX:
            raise ValueError(f"unknown input kind {kind!r}; use one of {INPUT_KINDS}")
        return self.root / kind / (self.id + _SUFFIX[kind])

    def has(self, kind: str) -> bool:
        return self.path(kind).is_file()

    def read(self, kind: str) -> str:
        """The page's input of this kind as text (files are UTF-8; bad bytes replaced)."""
        with gzip.open(self.path(kind), "rb") as f:
            return f.read().decode("utf-8", errors="replace")


def data_dir(path: str | Path | None = None) -> Path:
    return Path(path) if path is not None else DEFAULT_DATA_DIR


def load_set(name: str, root: str | Path | None = None, subset: str = "all",
             limit: int | None = None) -> list[Page]:
    """Pages of set `name` ("wcxb" or "trafeval"), in manifest order.

    subset: "all", "train" or "test" (see `split`); limit: keep the first N after
    the subset filter.
    """
    if name not in SETS:
        raise ValueError(f"unknown set {name!r}; use one of {sorted(SETS)}")
    if subset not in ("all", "train", "test"):
        raise ValueError(f"unknown subset {subset!r}; use all, train or test")
    folder = data_dir(root) / SETS[name]
    pages: list[Page] = []
    for page in _iter_manifest(name, folder):
        if subset != "all" and page.split != subset:
            continue
        pages.append(page)
        if limit is not None and len(pages) >= limit:
            break
    return pages


def _iter_manifest(name: str, folder: Path) -> Iterator[Page]:
    manifest = folder / "manifest.jsonl"
    if not manifest.is_file():
        raise FileNotFoundError(f"no manifest at {manifest} (set --data to the bench-data folder)")
    with manifest.open(encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            row = json.loads(line)
            yield Page(
                set=name,
                id=row["id"],
                url=row.get("url") or "",
                title=row.get("title") or None,
                body=row.get("body") or "",
                with_=tuple(s for s in row.get("with") or () if s),
                without=tuple(s for s in row.get("without") or () if s),
                page_type=row.get("page_type"),
                root=folder,
            )
