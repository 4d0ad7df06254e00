"""The article printed twice (cleaner/_repeats.py): the later copy of a long block goes."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from cleaner import Category, clean
from cleaner._repeats import MIN_REPEAT_WORDS, repeated_blocks

# Three paragraphs of 45 words: 135 words together, over MIN_REPEAT_WORDS; one alone is under it.
SECTIONS = [f"Section {n} of the report says " + " ".join(f"word{n}x{k}" for k in range(39)) + "."
            for n in range(3)]


def test_a_long_block_printed_twice_keeps_its_first_copy() -> None:
    paragraphs = ["Intro."] + SECTIONS + ["Share this"] + SECTIONS + ["The end."]
    assert repeated_blocks(paragraphs) == {5, 6, 7}


def test_a_short_block_that_recurs_stays() -> None:
    # a recipe's step or a caption can be body each time it stands
    assert sum(len(p.split()) for p in SECTIONS[:1]) < MIN_REPEAT_WORDS
    assert repeated_blocks(["a.", SECTIONS[0], "b.", SECTIONS[0], "c."]) == set()


def test_a_block_repeating_in_another_order_stays() -> None:
    assert repeated_blocks(SECTIONS + SECTIONS[::-1]) == set()


def test_clean_removes_the_copy_and_says_why() -> None:
    text = "\n".join(["A headline for the report", *SECTIONS, *SECTIONS])
    article = clean(text, format="text")
    assert article.paragraphs == SECTIONS
    copies = [r for r in article.removed if r.rule == "repeated-block"]
    assert [r.text for r in copies] == SECTIONS
    assert {r.category for r in copies} == {Category.TEMPLATE}
    assert [r.line for r in copies] == [5, 6, 7]


@given(st.lists(st.sampled_from(SECTIONS + ["short line", "another short line."]), max_size=30))
def test_every_paragraph_keeps_its_first_copy(paragraphs: list[str]) -> None:
    dropped = repeated_blocks(paragraphs)
    first = {p: i for i, p in reversed(list(enumerate(paragraphs)))}
    assert not dropped & set(first.values())
