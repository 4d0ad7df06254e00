"""HTML input whose main content the extractor cannot find: the whole page's text is
cleaned instead (visible_lines), so the article is not lost."""

from __future__ import annotations

import importlib.util

import pytest

from cleaner import Options, clean
from cleaner._html_parse import parse
from cleaner._render import visible_lines

PARAGRAPHS = [
    "The council voted on Tuesday to approve the new budget for the coming year, after a debate "
    "that lasted well into the evening and drew a large crowd to the town hall.",
    "Supporters said the plan would repair roads and schools that had been neglected for a decade, "
    "while critics warned that the higher property taxes would drive young families away.",
    "The mayor said she would sign the budget this week and promised a review of spending next spring, "
    "once the first figures from the new departments were in.",
    "Residents who spoke at the meeting were divided, and several asked for the vote to be delayed "
    "until the town had published a full account of last year's spending.",
]
MENU = ["Home", "News", "Sport", "Weather", "Contact"]


def _page(container: str) -> str:
    menu = "".join(f"<li><a href='/{m.lower()}'>{m}</a></li>" for m in MENU)
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (f"<html><head><title>Council approves budget</title></head><body><nav><ul>{menu}</ul></nav>"
            f"<h1>Council approves budget</h1>{container.format(body)}<p>Copyright 2026 Town Times</p></body></html>")


@pytest.mark.parametrize("engine", ["trafilatura", pytest.param("fast", marks=pytest.mark.skipif(
    importlib.util.find_spec("resiliparse") is None, reason="resiliparse not installed"))])
def test_article_in_an_element_the_extractor_skips_comes_out_whole(engine: str) -> None:
    # the extractors drop <aside> and <footer>, and with them this whole article
    for container in ("<aside>{}</aside>", "<footer>{}</footer>"):
        article = clean(_page(container), format="html", options=Options(html_engine=engine))
        assert article.paragraphs == PARAGRAPHS, container
        assert article.title == "Council approves budget"
        assert not any(m in article.body.split("\n") for m in MENU)
        assert {r.text for r in article.removed} >= set(MENU)


def test_a_page_without_visible_text_gives_an_empty_body() -> None:
    article = clean("<html><body><script>var x = 1;</script><div> </div></body></html>", format="html")
    assert article.body == ""


def test_visible_lines_breaks_at_blocks_and_skips_code() -> None:
    tree = parse("<html><head><title>T</title><style>p{}</style></head><body>"
                 "<div>A <b>bold</b>  word<p>Para</p>tail</div><script>var x;</script>after"
                 "<ul><li>one</li><li>two<br>three</li></ul><!-- note --><template>t</template></body></html>")
    assert tree is not None
    assert visible_lines(tree) == ["A bold word", "Para", "tail", "after", "one", "two", "three"]
