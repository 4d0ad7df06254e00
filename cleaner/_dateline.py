"""Datelines: ``LONDON, Nov 27 (Reuters) -`` and kin at the start of the body.

A dateline is split off the first body paragraph into location, agency and
date. The forms accepted are deliberately narrow: a false dateline would cut
the first words off a sentence ("Update: ...", "Why it matters: ...").

Forms (location / agency / date are each optional, but one of location and
agency is always there)::

    LONDON, Nov 27 (Reuters) -          Berlin (dpa) -        (CNN) —
    NEW DELHI, Nov 27 (PTI) The ...     New Delhi [India], Nov 27 (ANI):
    FORT WASHINGTON, Pa. (AP) _         KYIV, Ukraine (AP) —  PARIS —
    BEIJING, Nov. 27 (Xinhua) --        STOCKHOLM, Aug 29, 2014 (AFP) -
    BERLIN, 27. November (Reuters) -    Madrid, 27 nov (EFE).-
    NEW YORK, Nov. 27, 2014 /PRNewswire/ --                   Brussels:
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from ._model import Dateline

# Month names (English, German, French, Spanish), full or cut short.
_MONTH = (r"(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|januar|februar|märz|mai|juni|juli|oktober|"
          r"dezember|janvier|février|fevrier|mars|avril|juin|juillet|août|aout|septembre|octobre|novembre|"
          r"décembre|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|"
          r"diciembre)[a-zäéû]*\.?")
_DAY = r"\d{1,2}(?:st|nd|rd|th|er)?"
_DATE = (rf"(?P<date>{_MONTH}\s+{_DAY}(?:,?\s+\d{{4}})?"          # Nov 27 / Nov. 27, 2014
         rf"|{_DAY}\.?\s+(?:de\s+)?{_MONTH}(?:\s+(?:de\s+)?\d{{4}})?)")  # 27 Nov / 27. November / 27 de noviembre
_AGENCY = r"(?:\((?P<agency>[A-Za-z][\w.&'’/ -]{0,30}?)\)|/(?P<wire>[A-Z][\w .-]{1,30}?)/)"
_UPPER = "A-ZÀ-ÖØ-Þ"
_LOWER = "a-zß-öø-ÿ"
_CAPS_WORD = rf"[{_UPPER}][{_UPPER}.'’-]+"
_TITLE_WORD = rf"[{_UPPER}][{_LOWER}'’.-]+"
# "Rio de Janeiro", "Frankfurt am Main": small words between the capitalised ones.
_PARTICLE = r"(?:de|da|do|dos|das|del|la|le|les|am|an|im|der|sur|upon|on)"
_CAPS_PLACE = rf"{_CAPS_WORD}(?:\s+{_CAPS_WORD}){{0,3}}"
_TITLE_PLACE = rf"{_TITLE_WORD}(?:(?:\s+{_PARTICLE})?\s+{_TITLE_WORD}){{0,2}}"
# "Hamburg/Berlin (dpa)", "Frankfurt/Main (dpa)": dpa names two places.
_TWIN_PLACE = rf"{_TITLE_PLACE}(?:/{_TITLE_PLACE})?"
# After a place: ", Pa." / ", Calif." / ", N.Y." (US state), "[India]", or a
# spelled-out state or country (", Ukraine", ", Puerto Rico"), but not a month.
_NOT_DATE_WORD = rf"(?!{_MONTH}\s*\d)(?!(?i:mon|tues|wednes|thurs|fri|satur|sun)day\b)"
_REGION = (rf"(?:,\s*[A-Z][a-z]{{0,4}}\.(?:\s?[A-Z][a-z]?\.)?"
           rf"|\s*\[[A-Z][\w .]{{1,30}}\]"
           rf"|,\s*{_NOT_DATE_WORD}{_TITLE_WORD}(?:\s+{_TITLE_WORD}){{0,2}}(?=\s*[(,/—–-]))")
# "-", "--", "—", "–", AP's old "_", EFE's ".-".
_DASH = r"(?:\.?(?:-{1,2}|—|–)|_)"
_END = r"\s*(?:(?=\S)|$)"

_FORMS = [
    # LONDON, Nov 27 (Reuters) -   / Berlin (dpa) -   / NEW DELHI, Nov 27 (PTI) text   / (ANI):
    re.compile(rf"(?P<loc>{_CAPS_PLACE}|{_TWIN_PLACE})(?P<region>{_REGION})?(?:,\s*{_DATE})?\s*{_AGENCY}"
               rf"(?:\s*{_DASH}|\s*:)?{_END}"),
    # (CNN) —   / (Reuters) -
    re.compile(rf"{_AGENCY}\s*(?:{_DASH}|:){_END}"),
    # PARIS —   / SALT LAKE CITY —   / BEIJING, Nov. 27 --   / KYIV, Ukraine —
    re.compile(rf"(?P<loc>{_CAPS_PLACE})(?P<region>{_REGION})?(?:,\s*{_DATE})?\s+{_DASH}{_END}"),
    # Paris, Nov 27 —  (a title-case place only with a date, else "Apple — the firm" would match)
    re.compile(rf"(?P<loc>{_TITLE_PLACE})(?P<region>{_REGION})?,\s*{_DATE}\s*(?:{_DASH}|:){_END}"),
    # Brussels:   / New Delhi, Nov 27:
    re.compile(rf"(?P<loc>{_TITLE_PLACE}|{_CAPS_PLACE})(?P<region>{_REGION})?(?:,\s*{_DATE})?:{_END}"),
]
# Agencies are names: one to four words, none of them sentence words.
_AGENCY_OK = re.compile(r"[A-Za-z][\w.&'’/-]*(?:\s+[A-Za-z][\w.&'’/-]*){0,3}")
# A "place" starting with one of these is a person or a label ("Mr Smith:", "In Brief:").
_NOT_PLACE_START = frozenset({
    "mr", "mrs", "ms", "dr", "prof", "sir", "dame", "lord", "lady", "herr", "frau", "m.", "mme", "sr", "sra",
    "president", "minister", "senator", "sen.", "rep.", "gov.", "judge", "in", "at", "on", "for", "the", "a", "an",
    "from", "by", "with", "our", "my", "your", "his", "her", "their", "its", "this", "that", "what", "why", "how",
})
# Places that do start with one of those words.
_PLACE_OK_THE = frozenset({"the hague", "the bronx", "the gambia", "the valley", "the woodlands"})
# Text after a dateline opens a sentence.
_SENTENCE_START = "\"“‘'«„(¿¡["


@lru_cache(maxsize=1)
def _labels() -> frozenset[str]:
    text = resources.files("cleaner").joinpath("data/dateline_labels.txt").read_text(encoding="utf-8")
    return frozenset(_norm(ln) for ln in text.splitlines() if ln.strip() and not ln.startswith("#"))


def _norm(label: str) -> str:
    return " ".join(label.replace("’", "'").lower().split())


def _is_label(loc: str) -> bool:
    norm = _norm(loc)
    if norm in _labels():
        return True
    first = norm.split(" ", 1)[0]
    return first in _NOT_PLACE_START and " " in norm and norm not in _PLACE_OK_THE


def find(paragraph: str) -> Dateline | None:
    """The dateline at the start of `paragraph`, or None."""
    for form in _FORMS:
        m = form.match(paragraph)
        if m is None:
            continue
        groups = m.groupdict()
        loc = (groups.get("loc") or "").strip()
        agency = (groups.get("agency") or groups.get("wire") or "").strip()
        if loc and _is_label(loc):
            continue
        if agency and (len(agency) < 2 or not _AGENCY_OK.fullmatch(agency)):
            continue  # "(R)", "(D)": a party, not an agency
        if not loc and not agency:
            continue
        if not agency and not groups.get("date") and len(loc) <= 3:
            continue  # "UK – EU talks resumed", "US — ...": a short name alone is a subject, not a dateline
        rest = paragraph[m.end():]
        if not rest and not agency:
            continue  # "Kommentar:" alone is a label; "LONDON (Reuters) -" alone is a dateline split from its text
        # a dateline opens a sentence: the text after it starts like one
        if rest and not (rest[0].isupper() or rest[0].isdigit() or rest[0] in _SENTENCE_START):
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
