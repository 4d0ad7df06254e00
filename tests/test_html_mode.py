"""HTML mode: small hand-written pages; the title from <h1>/<title>, the page's metadata, and a
body that agrees with text mode on the same article."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from cleaner import Category, Dateline, Format, Options, clean

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TITLE = "Region approves plan to restore river banks"
SITE = "The Valley Times"
PARAS = [
    "The regional government approved a plan on Tuesday to restore 120 kilometres of river banks, planting trees "
    "and removing old concrete walls that channel the water.",
    "Officials said the work would reduce flooding in towns downstream by giving rivers more room to spread out "
    "during heavy rain.",
    "Farmers whose land borders the rivers will be paid to leave a strip of at least ten metres uncultivated along "
    "the water.",
    "\"We spent decades forcing rivers into straight lines, and now we are paying for it,\" the regional environment "
    "minister said.",
    "The first projects will start in the spring, and the whole programme is expected to take eight years.",
    "Conservation groups welcomed the plan, saying it would also bring back fish and birds that had disappeared "
    "from the area.",
]
NO_RESILIPARSE = pytest.mark.skipif(importlib.util.find_spec("resiliparse") is None, reason="resiliparse not installed")
ENGINES = ["trafilatura", pytest.param("fast", marks=NO_RESILIPARSE)]
# The fast engine keeps the header's site-name link ("The Valley Times") as the first paragraph (reported).
BODY_ENGINES = ["trafilatura", pytest.param("fast", marks=[NO_RESILIPARSE, pytest.mark.xfail(
    strict=True, reason="fast engine: the header's site-name link is kept as the first paragraph")])]


def page(*, head: str = "", title_tag: str = "", h1: str = "", inside: str = "", lang: str = "en",
         paras: list[str] = PARAS) -> str:
    body = "\n".join(f"<p>{p}</p>" for p in paras)
    title = f"<title>{title_tag}</title>" if title_tag else ""
    heading = f"<h1>{h1}</h1>" if h1 else ""
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head><meta charset="utf-8">{title}{head}</head>
<body>
<header><a href="/">{SITE}</a>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav></header>
<main><article>{heading}
{body}
{inside}</article>
<aside><h2>Related stories</h2><ul><li><a href="/x">Bridge to close for repairs</a></li></ul></aside></main>
<footer><p>Copyright 2024 {SITE}. All rights reserved.</p><a href="/privacy">Privacy Policy</a></footer>
</body>
</html>"""


def as_text() -> str:
    return "\n".join([TITLE, *PARAS]) + "\n"


# --- title -------------------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("kwargs", "why"), [
    ({"title_tag": f"{TITLE} | {SITE}", "h1": TITLE}, "h1 agreeing with <title>"),
    ({"title_tag": f"{TITLE} | {SITE}"}, "<title> less its site name"),
    ({"title_tag": f"{TITLE} - {SITE}"}, "<title> less its site name (dash)"),
    ({"h1": TITLE}, "h1 with no <title>"),
    ({"title_tag": f"{SITE}: News, Sport and Weather", "h1": TITLE}, "h1 when <title> is the site's"),
    ({"head": f'<meta property="og:title" content="{TITLE}">', "title_tag": f"{TITLE} | {SITE}"}, "og:title"),
])
def test_title(kwargs: dict[str, str], why: str, engine: str) -> None:
    art = clean(page(**kwargs), options=Options(html_engine=engine))
    assert art.title == TITLE, why
    assert TITLE not in art.body
    assert art.paragraphs[-len(PARAS):] == PARAS


def test_title_repeated_at_the_top_of_the_text_is_reported_as_template() -> None:
    art = clean(page(title_tag=TITLE, h1=TITLE))
    assert all(r.category is Category.TEMPLATE for r in art.removed if r.text == TITLE)


# --- metadata ----------------------------------------------------------------------------------

META_HEAD = (f'<meta property="og:site_name" content="{SITE}"><meta name="author" content="Tom Baker">'
             '<meta property="article:published_time" content="2024-02-03T10:00:00Z">')


def test_metadata_from_meta_tags() -> None:
    art = clean(page(head=META_HEAD, title_tag=TITLE, h1=TITLE), url="https://valley.example/rivers")
    assert art.metadata.to_dict() == {"author": "Tom Baker", "published": "2024-02-03T10:00:00Z", "site_name": SITE,
                                      "language": "en", "url": "https://valley.example/rivers"}


def test_metadata_from_json_ld() -> None:
    ld = ('<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle", '
          '"author": {"@type": "Person", "name": "Tom Baker"}, "datePublished": "2024-02-03"}</script>')
    art = clean(page(head=ld, title_tag=TITLE, h1=TITLE))
    assert (art.metadata.author, art.metadata.published) == ("Tom Baker", "2024-02-03")


@pytest.mark.xfail(strict=True, reason="the fast engine reads no author/date meta tags (reported)")
def test_metadata_with_the_fast_engine() -> None:
    pytest.importorskip("resiliparse")
    art = clean(page(head=META_HEAD, title_tag=TITLE, h1=TITLE), options=Options(html_engine="fast"))
    assert (art.metadata.author, art.metadata.published, art.metadata.site_name) == (
        "Tom Baker", "2024-02-03T10:00:00Z", SITE)


@pytest.mark.parametrize("engine", ENGINES)
def test_site_name_and_language(engine: str) -> None:
    art = clean(page(head=META_HEAD, title_tag=TITLE, h1=TITLE), options=Options(html_engine=engine))
    assert art.metadata.site_name == SITE and art.metadata.language == "en"


def test_metadata_absent() -> None:
    art = clean(page(h1=TITLE, lang=""))
    assert (art.metadata.author, art.metadata.published, art.metadata.site_name) == ("", "", "")
    assert art.metadata.language == "en"  # from the text when the page does not say


# --- body --------------------------------------------------------------------------------------


@pytest.mark.parametrize("engine", BODY_ENGINES)
def test_body_agrees_with_text_mode(engine: str) -> None:
    html = clean(page(title_tag=f"{TITLE} | {SITE}", h1=TITLE), options=Options(html_engine=engine))
    text = clean(as_text())
    assert html.format is Format.HTML and text.format is Format.TEXT
    assert (html.title, html.dateline, html.paragraphs) == (text.title, text.dateline, text.paragraphs)


@pytest.mark.parametrize("engine", BODY_ENGINES)
def test_page_furniture_is_not_body(engine: str) -> None:
    art = clean(page(title_tag=TITLE, h1=TITLE), options=Options(html_engine=engine))
    for furniture in ("Home", "Related stories", "Bridge to close", "All rights reserved", "Privacy Policy", SITE):
        assert furniture not in art.body


@pytest.mark.parametrize("engine", BODY_ENGINES)
def test_leftovers_inside_the_article_are_removed(engine: str) -> None:
    inside = "<p>Advertisement</p><p>Share this article</p><p>Sign up for our newsletter</p>"
    mid = len(PARAS) // 2
    paras = [*PARAS[:mid], "Advertisement", *PARAS[mid:]]
    art = clean(page(title_tag=TITLE, h1=TITLE, inside=inside, paras=paras), options=Options(html_engine=engine))
    assert art.paragraphs == PARAS
    got = {(r.text, r.category) for r in art.removed}
    assert {("Advertisement", Category.ADVERTISEMENT), ("Share this article", Category.SOCIAL),
            ("Sign up for our newsletter", Category.NEWSLETTER)} <= got


def test_a_layout_tables_label_is_a_leftover_but_a_data_tables_row_is_content() -> None:
    layout = '<table><tr><td>&nbsp;&nbsp;Related&nbsp;Articles</td></tr></table>'
    data = "<table><tr><th>Share</th><th>Tweet</th></tr><tr><td>12%</td><td>30%</td></tr></table>"
    art = clean(page(title_tag=TITLE, h1=TITLE, inside=layout + data))
    assert [r.category for r in art.removed if "Related" in r.text] == [Category.RELATED]
    assert "Share" in art.body and "Tweet" in art.body


def test_dateline_in_html() -> None:
    paras = ["LONDON, Nov 27 (Reuters) - " + PARAS[0], *PARAS[1:]]
    art = clean(page(title_tag=TITLE, h1=TITLE, paras=paras))
    assert art.dateline == Dateline("LONDON, Nov 27 (Reuters) -", "LONDON", "Reuters", "Nov 27")
    assert art.paragraphs == PARAS


def test_removed_line_numbers_count_the_extracted_text() -> None:
    art = clean(page(title_tag=TITLE, h1=TITLE, inside="<p>Advertisement</p>"))
    numbers = [r.line for r in art.removed]
    assert numbers == sorted(numbers) and all(n >= 1 for n in numbers)


def test_bytes_with_a_declared_charset() -> None:
    paras = [p.replace("regional", "régional").replace("\"", "“", 1).replace("\"", "”", 1) for p in PARAS]
    html = page(title_tag=TITLE, h1=TITLE, paras=paras).replace('charset="utf-8"', 'charset="windows-1252"')
    html = html.replace('<meta charset="utf-8">', '<meta charset="windows-1252">')
    art = clean(html.encode("cp1252"))
    assert art.paragraphs == paras


def test_format_is_sniffed_and_can_be_forced() -> None:
    html = page(title_tag=TITLE, h1=TITLE)
    assert clean(html).format is Format.HTML
    assert clean(html.encode("utf-8"), format="html").format is Format.HTML
    forced = clean(html, format="text")
    assert forced.format is Format.TEXT


@pytest.mark.parametrize("name", ["en_news_page.html", "de_news_page.html", "minimal_no_title_tag.html"])
def test_fixture_pages(name: str) -> None:
    art = clean((FIXTURES / "html" / name).read_bytes())
    assert art.format is Format.HTML and art.title and len(art.paragraphs) >= 6
    assert not any(p.startswith(("By ", "Advertisement", "Copyright", "©")) for p in art.paragraphs)


def test_german_page() -> None:
    art = clean((FIXTURES / "html" / "de_news_page.html").read_bytes())
    assert art.title == "Stadt Leipzig pflanzt 5000 neue Bäume"
    assert art.dateline == Dateline("Leipzig (dpa) -", "Leipzig", "dpa", "")
    assert art.metadata.to_dict() == {"author": "Jana Richter", "published": "2024-03-21",
                                      "site_name": "Mitteldeutsche Rundschau", "language": "de", "url": ""}
