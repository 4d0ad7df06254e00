"""Properties of `clean()` over generated input (hypothesis).

1. Any str or bytes gives an `Article` or raises a `CleanerError`; nothing else escapes.
2. The body holds only input text, in input order: in text mode every paragraph is a whole
   (stripped) line of the input, the first one less its dateline, and the lines come in order.
3. A clean article is a fixed point: feeding `title + "\\n" + body` back in as text removes nothing.

Inputs mix random text with lines of the golden fixtures (real sentences, leftovers, datelines), so
that the engine sees articles and not only noise.

Examples hypothesis ran (pytest --hypothesis-show-statistics, max_examples=200, Nov 28): 200 each
for the str and the bytes test (about 20 more discarded as invalid), 200 for the input-order test,
200 for the second-pass test (about 150 more discarded by assume(): no title or no body on the first
pass). The fixed-point test fails today and is a strict xfail (see there). About 10 s in all.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, assume, example, given, settings
from hypothesis import strategies as st

from cleaner import Article, Category, CleanerError, Format, Options, clean
from cleaner._decode import decode, unix_newlines

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _fixture_lines() -> list[str]:
    lines: set[str] = set()
    for path in sorted(FIXTURES.rglob("*.txt")):
        lines.update(ln.strip() for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip())
    return sorted(lines)


POOL = _fixture_lines()
PROSE = [ln for ln in POOL if len(ln.split()) >= 12]
DATELINES = ["LONDON, Nov 27 (Reuters) - ", "Brussels: ", "PARIS — ", "(CNN) — ", "Berlin (dpa) - ",
             "NEW DELHI, Nov 27 (PTI) ", "New Delhi [India], Nov 27 (ANI): ", "FORT WASHINGTON, Pa. (AP) _ ",
             "Madrid, 27 nov (EFE).- ", "Update: ", "Q: "]

# Text a scraper might save, odd characters and all (no C0 controls or surrogates: decode drops those,
# and the ordering property compares with the input as given; test 1 covers them).
odd_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\n\t \r"), max_size=300)
line = st.one_of(
    st.sampled_from(POOL),
    st.sampled_from(PROSE),
    st.builds(lambda d, p: d + p, st.sampled_from(DATELINES), st.sampled_from(PROSE)),
    odd_text,
    st.sampled_from(["", " ", "<p>", "</div>", "&nbsp;", "—", "* * *", "1.", "©", "|", "»"]),
)
document = st.builds(lambda lines, sep: sep.join(lines), st.lists(line, min_size=0, max_size=30),
                     st.sampled_from(["\n", "\r\n", "\n\n", "\n \n"]))
html_document = st.builds(
    lambda title, paras: f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
                         + "".join(f"<p>{p}</p>" for p in paras) + "</article></body></html>",
    st.sampled_from(POOL), st.lists(line, max_size=15))


def check_article(article: Article, fmt: Format | None = None) -> None:
    assert isinstance(article, Article)
    assert article.body == "\n\n".join(article.paragraphs)
    assert all(p.strip() == p and p for p in article.paragraphs)
    assert all(isinstance(r.category, Category) and r.rule and r.line >= 1 for r in article.removed)
    assert [r.line for r in article.removed] == sorted({r.line for r in article.removed})
    if fmt is not None:
        assert article.format is fmt
    article.to_dict()


# --- 1. anything in: an Article or a CleanerError ------------------------------------------------

anything_str = st.one_of(st.text(max_size=2000), document, html_document)
anything_bytes = st.one_of(
    st.binary(max_size=2000),
    document.map(lambda s: s.encode("utf-8")),
    st.builds(lambda s, enc: s.encode(enc, errors="replace"), document,
              st.sampled_from(["latin-1", "cp1252", "utf-16", "utf-16-le", "utf-32", "utf-8-sig", "shift_jis"])),
    st.builds(lambda magic, rest: magic + rest,
              st.sampled_from([b"\x89PNG", b"%PDF-", b"\x1f\x8b", b"MZ", b"\xff\xfe"]), st.binary(max_size=500)),
)


@SETTINGS
@given(raw=anything_str, fmt=st.sampled_from(["auto", "text", "html"]), removed=st.booleans())
def test_any_str_gives_an_article_or_a_cleaner_error(raw: str, fmt: str, removed: bool) -> None:
    try:
        article = clean(raw, format=fmt, options=Options(include_removed=removed))
    except CleanerError as exc:
        assert str(exc)
        return
    check_article(article)
    if not removed:
        assert article.removed == []


@SETTINGS
@given(raw=anything_bytes, fmt=st.sampled_from(["auto", "text", "html"]))
def test_any_bytes_give_an_article_or_a_cleaner_error(raw: bytes, fmt: str) -> None:
    try:
        article = clean(raw, format=fmt)
    except CleanerError as exc:
        assert str(exc)
        return
    check_article(article)


# --- 2. the body is input text, in input order ---------------------------------------------------


def kept_lines(article: Article) -> list[str]:
    """The input lines the article keeps, as they stood: subtitle, then the paragraphs with the
    dateline put back in front of the first."""
    paragraphs = list(article.paragraphs)
    if article.dateline is not None:
        head = paragraphs[0] if paragraphs else ""
        # split() removed the raw prefix and the white space after it
        paragraphs[:1] = [article.dateline.raw + (" " if head else "") + head]
    return ([article.subtitle] if article.subtitle else []) + paragraphs


@SETTINGS
@given(raw=document, as_bytes=st.booleans())
def test_body_lines_come_from_the_input_in_order(raw: str, as_bytes: bool) -> None:
    try:
        article = clean(raw.encode("utf-8") if as_bytes else raw, format="text")
    except CleanerError:
        return
    check_article(article, Format.TEXT)
    lines = [ln.strip() for ln in unix_newlines(decode(raw, 1 << 30)).split("\n")]
    position = 0
    for i, kept in enumerate(kept_lines(article)):
        if i == (1 if article.subtitle else 0) and article.dateline is not None:
            # the dateline and its text: one input line, maybe with more white space between them
            match = next((j for j in range(position, len(lines)) if lines[j].startswith(article.dateline.raw)
                          and lines[j][len(article.dateline.raw):].strip() == kept[len(article.dateline.raw):].strip()),
                         None)
        else:
            match = next((j for j in range(position, len(lines)) if lines[j] == kept), None)
        assert match is not None, f"kept line {i} is not a later input line: {kept!r}"
        position = match + 1
    # and the removed lines are input lines where they say
    for r in article.removed:
        assert lines[r.line - 1] == r.text


# --- 3. a clean article is a fixed point ----------------------------------------------------------
#
# What "clean" means: the output of clean(), printed as text the way a scraper would save it (title
# on line 0, then the body). Cleaning that again must
#   - remove nothing: `removed` is empty (every line was kept by the first pass, so none is a
#     leftover the second time; a classifier that changes its mind without its leftover neighbours
#     is unstable),
#   - keep the title (line 0 is the title, as the first pass decided),
#   - give back the same paragraphs. The first pass took the dateline off and kept the standfirst
#     apart; its body has neither, and the second pass must not find a new one in it, unless the
#     text left after the first dateline itself opens with a dateline or the first paragraph is a
#     short lede before one (then the paragraphs are the same text, split differently).
# Only articles with a title and a body are fed back: with no title, line 0 of the body would be
# taken for one.


# A scrape that opens with its time stamp; the first pass takes that for the title and keeps the
# paragraph, the second pass drops the paragraph.
STAMPED = ("Updated: 12 March 2024 11:45\n"
           "Environmental groups welcomed the move but said fares remained too high for many families, with a cabin "
           "for four costing more than a return flight on some dates.\n"
           "Lee también")


def clean_twice(raw: str) -> tuple[Article, Article]:
    first = clean(raw, format="text")
    # a title repeated as a paragraph is not clean (the first pass only drops a repeat it sees as one)
    assume(first.title and first.paragraphs and first.title not in first.paragraphs)
    return first, clean(first.title + "\n" + first.body, format="text")


def is_subsequence(part: list[str], whole: list[str]) -> bool:
    rest = iter(whole)
    return all(any(x == y for y in rest) for x in part)


@SETTINGS
@given(raw=document)
# found by a fresh clone's run: a quoted sentence (ending '."') was taken as the heading once its dateline had gone
@example(raw='B:FindingwoodthiswellpreservedwasasurprisesaiDdrLenaFischerwholedthestudyItmeanstheicecoveredthesetrees'
             'quicklyandthenkeptthemsealedawayforthousandsofyears\n'
             '"Every day without a proper ferry costs us bookings," said the owner of a guesthouse near the harbour.\n'
             'PARIS — "Finding wood this well preserved was a '
             'surprise," said Dr Lena Fischer, who led the study. "It means the ice covered these trees quickly and '
             'then kept them sealed away for thousands of years."')
def test_cleaning_clean_text_again_never_adds_or_moves_text(raw: str) -> None:
    """What holds today: the second pass keeps the title and keeps body text in its order."""
    try:
        first, second = clean_twice(raw)
    except CleanerError:
        return
    assert second.title == first.title
    assert is_subsequence(kept_lines(second), first.paragraphs)
    assert {r.text for r in second.removed} <= set(first.paragraphs)


# Fails today (reported). With the engine being tuned (working tree, Nov 28 00:50) about 1 generated
# article in 27 is not a fixed point: a headline-like or leftover line kept by the first pass and
# dropped by the second, and a paragraph dropped after a leftover taken for the title (STAMPED). An
# hour earlier, every golden fixture lost its last paragraph on the second pass; with the committed
# engine (cc35b8c), 1 in 4 (";" or "Sport" kept inside the run, then dropped). Generated examples
# before the first failure: 29 passing of 41 (committed engine), about 30 (working tree). No shrink
# phase, so that the suite stays fast while it fails; drop `phases` and the xfail once it holds.
@pytest.mark.xfail(strict=True, reason="engine: the second pass drops body lines the first pass kept (reported)")
@example(raw=STAMPED)
@settings(SETTINGS, phases=[Phase.explicit, Phase.generate])
@given(raw=document)
def test_a_clean_article_is_a_fixed_point(raw: str) -> None:
    try:
        first, second = clean_twice(raw)
    except CleanerError:
        return
    assert second.removed == []
    assert second.title == first.title
    assert kept_lines(second) == first.paragraphs
    if second.dateline is None and not second.subtitle:
        assert second.paragraphs == first.paragraphs
