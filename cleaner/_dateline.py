"""Datelines: ``LONDON, Nov 27 (Reuters) -`` and kin at the start of the body.

A dateline is split off the first body paragraph into location, agency and
date. The forms accepted are deliberately narrow: a false dateline would cut
the first words off a sentence ("Update: ...", "Why it matters: ...").
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from ._model import Dateline

_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_DATE = rf"(?P<date>{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?|\d{{1,2}}\s+{_MONTH}(?:\s+\d{{4}})?)"
_AGENCY = r"\((?P<agency>[A-Za-z][\w.&'’/ -]{0,30}?)\)"
_CAPS_WORD = r"[A-Z][A-Z.'’-]+"
_TITLE_WORD = r"[A-Z][a-zà-ÿ'’.-]+"
_CAPS_PLACE = rf"{_CAPS_WORD}(?:\s+{_CAPS_WORD}){{0,3}}"
_TITLE_PLACE = rf"{_TITLE_WORD}(?:\s+{_TITLE_WORD}){{0,2}}"
# ", Pa." / ", Calif." / ", N.Y." after a US city; "[India]" after an Indian one.
_REGION = r"(?:,\s*[A-Z][a-z]{0,4}\.(?:\s?[A-Z][a-z]?\.)?|\s*\[[A-Z][\w .]{1,30}\])"
_DASH = r"(?:-{1,2}|—|–|_)"
_END = r"\s*(?=\S)"

_FORMS = [
    # LONDON, Nov 27 (Reuters) -   / Berlin (dpa) -   / NEW DELHI, Nov 27 (PTI) text   / (ANI):
    re.compile(rf"(?P<loc>(?:{_CAPS_PLACE}|{_TITLE_PLACE}))(?P<region>{_REGION})?(?:,\s*{_DATE})?\s*{_AGENCY}"
               rf"(?:\s*{_DASH}|\s*:)?{_END}"),
    # (CNN) —   / (Reuters) -
    re.compile(rf"{_AGENCY}\s*(?:{_DASH}|:){_END}"),
    # PARIS —   / SALT LAKE CITY —   / BEIJING, Nov. 27 --
    re.compile(rf"(?P<loc>{_CAPS_PLACE})(?P<region>{_REGION})?(?:,\s*{_DATE})?\s+{_DASH}{_END}"),
    # Paris, Nov 27 —  (a title-case place only with a date, else "Apple — the firm" would match)
    re.compile(rf"(?P<loc>{_TITLE_PLACE})(?P<region>{_REGION})?,\s*{_DATE}\s*(?:{_DASH}|:){_END}"),
    # Brussels:   / New Delhi, Nov 27:
    re.compile(rf"(?P<loc>{_TITLE_PLACE}|{_CAPS_PLACE})(?P<region>{_REGION})?(?:,\s*{_DATE})?:{_END}"),
]
# Agencies are names: one to four words, none of them sentence words.
_AGENCY_OK = re.compile(r"[A-Za-z][\w.&'’/-]*(?:\s+[A-Za-z][\w.&'’/-]*){0,3}")


@lru_cache(maxsize=1)
def _labels() -> frozenset[str]:
    text = resources.files("cleaner").joinpath("data/dateline_labels.txt").read_text(encoding="utf-8")
    return frozenset(ln.strip().lower() for ln in text.splitlines() if ln.strip() and not ln.startswith("#"))


def find(paragraph: str) -> Dateline | None:
    """The dateline at the start of `paragraph`, or None."""
    for form in _FORMS:
        m = form.match(paragraph)
        if m is None:
            continue
        groups = m.groupdict()
        loc = (groups.get("loc") or "").strip()
        agency = (groups.get("agency") or "").strip()
        if loc and loc.lower() in _labels():
            continue
        if agency and not _AGENCY_OK.fullmatch(agency):
            continue
        if not loc and not agency:
            continue
        rest = paragraph[m.end():]
        # a dateline opens a sentence: the text after it starts like one
        if rest and not (rest[0].isupper() or rest[0].isdigit() or rest[0] in "\"“‘'«(["):
            continue
        region = (groups.get("region") or "").strip()
        if region.startswith(","):
            loc = f"{loc}{region}"
        return Dateline(raw=m.group(0).rstrip(), location=loc, agency=agency, date=(groups.get("date") or "").strip())
    return None


def split(paragraph: str) -> tuple[Dateline | None, str]:
    """(dateline, the paragraph without it)."""
    dateline = find(paragraph)
    if dateline is None:
        return None, paragraph
    return dateline, paragraph[len(dateline.raw):].lstrip()
