"""Hand-computed cases for bench/metrics.py (the benchmark's metric definitions)."""

from __future__ import annotations

import math

import pytest

from bench import metrics as m
from bench.data import split


def approx(x: float) -> object:
    return pytest.approx(x, abs=1e-12)


# ---------------------------------------------------------------- tokens and shingles

def test_tokenize_keeps_case_and_splits_on_non_word() -> None:
    assert m.tokenize("The cat's hat-trick, 2024!") == ["The", "cat", "s", "hat", "trick", "2024"]
    assert m.tokenize("Größe über") == ["Größe", "über"]
    assert m.tokenize(None) == []


def test_shingles_are_4gram_multisets() -> None:
    s = m.shingles("a b c d e")
    assert s == {("a", "b", "c", "d"): 1, ("b", "c", "d", "e"): 1}
    s = m.shingles("x y z w x y z w")
    assert s[("x", "y", "z", "w")] == 2
    assert sum(s.values()) == 5


def test_short_text_is_one_short_shingle_and_empty_none() -> None:
    assert m.shingles("just two") == {("just", "two"): 1}
    assert m.shingles("  ... ") == {}


# ---------------------------------------------------------------- body counts

def test_identical_texts() -> None:
    assert m.body_counts("a b c d e", "a b c d e") == (1.0, 0.0, 0.0)


def test_case_matters() -> None:
    # every shingle differs: 2 truth shingles, 2 output shingles -> TP 0, FP 2, FN 2
    assert m.body_counts("a b c d e", "A B C D E") == (0.0, 0.5, 0.5)


def test_counts_normalised_to_their_sum() -> None:
    # truth "a b c d e f": abcd bcde cdef; output "a b c d e x": abcd bcde cdex
    tp, fp, fn = m.body_counts("a b c d e f", "a b c d e x")
    # TP 2, FP 1 (cdex), FN 1 (cdef) -> sum 4
    assert (tp, fp, fn) == (approx(0.5), approx(0.25), approx(0.25))


def test_multiset_counts_excess_repeats() -> None:
    # truth one "p q r s"; output twice -> TP 1, FP 1 (repeat) + junk shingles
    truth = "p q r s"
    out = "p q r s . p q r s"  # 8 tokens, 5 shingles: pqrs qrsp rspq spqr pqrs
    tp, fp, fn = m.body_counts(truth, out)
    # TP 1; FP: pqrs excess 1 + qrsp + rspq + spqr = 4; FN 0 -> sum 5
    assert (tp, fp, fn) == (approx(1 / 5), approx(4 / 5), 0.0)


def test_empty_output_on_nonempty_truth() -> None:
    c = m.body_counts("a b c d e", "")
    assert c == (0.0, 0.0, 1.0)
    page = m.page_body_scores(c)
    assert page.precision is None and page.recall == 0.0 and page.f1 == 0.0


def test_both_empty() -> None:
    assert m.body_counts("", None) == (0.0, 0.0, 0.0)


# ---------------------------------------------------------------- page and set scores

def test_precision_recall_edge_rules() -> None:
    assert m.precision_score(0.0, 0.0, 0.0) == 1.0      # FP = FN = 0
    assert m.precision_score(0.0, 0.0, 1.0) == 0.0
    assert m.recall_score(0.0, 1.0, 0.0) == 0.0
    assert m.precision_score(0.5, 0.25, 0.25) == approx(2 / 3)
    assert m.recall_score(0.5, 0.25, 0.25) == approx(2 / 3)


def test_aggregate_is_harmonic_mean_of_mean_p_and_mean_r() -> None:
    pages = [
        (1.0, 0.0, 0.0),      # perfect: P 1, R 1
        (0.5, 0.5, 0.0),      # P 0.5, R 1
        (0.0, 0.0, 1.0),      # empty output: no precision, R 0
    ]
    s = m.aggregate_body(pages)
    p = (1.0 + 0.5) / 2          # the empty page is left out of the precision mean
    r = (1.0 + 1.0 + 0.0) / 3
    assert s.precision == approx(p)
    assert s.recall == approx(r)
    assert s.f1 == approx(2 * p * r / (p + r))
    # not the mean of page F1s
    page_f1s = [m.page_body_scores(c).f1 for c in pages]
    assert not math.isclose(s.f1, sum(page_f1s) / 3)


def test_aggregate_end_to_end_from_texts() -> None:
    truth = "a b c d e f"
    s = m.aggregate_body([m.body_counts(truth, "a b c d e x"), m.body_counts(truth, truth)])
    assert s.precision == approx((2 / 3 + 1) / 2)
    assert s.recall == approx((2 / 3 + 1) / 2)
    assert s.f1 == approx(5 / 6)


def test_aggregate_with_no_output_at_all() -> None:
    s = m.aggregate_body([(0.0, 0.0, 1.0)])
    assert (s.precision, s.recall, s.f1) == (0.0, 0.0, 0.0)


def test_page_f1() -> None:
    page = m.page_body_scores((0.5, 0.25, 0.25))
    assert page.f1 == approx(2 / 3)
    page = m.page_body_scores((0.0, 0.5, 0.5))
    assert page.precision == 0.0 and page.f1 == 0.0


# ---------------------------------------------------------------- snippets

def test_snippets_collapse_white_space_on_both_sides() -> None:
    c = m.snippet_counts("Hello\n\n  big   world. Share this", ["Hello big world.", "big\tworld"],
                         ["Share this", "Subscribe"])
    assert c == m.SnippetCounts(tp=2, fn=0, fp=1, tn=1)


def test_snippets_none_output() -> None:
    assert m.snippet_counts(None, ["a"], ["b"]) == m.SnippetCounts(tp=0, fn=1, fp=0, tn=1)


def test_snippets_are_case_sensitive_substrings() -> None:
    assert m.snippet_counts("the Cat sat", ["cat sat"], []).fn == 1
    assert m.snippet_counts("concatenate", ["cat"], []).tp == 1


def test_snippet_micro_average() -> None:
    a = m.SnippetCounts(tp=3, fn=0, fp=3, tn=0)   # page P 0.5
    b = m.SnippetCounts(tp=1, fn=3, fp=0, tn=3)   # page P 1, R 0.25
    s = m.aggregate_snippets([a, b])
    # sums: TP 4, FP 3, FN 3 -> P 4/7, R 4/7 (a macro mean would give P 0.75)
    assert s.precision == approx(4 / 7)
    assert s.recall == approx(4 / 7)
    assert s.f1 == approx(4 / 7)
    assert m.aggregate_snippets([]).f1 == 0.0


def test_snippet_page_scores() -> None:
    s = m.snippet_page_scores(m.SnippetCounts(tp=1, fn=1, fp=1, tn=2))
    assert (s.precision, s.recall, s.f1) == (0.5, 0.5, 0.5)
    assert m.snippet_page_scores(m.SnippetCounts(tp=0, fn=3, fp=0, tn=3)).f1 == 0.0


# ---------------------------------------------------------------- titles

@pytest.mark.parametrize(("out", "truth"), [
    ("Top 10 Trends", "top 10 trends"),
    ("“Quoted” title.", '"quoted" title'),
    ("It’s here – now", "It's here - now"),
    ("  Title\n  with   gaps ", "title with gaps"),
    ("| Title: —", "Title"),
    ("'Title';", "title"),
])
def test_title_match(out: str, truth: str) -> None:
    assert m.title_match(out, truth) is True


@pytest.mark.parametrize(("out", "truth"), [
    ("Title - Site", "Title"),          # site suffix is not stripped: only end characters are
    ("Title", "Titles"),
    ("", "Title"),
    (None, "Title"),
    ("Title!", "Title"),                # ! is not stripped
])
def test_title_mismatch(out: str | None, truth: str) -> None:
    assert m.title_match(out, truth) is False


def test_title_without_truth_is_not_scored() -> None:
    assert m.title_match("Anything", None) is None
    assert m.title_match("Anything", " -- ") is None


def test_normalize_title() -> None:
    assert m.normalize_title(" „Ein Titel“ — Teil 2… ") == 'ein titel" - teil 2…'  # … is not a dot
    assert m.normalize_title("A\u2014B") == "a-b"


# ---------------------------------------------------------------- split

def test_split_is_stable_crc32_parity() -> None:
    # crc32(b"dev-0001") = 1459567867 (odd), crc32(b"te0004") = 1511115070 (even)
    assert split("dev-0001") == "test"
    assert split("te0001") == "test"
    assert split("te0004") == "train"
    assert {split(f"dev-{i:04d}") for i in range(1, 50)} == {"train", "test"}
