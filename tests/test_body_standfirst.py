"""Body selection: growing the run upwards over known leftovers (byline, date, share bar) to the
standfirst, and not downwards over them to what follows the article."""

from __future__ import annotations

from cleaner import Category
from cleaner._body import select
from cleaner._classify import Scored
from cleaner._features import LineInfo

Row = tuple[str, float, int, str, tuple[Category, str] | None]
PROSE: Row = ("prose", 0.95, 30, "sentence", None)
SHARE: Row = ("Facebook", 0.0, 1, "plain", (Category.SOCIAL, "share"))
BYLINE: Row = ("By Jane Doe", 0.1, 3, "plain", (Category.BYLINE, "byline"))
DATE: Row = ("March 12, 2024", 0.05, 3, "plain", (Category.BYLINE, "date-only"))


def _kept(rows: list[Row]) -> list[str]:
    infos = [LineInfo(words, words, end, phrase, []) for _, _, words, end, phrase in rows]
    keep = select(Scored([p for _, p, _, _, _ in rows], infos))
    return [name for (name, *_), k in zip(rows, keep, strict=True) if k]


def test_the_run_grows_up_over_a_byline_and_a_share_bar_to_the_standfirst() -> None:
    standfirst: Row = ("standfirst", 0.6, 16, "sentence", None)
    rows = [("menu", 0.02, 1, "plain", None), standfirst, BYLINE, DATE] + [SHARE] * 8 + [PROSE] * 6
    assert _kept(rows) == ["standfirst"] + ["prose"] * 6


def test_two_unknown_lines_still_stop_the_growth() -> None:
    teaser: Row = ("teaser", 0.6, 16, "sentence", None)
    unknown: Row = ("Sport", 0.1, 1, "plain", None)
    rows = [teaser, unknown, unknown, unknown, BYLINE] + [PROSE] * 6
    assert _kept(rows) == ["prose"] * 6


def test_past_known_leftovers_only_one_unknown_line_is_stepped_over() -> None:
    slogan: Row = ("slogan", 0.6, 8, "sentence", None)
    headline: Row = ("headline", 0.6, 4, "plain", None)
    menu: Row = ("menu", 0.6, 4, "plain", None)
    rows = [slogan, menu, headline, BYLINE] + [PROSE] * 6
    assert _kept(rows) == ["prose"] * 6
    rows = [slogan, headline, BYLINE, DATE] + [PROSE] * 6
    assert _kept(rows) == ["slogan", "headline"] + ["prose"] * 6


def test_the_run_does_not_grow_down_over_a_share_bar_to_a_bio() -> None:
    bio: Row = ("bio", 0.6, 30, "sentence", None)
    rows = [PROSE] * 6 + [SHARE] * 4 + [bio]
    assert _kept(rows) == ["prose"] * 6
