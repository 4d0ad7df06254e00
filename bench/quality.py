"""Quality benchmark: cleaner and peer extractors on ../shared/bench-data.

    python -m bench.quality [--data DIR] [--systems cleaner,identity,trafilatura,justext,c4]
        [--inputs region,page,html] [--sets wcxb,trafeval] [--limit N]
        [--subset all|train|test] [--json OUT] [--worst N] [--no-cache]

Prints one table per set and input kind (see bench/README.md for the columns).
Everything runs in this one process, one page at a time; each system's time is
measured per page with time.perf_counter. The slow peers (trafilatura, jusText)
are cached in bench/out/cache/ keyed by system (and its version), set, input kind,
page id and a hash of the input, so reruns cost only the cleaner rows.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import html as html_lib
import importlib.metadata
import json
import os
import re
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import metrics
from .data import REPO_ROOT, SET_INPUTS, SETS, Page, data_dir, load_set

#: bump when an adapter below changes what it outputs, so cached peer results are recomputed
ADAPTER_VERSION = 2
CACHE_DIR = REPO_ROOT / "bench" / "out" / "cache"
PEERS = ("identity", "c4", "justext", "trafilatura")
CACHED_PEERS = ("justext", "trafilatura")          # identity and c4 take well under 1 ms
ALL_SYSTEMS = (*PEERS, "cleaner", "cleaner-fast")
#: --systems names; "cleaner" also adds the "cleaner-fast" row on html input
SYSTEM_CHOICES = ("cleaner", "cleaner-fast", *PEERS)


@dataclass
class Output:
    title: str | None           # None: the system gives no title
    body: str
    ms: float
    error: str | None = None    # "CleanerError: ..." or "crash: ..." (scored as empty output)
    cached: bool = False


# ---------------------------------------------------------------- text helpers

_BLOCK_TAGS = (
    "address", "article", "aside", "blockquote", "body", "dd", "details", "dialog", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "head",
    "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "td", "th",
    "title", "tr", "ul", "br", "option",
)


def html_to_text(html: str) -> str:
    """html-text-like plain text: lxml `text_content()` without script/style/template,
    a line break around block elements, lines stripped, blank lines dropped."""
    import lxml.html  # type: ignore[import-untyped]

    if not html.strip():
        return ""
    try:
        doc = lxml.html.fromstring(html)
    except ValueError:  # str with an XML encoding declaration
        doc = lxml.html.fromstring(html.encode("utf-8"))
    except Exception:  # lxml.etree.ParserError on documents with no elements
        return ""
    for el in doc.xpath("//script|//style|//template"):
        el.drop_tree()
    for el in doc.iter(*_BLOCK_TAGS):
        el.text = "\n" + (el.text or "")
        el.tail = "\n" + (el.tail or "")
    return "\n".join(ln for ln in (x.strip() for x in doc.text_content().split("\n")) if ln)


def text_to_html(text: str) -> str:
    """Plain text as an HTML page with one <p> a non-blank line (how text is fed to HTML peers)."""
    paras = "".join(f"<p>{html_lib.escape(ln.strip())}</p>\n" for ln in text.split("\n") if ln.strip())
    return f"<html><body>\n{paras}</body></html>"


def first_line(text: str) -> str:
    for ln in text.split("\n"):
        if ln.strip():
            return ln.strip()
    return ""


# ---------------------------------------------------------------- peers

def run_identity(text: str, kind: str, page: Page) -> Output:
    t0 = time.perf_counter()
    body = html_to_text(text) if kind == "html" else text
    ms = (time.perf_counter() - t0) * 1000
    return Output(first_line(body), body, ms)


_C4_END = (".", "?", "!", '"', "'", "\u201d", "\u2019", "\u00bb")


def c4_lines(text: str) -> str:
    """C4's line rule: keep lines of 5+ words ending in . ? ! or a closing quote (" ' ” ’ »)."""
    keep = []
    for ln in text.split("\n"):
        ln = ln.strip()
        if len(ln.split()) >= 5 and ln.endswith(_C4_END):
            keep.append(ln)
    return "\n".join(keep)


def run_c4(text: str, kind: str, page: Page) -> Output:
    t0 = time.perf_counter()
    body = c4_lines(html_to_text(text) if kind == "html" else text)
    return Output(None, body, (time.perf_counter() - t0) * 1000)


def run_trafilatura(text: str, kind: str, page: Page) -> Output:
    import trafilatura

    doc = text if kind == "html" else text_to_html(text)
    t0 = time.perf_counter()
    body = trafilatura.extract(doc, include_comments=False) or ""
    ms = (time.perf_counter() - t0) * 1000
    title: str | None = None
    if kind == "html":  # the title is a separate call, not in the timing
        meta = trafilatura.extract_metadata(text)
        title = (meta.title if meta is not None else None) or ""
    return Output(title, body, ms)


_STOPLISTS: dict[str, frozenset[str]] = {}
_STOP_INDEX: dict[str, list[str]] = {}
_TAG_RE = re.compile(r"<(script|style)\b.*?</\1\s*>|<[^>]*>", re.S | re.I)
_WORD_RE = re.compile(r"\w+")


def _load_stoplists() -> None:
    import justext

    if _STOPLISTS:
        return
    for lang in sorted(justext.get_stoplists()):
        words = justext.get_stoplist(lang)
        _STOPLISTS[lang] = frozenset(words)
        for w in words:
            _STOP_INDEX.setdefault(w, []).append(lang)


#: py3langid (ISO 639-1) code -> jusText stoplist name, where jusText has one
_LANGID_STOPLIST = {
    "af": "Afrikaans", "an": "Aragonese", "ar": "Arabic", "az": "Azerbaijani", "be": "Belarusian",
    "bg": "Bulgarian", "bn": "Bengali", "br": "Breton", "bs": "Bosnian", "ca": "Catalan", "cs": "Czech",
    "cy": "Welsh", "da": "Danish", "de": "German", "el": "Greek", "en": "English", "eo": "Esperanto",
    "es": "Spanish", "et": "Estonian", "eu": "Basque", "fa": "Persian", "fi": "Finnish", "fr": "French",
    "ga": "Irish", "gl": "Galician", "gu": "Gujarati", "he": "Hebrew", "hi": "Hindi", "hr": "Croatian",
    "ht": "Haitian", "hu": "Hungarian", "hy": "Armenian", "id": "Indonesian", "is": "Icelandic",
    "it": "Italian", "jv": "Javanese", "kk": "Kazakh", "kn": "Kannada", "ko": "Korean", "ku": "Kurdish",
    "ky": "Kyrgyz", "la": "Latin", "lb": "Luxembourgish", "lt": "Lithuanian", "lv": "Latvian",
    "mk": "Macedonian", "ml": "Malayalam", "mr": "Marathi", "ms": "Malay", "mt": "Maltese",
    "nb": "Norwegian_Bokmal", "ne": "Nepali", "nl": "Dutch", "nn": "Norwegian_Nynorsk", "no": "Norwegian_Bokmal",
    "oc": "Occitan", "pl": "Polish", "pt": "Portuguese", "qu": "Quechua", "ro": "Romanian", "ru": "Russian",
    "sk": "Slovak", "sl": "Slovenian", "sq": "Albanian", "sr": "Serbian", "sv": "Swedish", "sw": "Swahili",
    "ta": "Tamil", "te": "Telugu", "tl": "Tagalog", "tr": "Turkish", "uk": "Ukrainian", "ur": "Urdu",
    "vi": "Vietnamese", "vo": "Volapuk", "wa": "Walloon",
}


def _langid() -> Callable[[str], tuple[str, float]] | None:
    try:
        import py3langid  # type: ignore[import-untyped]
    except ImportError:
        return None
    return py3langid.classify  # type: ignore[no-any-return]


def language_method() -> str:
    """How jusText's stoplist is chosen on trafeval: "py3langid" when installed, else "stopword-hits"."""
    return "py3langid" if _langid() is not None else "stopword-hits"


def guess_stoplist_by_hits(text: str) -> str | None:
    """The jusText stoplist with the most stopword hits among the text's lower-cased \\w+ words
    (ties: alphabetical first); None when no stoplist has a hit. Biased to the big stoplists
    (Uzbek, Finnish: 5000+ words), so only the fallback when py3langid is missing."""
    _load_stoplists()
    hits: dict[str, int] = {}
    for w in _WORD_RE.findall(text.lower()):
        for lang in _STOP_INDEX.get(w, ()):
            hits[lang] = hits.get(lang, 0) + 1
    if not hits:
        return None
    return min(hits, key=lambda lang: (-hits[lang], lang))


def guess_stoplist(text: str) -> str | None:
    """The jusText stoplist for the text's language (py3langid, the detector trafilatura uses),
    None when that language has no stoplist (Chinese, Japanese, Thai, ...)."""
    classify = _langid()
    if classify is None:
        return guess_stoplist_by_hits(text)
    code, _ = classify(language_sample(text))
    return _LANGID_STOPLIST.get(code)


def language_sample(text: str, size: int = 5000) -> str:
    """The longest lines of the text, up to `size` characters: prose, cheap to classify."""
    out: list[str] = []
    n = 0
    for ln in sorted((x.strip() for x in text.split("\n")), key=len, reverse=True):
        if not ln or n >= size:
            break
        out.append(ln[: size - n])
        n += len(out[-1])
    return "\n".join(out)


def run_justext(text: str, kind: str, page: Page) -> Output:
    import justext

    doc = text if kind == "html" else text_to_html(text)
    t0 = time.perf_counter()
    kwargs: dict[str, Any] = {}
    if page.set == "wcxb":  # English only
        stoplist: frozenset[str] = justext.get_stoplist("English")
    else:  # language detection is part of the timed work
        _load_stoplists()
        lang = guess_stoplist(_TAG_RE.sub(" ", text) if kind == "html" else text)
        if lang is None:  # jusText's language-independent mode
            stoplist, kwargs = frozenset(), {"stopwords_low": 0, "stopwords_high": 0}
        else:
            stoplist = _STOPLISTS[lang]
    paras = justext.justext(doc, stoplist, **kwargs)
    body = "\n\n".join(p.text for p in paras if not p.is_boilerplate)
    return Output(None, body, (time.perf_counter() - t0) * 1000)


PEER_RUNNERS: dict[str, Callable[[str, str, Page], Output]] = {
    "identity": run_identity, "c4": run_c4, "justext": run_justext, "trafilatura": run_trafilatura,
}


def peer_version(system: str) -> str:
    if system == "justext":
        return f"{importlib.metadata.version(system)}-a{ADAPTER_VERSION}-{language_method()}"
    if system == "trafilatura":
        return f"{importlib.metadata.version(system)}-a{ADAPTER_VERSION}"
    return f"a{ADAPTER_VERSION}"


# ---------------------------------------------------------------- cleaner

def make_cleaner_runner(engine: str) -> Callable[[str, str, Page], Output]:
    from cleaner import CleanerError, Options, clean

    opts = Options(html_engine=engine)

    def run(text: str, kind: str, page: Page) -> Output:
        fmt = "html" if kind == "html" else "text"
        url = page.url if page.url.startswith(("http://", "https://")) else None
        t0 = time.perf_counter()
        try:
            a = clean(text, format=fmt, url=url, options=opts)
            # the article's text as the benchmarks' bodies hold it: standfirst, dateline, paragraphs
            body = (a.subtitle + "\n" if a.subtitle else "") + (a.dateline.raw + " " if a.dateline else "") + a.body
            title: str | None = a.title or ""
            err = None
        except CleanerError as e:
            title, body, err = "", "", f"CleanerError: {e}"
        ms = (time.perf_counter() - t0) * 1000
        return Output(title, body, ms, err)

    return run


# ---------------------------------------------------------------- cache

def input_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


class PeerCache:
    """One JSON file per system@version, set and input kind: page id -> output and input hash."""

    def __init__(self, system: str, set_name: str, kind: str, root: Path = CACHE_DIR) -> None:
        self.path = root / f"{system}@{peer_version(system)}" / f"{set_name}-{kind}.json"
        self.entries: dict[str, dict[str, Any]] = {}
        self.dirty = False
        if self.path.is_file():
            try:
                self.entries = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                self.entries = {}

    def get(self, page_id: str, h: str) -> Output | None:
        e = self.entries.get(page_id)
        if e is None or e.get("hash") != h:
            return None
        return Output(e["title"], e["body"], e["ms"], e.get("error"), cached=True)

    def put(self, page_id: str, h: str, out: Output) -> None:
        self.entries[page_id] = {"hash": h, "title": out.title, "body": out.body, "ms": out.ms, "error": out.error}
        self.dirty = True

    def save(self) -> None:
        if not self.dirty:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(f".tmp{os.getpid()}")
        tmp.write_text(json.dumps(self.entries, ensure_ascii=False), encoding="utf-8")
        tmp.replace(self.path)
        self.dirty = False


# ---------------------------------------------------------------- scoring

@dataclass
class PageResult:
    set: str
    input: str
    system: str
    id: str
    split: str
    url: str
    ms: float
    cached: bool
    error: str | None
    empty: bool
    title_ok: bool | None
    precision: float | None
    recall: float | None
    f1: float
    counts: tuple[float, ...]   # wcxb: (TP, FP, FN) normalised; trafeval: (TP, FN, FP, TN)


def score_page(page: Page, kind: str, system: str, out: Output) -> PageResult:
    title_ok = None if out.title is None else metrics.title_match(out.title, page.title)
    counts: tuple[float, ...]
    if page.set == "wcxb":
        c = metrics.body_counts(page.body, out.body)
        ps = metrics.page_body_scores(c)
        p, r, f1, counts = ps.precision, ps.recall, ps.f1, c
    else:
        sc = metrics.snippet_counts(out.body, page.with_, page.without)
        s = metrics.snippet_page_scores(sc)
        p, r, f1, counts = s.precision, s.recall, s.f1, (sc.tp, sc.fn, sc.fp, sc.tn)
    return PageResult(page.set, kind, system, page.id, page.split, page.url, out.ms, out.cached, out.error,
                      not out.body.strip(), title_ok, p, r, f1, counts)


@dataclass
class Row:
    system: str
    n: int
    precision: float
    recall: float
    f1: float
    title: float | None
    title_n: int
    empty: int
    errors: int
    ms: float
    cached: int
    first_error: str | None = None


def summarize(system: str, results: list[PageResult]) -> Row:
    if results and results[0].set == "wcxb":
        s = metrics.aggregate_body((r.counts[0], r.counts[1], r.counts[2]) for r in results)
    else:
        s = metrics.aggregate_snippets(
            metrics.SnippetCounts(int(r.counts[0]), int(r.counts[1]), int(r.counts[2]), int(r.counts[3]))
            for r in results)
    oks = [r.title_ok for r in results if r.title_ok is not None]
    errs = [r.error for r in results if r.error]
    return Row(system, len(results), s.precision, s.recall, s.f1,
               sum(oks) / len(oks) if oks else None, len(oks),
               sum(r.empty for r in results), len(errs),
               sum(r.ms for r in results) / len(results) if results else 0.0,
               sum(r.cached for r in results), errs[0] if errs else None)


# ---------------------------------------------------------------- run

@dataclass
class Run:
    data: Path
    systems: list[str]
    inputs: list[str]
    sets: list[str]
    limit: int | None
    subset: str
    use_cache: bool
    results: list[PageResult] = field(default_factory=list)


def systems_for(kind: str, requested: Sequence[str]) -> list[str]:
    want = set(requested)
    if "cleaner" in want and kind == "html":
        want.add("cleaner-fast")
    if kind != "html":
        want.discard("cleaner-fast")
    return [s for s in ALL_SYSTEMS if s in want]


def gives_title(system: str, kind: str) -> bool:
    return system in ("identity", "cleaner", "cleaner-fast") or (system == "trafilatura" and kind == "html")


def run_block(run: Run, set_name: str, kind: str, pages: list[Page],
              runners: dict[str, Callable[[str, str, Page], Output]]) -> dict[str, list[PageResult]]:
    systems = [s for s in systems_for(kind, run.systems) if s in runners]
    caches = {s: PeerCache(s, set_name, kind) for s in systems if s in CACHED_PEERS}
    by_system: dict[str, list[PageResult]] = {s: [] for s in systems}
    t_block = time.perf_counter()
    try:
        for i, page in enumerate(pages, 1):
            text = page.read(kind)
            h = input_hash(text)
            for s in systems:
                out = caches[s].get(page.id, h) if (s in caches and run.use_cache) else None
                if out is None:
                    try:
                        out = runners[s](text, kind, page)
                    except Exception as e:  # a peer's or cleaner's bug: empty output, reported
                        tb = traceback.format_exception_only(type(e), e)[-1].strip()
                        out = Output("" if gives_title(s, kind) else None, "", 0.0, f"crash: {tb}")
                    if s in caches:
                        caches[s].put(page.id, h, out)
                by_system[s].append(score_page(page, kind, s, out))
            if i % 100 == 0 or i == len(pages):
                print(f"  [{set_name}/{kind}] {i}/{len(pages)} pages, {time.perf_counter() - t_block:.0f}s",
                      file=sys.stderr, flush=True)
                for c in caches.values():
                    c.save()
    finally:
        for c in caches.values():
            c.save()
    return by_system


def fmt(x: float | None, width: int = 6) -> str:
    return f"{x:{width}.3f}" if x is not None else f"{'-':>{width}}"


def print_table(set_name: str, kind: str, n_pages: int, subset: str, rows: list[Row]) -> None:
    metric = "body (Zyte 4-gram shingles)" if set_name == "wcxb" else "snippets (with/without)"
    print(f"\n{SETS[set_name]} / {kind} input: {n_pages} pages ({subset}); {metric}")
    print(f"{'system':<14}{'P':>7}{'R':>7}{'F1':>7}{'title':>7}{'empty':>7}{'err':>5}{'ms/page':>10}")
    any_cached = False
    for r in rows:
        ms = f"{r.ms:9.1f}" + ("*" if r.cached else " ")
        any_cached |= bool(r.cached)
        print(f"{r.system:<14}{fmt(r.precision, 7)}{fmt(r.recall, 7)}{fmt(r.f1, 7)}{fmt(r.title, 7)}"
              f"{r.empty:>7}{r.errors:>5}{ms:>10}")
    if any_cached:
        print("  * cached result: ms/page is the timing measured when the cache entry was made")
    for r in rows:
        if r.first_error:
            print(f"  {r.system}: {r.errors} page(s) failed (scored as empty), first: {r.first_error[:200]}")


def print_worst(set_name: str, kind: str, results: dict[str, list[PageResult]], n: int) -> None:
    for system, rs in results.items():
        if not system.startswith("cleaner"):
            continue
        print(f"\nworst {n} pages for {system} on {SETS[set_name]} / {kind}:")
        print(f"  {'id':<10}{'P':>7}{'R':>7}{'F1':>7}  url")
        for r in sorted(rs, key=lambda r: (r.f1, r.id))[:n]:
            extra = f"  [{r.error[:80]}]" if r.error else ""
            print(f"  {r.id:<10}{fmt(r.precision, 7)}{fmt(r.recall, 7)}{fmt(r.f1, 7)}  {r.url}{extra}")


def warm_up(runners: dict[str, Callable[[str, str, Page], Output]]) -> None:
    """One untimed call of each system on a tiny page, so model and stoplist loading and lazy
    imports do not land on the first benchmark page."""
    html = ("<html><head><title>Warm up</title></head>"
            "<body><p>This is a short warm up page, not scored.</p></body></html>")
    text = "Warm up\nThis is a short warm up page, not scored."
    for set_name in SETS:
        page = Page(set_name, "warm-up", "", None, "", (), (), None, Path("."))
        for run in runners.values():
            for kind, doc in (("html", html), ("page", text)):
                with contextlib.suppress(Exception):
                    run(doc, kind, page)


def build_runners(systems: Sequence[str], inputs: Sequence[str]) -> dict[str, Callable[[str, str, Page], Output]]:
    runners: dict[str, Callable[[str, str, Page], Output]] = {s: PEER_RUNNERS[s] for s in PEERS if s in systems}
    want_fast = "cleaner-fast" in systems or ("cleaner" in systems and "html" in inputs)
    if "cleaner" in systems or want_fast:
        try:
            if "cleaner" in systems:
                runners["cleaner"] = make_cleaner_runner("trafilatura")
            if want_fast:
                runners["cleaner-fast"] = make_cleaner_runner("fast")
        except Exception as e:  # the library is being rewritten: still give the peer rows
            print(f"warning: cannot set up cleaner ({type(e).__name__}: {e}); skipping its rows", file=sys.stderr)
    return runners


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.quality", description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=None, help="bench-data folder (default ../shared/bench-data)")
    ap.add_argument("--systems", default="cleaner,identity,trafilatura,justext,c4",
                    help=f"comma list of {','.join(SYSTEM_CHOICES)} ('cleaner' adds cleaner-fast on html)")
    ap.add_argument("--inputs", default="region,page,html", help="comma list of region,page,html")
    ap.add_argument("--sets", default="wcxb,trafeval", help="comma list of wcxb,trafeval")
    ap.add_argument("--limit", type=int, default=None, help="first N pages of each set (after --subset)")
    ap.add_argument("--subset", choices=("all", "train", "test"), default="all",
                    help="pages by split(): crc32(id) even = train, odd = test")
    ap.add_argument("--json", type=Path, default=None, help="write every per-page score here")
    ap.add_argument("--worst", type=int, default=0, help="list the N lowest-F1 pages of the cleaner rows")
    ap.add_argument("--no-cache", action="store_true", help="recompute cached peers (and refresh the cache)")
    args = ap.parse_args(argv)

    def parse_list(value: str, allowed: Sequence[str], what: str) -> list[str]:
        items = [x.strip() for x in value.split(",") if x.strip()]
        bad = [x for x in items if x not in allowed]
        if bad:
            ap.error(f"unknown {what}: {', '.join(bad)} (use {', '.join(allowed)})")
        return items

    run = Run(data_dir(args.data), parse_list(args.systems, SYSTEM_CHOICES, "system"),
              parse_list(args.inputs, ("region", "page", "html"), "input"),
              parse_list(args.sets, tuple(SETS), "set"), args.limit, args.subset, not args.no_cache)
    runners = build_runners(run.systems, run.inputs)
    warm_up(runners)
    print(f"data: {run.data}  subset: {run.subset}  limit: {run.limit}  "
          f"trafilatura {importlib.metadata.version('trafilatura')}, justext {importlib.metadata.version('justext')} "
          f"(trafeval stoplist by {language_method()})")
    summary: list[dict[str, Any]] = []
    t0 = time.perf_counter()
    for set_name in run.sets:
        pages = load_set(set_name, run.data, run.subset, run.limit)
        for kind in run.inputs:
            if kind not in SET_INPUTS[set_name]:
                continue
            by_system = run_block(run, set_name, kind, pages, runners)
            rows = [summarize(s, rs) for s, rs in by_system.items()]
            print_table(set_name, kind, len(pages), run.subset, rows)
            if args.worst:
                print_worst(set_name, kind, by_system, args.worst)
            sys.stdout.flush()
            for rs in by_system.values():
                run.results.extend(rs)
            summary.extend({"set": set_name, "input": kind, **r.__dict__} for r in rows)
    print(f"\ntotal {time.perf_counter() - t0:.0f}s")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        payload = {
            "data": str(run.data), "subset": run.subset, "limit": run.limit,
            "versions": {s: peer_version(s) for s in PEERS},
            "summary": summary,
            "pages": [r.__dict__ for r in run.results],
        }
        args.json.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
        print(f"per-page scores: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
