"""Body selection (cleaner/_body.py) on hand-made line scores."""

from __future__ import annotations

from cleaner import Category
from cleaner._body import select
from cleaner._classify import Scored
from cleaner._features import LineInfo

PROSE = ("prose", 0.95, 30, "sentence", None)
TEASER = ("teaser", 0.75, 20, "sentence", None)
COMMENT = ("comment", 0.97, 25, "sentence", None)


def _scored(rows: list[tuple[str, float, int, str, tuple[Category, str] | None]]) -> Scored:
    infos = [LineInfo(words, words, end, phrase, []) for _, _, words, end, phrase in rows]
    return Scored([p for _, p, _, _, _ in rows], infos)


def _kept(rows: list[tuple[str, float, int, str, tuple[Category, str] | None]]) -> list[str]:
    keep = select(_scored(rows))
    return [name for (name, *_), k in zip(rows, keep, strict=True) if k]


def test_the_article_is_the_run_of_prose() -> None:
    rows = [("menu", 0.02, 1, "plain", None), PROSE, PROSE, ("heading", 0.5, 4, "plain", None), PROSE, PROSE,
            ("footer", 0.05, 2, "plain", None)]
    assert _kept(rows) == ["prose", "prose", "heading", "prose", "prose"]


def test_a_comments_label_below_the_article_ends_it() -> None:
    comments = ("Comments", 0.0, 1, "plain", (Category.COMMENTS, "comments"))
    rows = [PROSE] * 5 + [comments] + [COMMENT] * 8
    assert _kept(rows) == ["prose"] * 5


def test_a_comment_count_above_the_article_does_not_end_it() -> None:
    count = ("12 comments", 0.0, 2, "plain", (Category.COMMENTS, "comments"))
    rows = [("byline", 0.3, 3, "plain", None), count] + [PROSE] * 5
    assert _kept(rows) == ["prose"] * 5


def test_a_related_label_ends_the_run_and_its_teasers() -> None:
    related = ("Ähnliche Beiträge", 0.0, 2, "plain", (Category.RELATED, "related"))
    rows = [PROSE] * 6 + [related] + [TEASER, ("teaser title", 0.7, 6, "plain", None)] * 3
    assert _kept(rows) == ["prose"] * 6


def test_a_related_label_before_most_of_the_prose_does_not_end_the_run() -> None:
    related = ("Related", 0.0, 1, "plain", (Category.RELATED, "related"))
    rows = [PROSE, related] + [PROSE] * 6
    assert _kept(rows) == ["prose"] * 7


def test_the_run_grows_over_a_short_byline_to_the_lead() -> None:
    lead = ("lead", 0.6, 25, "sentence", None)
    rows = [("menu", 0.02, 1, "plain", None), lead, ("Jane Doe", 0.3, 2, "plain", None)] + [PROSE] * 5
    assert _kept(rows)[:2] == ["lead", "Jane Doe"]


def _list_with(leftover: tuple[str, float, int, str, tuple[Category, str] | None]) -> list[str]:
    """The article, a list with a known leftover inside it, and the article's last paragraph."""
    item = ("item", 0.4, 6, "plain", None)
    last = ("last paragraph", 0.7, 20, "sentence", None)
    return _kept([PROSE] * 6 + [item] * 5 + [leftover] + [item] * 5 + [last])


def test_the_run_reaches_past_an_ad_or_a_caption_inside_a_list() -> None:
    for leftover in (("Advertisement", 0.0, 1, "plain", (Category.ADVERTISEMENT, "ad-label")),
                     ("View this post on Instagram", 0.0, 6, "plain", (Category.CAPTION, "embed-label"))):
        assert _list_with(leftover) == ["prose"] * 6 + ["item"] * 10 + ["last paragraph"]


def test_the_run_does_not_reach_past_a_sign_up_prompt() -> None:
    prompt = ("Sign up for our newsletter", 0.0, 5, "plain", (Category.NEWSLETTER, "newsletter-signup"))
    assert _list_with(prompt) == ["prose"] * 6
