"""The library contract of DESIGN.md: `clean()`, `Article`, `to_dict()` and their invariants."""

from __future__ import annotations

import dataclasses
import inspect
import json
import socket
from pathlib import Path
from typing import Any

import pytest

import cleaner
from cleaner import Article, Category, Dateline, Format, Metadata, Options, RemovedLine, clean

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_64754ad14ef907dd.txt"

REUTERS = "\n".join([
    'Oil prices slip as traders await OPEC+ decision on output',
    'Home',
    'Markets',
    'LONDON, Nov 27 (Reuters) - Oil prices edged lower on Monday as traders waited for a delayed meeting '
    'of OPEC+ producers later this week, where the group is expected to discuss further cuts to supply.',
    'Brent crude futures fell 42 cents, or 0.5 percent, to 80.16 dollars a barrel by 1050 GMT, while U.S.'
    ' West Texas Intermediate crude was down 38 cents at 75.16 dollars.',
    'Both benchmarks fell for a fifth straight week last week, their longest losing streak since 2018, on'
    ' concerns about slowing demand and rising output from producers outside the group.',
    'Advertisement',
    'The Organization of the Petroleum Exporting Countries and its allies postponed their meeting to '
    'Thursday from Sunday after disagreements over production quotas for some African members.',
    '"The market is nervous about whether the group can present a united front," said one analyst at a '
    'London brokerage.',
    'Saudi Arabia is expected to extend its voluntary cut of 1 million barrels per day into next year, '
    'according to sources familiar with the matter.',
    "Investors are also watching economic data from China, the world's biggest crude importer, for signs "
    'of a recovery in fuel demand.',
    'Share this article',
    'Most Read',
    '',
])


@pytest.fixture(scope="module")
def article() -> Article:
    return clean(REUTERS)


# --- the public surface ------------------------------------------------------------------------


def test_public_names() -> None:
    for name in ("clean", "Article", "Dateline", "RemovedLine", "Metadata", "Options", "Category", "Format",
                 "CleanerError", "InputError", "EmptyInputError", "BinaryInputError", "InputTooLargeError",
                 "OptionsError"):
        assert name in cleaner.__all__ and hasattr(cleaner, name)


def test_clean_signature() -> None:
    params = inspect.signature(clean).parameters
    assert list(params) == ["raw", "format", "url", "options"]
    assert params["format"].default == "auto" and params["url"].default is None and params["options"].default is None


def test_categories_are_the_closed_set() -> None:
    assert {c.value for c in Category} == {"advertisement", "promo", "navigation", "social", "newsletter", "related",
                                           "caption", "byline", "legal", "comments", "template", "other"}


def test_options_defaults_and_immutability() -> None:
    opts = Options()
    assert opts.include_removed is True and opts.max_input_bytes > 1_000_000 and opts.html_engine == "trafilatura"
    with pytest.raises(dataclasses.FrozenInstanceError):
        opts.include_removed = False  # type: ignore[misc]


def test_results_are_immutable(article: Article) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        article.title = "x"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        article.removed[0].category = Category.OTHER  # type: ignore[misc]


# --- the article -------------------------------------------------------------------------------


def test_fields(article: Article) -> None:
    assert article.title == "Oil prices slip as traders await OPEC+ decision on output"
    assert article.subtitle == ""
    assert article.dateline == Dateline("LONDON, Nov 27 (Reuters) -", "LONDON", "Reuters", "Nov 27")
    assert article.paragraphs[0].startswith("Oil prices edged lower on Monday")
    assert article.paragraphs[-1].startswith("Investors are also watching")
    assert len(article.paragraphs) == 7
    assert article.format is Format.TEXT
    assert article.metadata.language == "en"


def test_body_is_the_paragraphs_joined(article: Article) -> None:
    assert article.body == "\n\n".join(article.paragraphs)
    assert all(p and p == p.strip() and "\n" not in p for p in article.paragraphs)


def test_the_dateline_prefix_is_out_of_the_body(article: Article) -> None:
    assert not article.body.startswith("LONDON")
    assert "(Reuters)" not in article.body


def test_removed_lines_point_at_their_input_lines(article: Article) -> None:
    lines = REUTERS.split("\n")
    assert article.removed
    for r in article.removed:
        assert isinstance(r, RemovedLine) and isinstance(r.category, Category) and r.rule
        assert lines[r.line - 1].strip() == r.text
    assert [r.line for r in article.removed] == sorted(r.line for r in article.removed)
    assert {(r.text, r.category) for r in article.removed} >= {
        ("Home", Category.NAVIGATION), ("Advertisement", Category.ADVERTISEMENT),
        ("Share this article", Category.SOCIAL), ("Most Read", Category.PROMO),
    }


def test_every_input_line_is_accounted_for(article: Article) -> None:
    """Text mode: each non-empty line is the title, the subtitle, a paragraph (the first one less its
    dateline) or a removed line; none is both kept and removed."""
    removed = {r.line for r in article.removed}
    kept = [article.subtitle, *article.paragraphs]
    if article.dateline:
        kept[1] = f"{article.dateline.raw} {kept[1]}"
    for number, line in enumerate(REUTERS.split("\n"), 1):
        line = line.strip()
        if not line:
            continue
        in_body = line in kept
        assert in_body != (number in removed) or line == article.title, (number, line)


def test_include_removed_false(article: Article) -> None:
    lean = clean(REUTERS, options=Options(include_removed=False))
    assert lean.removed == []
    assert (lean.title, lean.dateline, lean.paragraphs) == (article.title, article.dateline, article.paragraphs)


def test_url_is_recorded_never_fetched(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("clean() opened a network connection")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    url = "https://news.example.com/markets/oil-prices-slip"
    assert clean(REUTERS, url=url).metadata.url == url
    lede = REUTERS.splitlines()[3]
    page = f"<html><head><title>Oil</title></head><body><article><p>{lede}</p></article></body></html>"
    assert clean(page, url=url).metadata.url == url
    assert clean(REUTERS).metadata.url == ""


def test_str_and_bytes_give_the_same_article(article: Article) -> None:
    assert clean(REUTERS.encode("utf-8")) == article
    assert clean(REUTERS.replace("\n", "\r\n").encode("utf-8")) == article


def test_format_hint(article: Article) -> None:
    assert clean(REUTERS, format="text") == article
    assert clean(REUTERS, format=Format.TEXT) == article
    assert clean(REUTERS, format="auto") == article
    try:  # plain text forced through the HTML path: an article, or a clear refusal
        as_html = clean(REUTERS, format="html")
    except cleaner.CleanerError as exc:
        assert "HTML" in str(exc)
    else:
        assert as_html.format is Format.HTML


def test_html_given_as_text_stays_text() -> None:
    page = "<html><body><p>" + "</p>\n<p>".join(REUTERS.splitlines()) + "</p></body></html>"
    assert clean(page).format is Format.HTML
    assert clean(page, format="text").format is Format.TEXT


def test_standfirst_before_the_dateline_is_the_subtitle() -> None:
    seed = clean(SEED.read_bytes())
    assert seed.title == "NATO, Russia make no progress on missile defence row"
    assert seed.subtitle.startswith("NATO and Russia said they had made no progress")
    assert seed.dateline == Dateline("Brussels:", "Brussels", "", "")
    assert seed.paragraphs[0].startswith("NATO and Russia said on Wednesday")


def test_author_from_a_byline_line() -> None:
    art = clean((FIXTURES / "leftovers" / "byline.txt").read_bytes())
    assert art.metadata.author == "Sarah Lindqvist"
    assert ("By Sarah Lindqvist", Category.BYLINE) in {(r.text, r.category) for r in art.removed}


@pytest.mark.parametrize(("name", "language"), [
    ("fr_article.txt", "fr"), ("es_article_2.txt", "es"), ("reuters_london.txt", "en"),
    ("de_article.txt", "de"),
])
def test_language(name: str, language: str) -> None:
    path = next(FIXTURES.rglob(name))
    assert clean(path.read_bytes()).metadata.language == language


def test_a_text_with_no_body() -> None:
    art = clean("Home\nNews\nSport\nAdvertisement\n")
    assert art.paragraphs == [] and art.body == ""
    assert len(art.removed) >= 3


# --- to_dict -----------------------------------------------------------------------------------


def test_to_dict_keys_exactly(article: Article) -> None:
    d = article.to_dict()
    assert list(d) == ["title", "subtitle", "dateline", "body", "paragraphs", "removed", "metadata", "format"]
    assert list(d["dateline"]) == ["raw", "location", "agency", "date"]
    assert list(d["metadata"]) == ["author", "published", "site_name", "language", "url"]
    assert d["removed"] and all(list(r) == ["text", "category", "rule", "line"] for r in d["removed"])


def test_to_dict_values(article: Article) -> None:
    d = article.to_dict()
    assert d["title"] == article.title and d["body"] == article.body and d["paragraphs"] == article.paragraphs
    assert d["dateline"] == {"raw": "LONDON, Nov 27 (Reuters) -", "location": "LONDON", "agency": "Reuters",
                             "date": "Nov 27"}
    assert d["format"] == "text"
    assert d["metadata"] == {"author": "", "published": "", "site_name": "", "language": "en", "url": ""}
    for r, item in zip(article.removed, d["removed"], strict=True):
        assert item == {"text": r.text, "category": r.category.value, "rule": r.rule, "line": r.line}
        assert type(item["category"]) is str


def test_to_dict_is_json_ready(article: Article) -> None:
    d = article.to_dict()
    assert json.loads(json.dumps(d)) == d
    assert json.loads(json.dumps(d, ensure_ascii=False)) == d


def test_to_dict_without_a_dateline() -> None:
    d = clean((FIXTURES / "leftovers" / "advertisement.txt").read_bytes()).to_dict()
    assert d["dateline"] is None
    assert json.loads(json.dumps(d))["dateline"] is None


def test_to_dict_of_an_html_article() -> None:
    d = clean((FIXTURES / "html" / "en_news_page.html").read_bytes(), url="https://example.com/a").to_dict()
    assert d["format"] == "html"
    assert d["metadata"]["url"] == "https://example.com/a"
    assert set(d) == {"title", "subtitle", "dateline", "body", "paragraphs", "removed", "metadata", "format"}


def test_model_types() -> None:
    assert Dateline("PARIS —").to_dict() == {"raw": "PARIS —", "location": "", "agency": "", "date": ""}
    assert Metadata().to_dict() == {"author": "", "published": "", "site_name": "", "language": "", "url": ""}
    art = Article(title="T", subtitle="", dateline=None, paragraphs=["a", "b"], removed=[], metadata=Metadata(),
                  format=Format.TEXT)
    assert art.body == "a\n\nb"


def test_author_after_a_doubled_byline_label() -> None:
    # "Written by" and a link reading "by Jane": the name only
    story = (f"Paragraph {n} of the story says what happened in the town, who was there and what comes next."
             for n in range(4))
    text = "A headline for the day\nWritten by by Rebecca MacFarlane\n" + "\n".join(story)
    assert clean(text, format="text").metadata.author == "Rebecca MacFarlane"


def test_a_line_of_zero_width_characters_is_no_paragraph() -> None:
    story = [f"Paragraph {n} of the story says what happened in the town, who was there and what comes next."
             for n in range(4)]
    text = "A headline for the day\n" + "\n\u200d\n".join(story)
    article = clean(text, format="text")
    assert article.paragraphs == story
    assert {(r.text, r.category, r.rule) for r in article.removed} == {("\u200d", Category.TEMPLATE, "blank")}
