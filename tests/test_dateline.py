"""Datelines: the forms of DESIGN.md and their kin, and no false dateline on a sentence."""

from __future__ import annotations

import time

import pytest

from cleaner import Dateline
from cleaner._dateline import find, split

# (paragraph, raw, location, agency, date)
FORMS = [
    # the forms DESIGN.md lists
    ("Brussels: NATO and Russia said on Wednesday.", "Brussels:", "Brussels", "", ""),
    ("WASHINGTON (Reuters) - The number of Americans fell.", "WASHINGTON (Reuters) -", "WASHINGTON", "Reuters", ""),
    ("LONDON, Nov 27 (Reuters) - Oil prices edged lower.", "LONDON, Nov 27 (Reuters) -", "LONDON", "Reuters", "Nov 27"),
    ("NEW DELHI, Nov 27 (PTI) The Union Cabinet approved.", "NEW DELHI, Nov 27 (PTI)", "NEW DELHI", "PTI", "Nov 27"),
    ("New Delhi [India], Nov 27 (ANI): India and Australia signed.", "New Delhi [India], Nov 27 (ANI):", "New Delhi",
     "ANI", "Nov 27"),
    ("PARIS — The French government announced.", "PARIS —", "PARIS", "", ""),
    ("(CNN) — A powerful storm knocked out power.", "(CNN) —", "", "CNN", ""),
    ("(Reuters) - Shares of a chipmaker rose.", "(Reuters) -", "", "Reuters", ""),
    ("BEIJING, Nov. 27 (Xinhua) -- China launched a satellite.", "BEIJING, Nov. 27 (Xinhua) --", "BEIJING", "Xinhua",
     "Nov. 27"),
    ("Berlin (dpa) - Die Bundesregierung hat beschlossen.", "Berlin (dpa) -", "Berlin", "dpa", ""),
    ("FORT WASHINGTON, Pa. (AP) _ A fire destroyed a barn.", "FORT WASHINGTON, Pa. (AP) _", "FORT WASHINGTON, Pa.",
     "AP", ""),
    ("STOCKHOLM, Aug 29, 2014 (AFP) - Sweden said.", "STOCKHOLM, Aug 29, 2014 (AFP) -", "STOCKHOLM", "AFP",
     "Aug 29, 2014"),
    ("SALT LAKE CITY — Utah lawmakers approved a plan.", "SALT LAKE CITY —", "SALT LAKE CITY", "", ""),
    # kin
    ("NEW DELHI: The government said.", "NEW DELHI:", "NEW DELHI", "", ""),
    ("WASHINGTON — The Senate voted.", "WASHINGTON —", "WASHINGTON", "", ""),
    ("WASHINGTON, Nov 27 — The Senate voted.", "WASHINGTON, Nov 27 —", "WASHINGTON", "", "Nov 27"),
    ("Brussels, 27 Nov: Ministers agreed.", "Brussels, 27 Nov:", "Brussels", "", "27 Nov"),
    ("Washington, Nov 27 (Reuters) - The Senate voted.", "Washington, Nov 27 (Reuters) -", "Washington", "Reuters",
     "Nov 27"),
    ("Mumbai, Nov 27 (IANS) Shares rose.", "Mumbai, Nov 27 (IANS)", "Mumbai", "IANS", "Nov 27"),
    ("Chennai, Nov 27 (PTI): The court said.", "Chennai, Nov 27 (PTI):", "Chennai", "PTI", "Nov 27"),
    ("TOKYO (Kyodo) -- Japan said.", "TOKYO (Kyodo) --", "TOKYO", "Kyodo", ""),
    ("WASHINGTON (AFP) – US officials said.", "WASHINGTON (AFP) –", "WASHINGTON", "AFP", ""),
    ("AMSTERDAM, Nov 27 (Reuters) -The Dutch said.", "AMSTERDAM, Nov 27 (Reuters) -", "AMSTERDAM", "Reuters", "Nov 27"),
    ("LOS ANGELES (AP) — The city said.", "LOS ANGELES (AP) —", "LOS ANGELES", "AP", ""),
    ("ST. LOUIS (AP) — A judge ruled.", "ST. LOUIS (AP) —", "ST. LOUIS", "AP", ""),
    ("WASHINGTON, D.C. (AP) — A man said.", "WASHINGTON, D.C. (AP) —", "WASHINGTON, D.C.", "AP", ""),
    ("NEW YORK, N.Y. (AP) _ Stocks fell.", "NEW YORK, N.Y. (AP) _", "NEW YORK, N.Y.", "AP", ""),
    ("KYIV, Ukraine (AP) — Russia launched drones.", "KYIV, Ukraine (AP) —", "KYIV, Ukraine", "AP", ""),
    ("KYIV, Ukraine — Russia launched drones.", "KYIV, Ukraine —", "KYIV, Ukraine", "", ""),
    ("SAN JUAN, Puerto Rico (AP) — A storm hit.", "SAN JUAN, Puerto Rico (AP) —", "SAN JUAN, Puerto Rico", "AP", ""),
    ("The Hague (Reuters) - Dutch officials said.", "The Hague (Reuters) -", "The Hague", "Reuters", ""),
    ("SÃO PAULO (Reuters) - Brazil's central bank said.", "SÃO PAULO (Reuters) -", "SÃO PAULO", "Reuters", ""),
    ("RIO DE JANEIRO (AP) — Brazil said.", "RIO DE JANEIRO (AP) —", "RIO DE JANEIRO", "AP", ""),
    ("Rio de Janeiro, Nov 27 (Reuters) - Brazil said.", "Rio de Janeiro, Nov 27 (Reuters) -", "Rio de Janeiro",
     "Reuters", "Nov 27"),
    ("NEW YORK, Nov. 27, 2014 /PRNewswire/ -- Acme Corp announced.", "NEW YORK, Nov. 27, 2014 /PRNewswire/ --",
     "NEW YORK", "PRNewswire", "Nov. 27, 2014"),
    # German, French, Spanish agency styles
    ("Frankfurt/Main (dpa) - Die Stadt öffnet.", "Frankfurt/Main (dpa) -", "Frankfurt/Main", "dpa", ""),
    ("Hamburg/Berlin (dpa) - Die Bahn kündigt an.", "Hamburg/Berlin (dpa) -", "Hamburg/Berlin", "dpa", ""),
    ("Frankfurt am Main (dpa) - Die Börse schloss.", "Frankfurt am Main (dpa) -", "Frankfurt am Main", "dpa", ""),
    ("BERLIN, 27. November (Reuters) - Die Regierung.", "BERLIN, 27. November (Reuters) -", "BERLIN", "Reuters",
     "27. November"),
    ("ZÜRICH (dpa) - Die Schweizer Notenbank.", "ZÜRICH (dpa) -", "ZÜRICH", "dpa", ""),
    ("Paris, 27 novembre (AFP) - Le gouvernement a annoncé.", "Paris, 27 novembre (AFP) -", "Paris", "AFP",
     "27 novembre"),
    ("Paris (AFP) - Pour la première fois depuis cent ans.", "Paris (AFP) -", "Paris", "AFP", ""),
    ("Madrid, 27 nov (EFE).- El Consejo de Ministros aprobó.", "Madrid, 27 nov (EFE).-", "Madrid", "EFE", "27 nov"),
    ("Madrid (EFE).- El Gobierno aprobó.", "Madrid (EFE).-", "Madrid", "EFE", ""),
    ("Bogotá, 27 de noviembre (EFE).- El Gobierno.", "Bogotá, 27 de noviembre (EFE).-", "Bogotá", "EFE",
     "27 de noviembre"),
    ("MADRID, 27 Nov (EFE) - El Gobierno.", "MADRID, 27 Nov (EFE) -", "MADRID", "EFE", "27 Nov"),
    ("Madrid, 27 nov (EFE).- ¿Qué pasará ahora?", "Madrid, 27 nov (EFE).-", "Madrid", "EFE", "27 nov"),
    # what follows a dateline may open with a quote or a number
    ("LONDON (Reuters) - \"We are ready,\" the minister said.", "LONDON (Reuters) -", "LONDON", "Reuters", ""),
    ("PARIS — 2024 was the hottest year on record.", "PARIS —", "PARIS", "", ""),
    ("PARIS — “We are ready,” the minister said.", "PARIS —", "PARIS", "", ""),
]


@pytest.mark.parametrize(("paragraph", "raw", "location", "agency", "date"), FORMS, ids=[f[1] for f in FORMS])
def test_dateline_forms(paragraph: str, raw: str, location: str, agency: str, date: str) -> None:
    assert find(paragraph) == Dateline(raw=raw, location=location, agency=agency, date=date)


@pytest.mark.parametrize(("paragraph", "raw", "location", "agency", "date"), FORMS, ids=[f[1] for f in FORMS])
def test_split_removes_exactly_the_raw_prefix(paragraph: str, raw: str, location: str, agency: str, date: str) -> None:
    dateline, rest = split(paragraph)
    assert dateline is not None and dateline.raw == raw
    assert paragraph.startswith(raw)
    assert rest == paragraph[len(raw):].lstrip()
    assert rest and not rest[0].isspace()


NOT_DATELINES = [
    # labels the issue names
    "Update: This story has been updated with comments from the company.",
    "UPDATE: The company has responded.",
    "Note: Timetables are available at ferry terminals.",
    "Why it matters: Patients wait more than six weeks for results.",
    "Q: Is it cheaper to keep the heating on low all day?",
    "A: For most homes, heating only when you need it uses less energy.",
    # sentences with a colon or a dash
    "Officials have a simple message for drivers from next month: slow down.",
    "The minister said: We will not back down.",
    "Prices rose: gasoline jumped 4 percent in a week.",
    "The new limit — 30 kilometres per hour — takes effect next month.",
    "Apple — the world's most valuable company — said on Monday.",
    "He said - and he meant it - that he would resign.",
    "The vote was 7-2 - a clear win for cyclists.",
    "It was a long night -- and it is not over yet.",
    "UPDATE 1-Oil rises as OPEC+ meeting nears",
    # other labels and people
    "BREAKING: A fire broke out in the city centre.",
    "Breaking News — A fire broke out.",
    "Editor's Note: This story contains descriptions of violence.",
    "EDITOR’S NOTE — This story is part of a series.",
    "Analysis: Why the central bank held rates.",
    "WATCH: The moment the bridge collapsed.",
    "Live: Updates from the summit.",
    "Context: The scheme began in 2020.",
    "Key points: The plan costs 2 billion euros.",
    "Bottom line: Rates are on hold.",
    "What we know: Three people were hurt.",
    "Sources: Two officials confirmed it.",
    "Photo: AFP",
    "Wednesday: The council meets again.",
    "Mr Smith: We will appeal the ruling.",
    "Dr Lena Fischer: The wood was well preserved.",
    "In Brief: The council approved the plan.",
    "Earlier: The minister resigned.",
    "FILE - In this photo taken in 2019, a man walks by.",
    "UK – EU talks resumed on Monday.",
    "US — China trade talks resumed.",
    "Anzeige: Jetzt bestellen.",
    "Hinweis: Die Redaktion hat den Text ergänzt.",
    "Mise à jour: le texte a été complété.",
    "Actualización: El texto ha sido actualizado.",
    # near misses: lower case after the dash, no separator, a sentence
    "NEW YORK, Nov 27 (Reuters) - shares fell.",
    "PARIS — the government said.",
    "Reuters - The company said.",
    "Rome – The city council voted.",
    "Lagos — Nigeria's president said.",
    "The company (AAPL) said on Monday.",
    "Washington, D.C. — A man was arrested.",
    "London, Monday, Nov 27 (Reuters) - Shares fell.",
    "LO(R)\"Every day without a ferry costs us,\" he said.",
    "SMITH (R) — The senator said.",
    # empty and odd
    "",
    ":",
    "—",
    "(Reuters)",
    "() - Text.",
]


@pytest.mark.parametrize("paragraph", NOT_DATELINES)
def test_no_false_dateline(paragraph: str) -> None:
    assert find(paragraph) is None
    assert split(paragraph) == (None, paragraph)


def test_labels_are_case_and_apostrophe_insensitive() -> None:
    for label in ("NOTE", "Note", "note", "Editor’s Note", "EDITOR'S NOTE", "Why"):
        assert find(f"{label}: The text goes on here.") is None


def test_a_dateline_alone_is_still_a_dateline() -> None:
    # the paragraph holds nothing else (a scraper split it from its sentence)
    assert find("LONDON (Reuters) -") == Dateline("LONDON (Reuters) -", "LONDON", "Reuters", "")


@pytest.mark.parametrize("text", [
    "A" * 20000, "Aa " * 5000, "AA " * 5000, "Aa, " * 5000, "AA, Aa " * 3000, "(" + "a" * 5000, "Aa de " * 4000,
    "Aa/Aa " * 3000, "AA, 27 " * 3000, "Aa, Nov 27 " * 2000, "Aa-" * 5000, "27. " * 5000, "AA. " * 5000,
    "Aa, Aa Aa Aa Aa Aa Aa (" * 2000, "AA (" * 5000, "/A" * 5000 + " -",
])
def test_no_catastrophic_backtracking(text: str) -> None:
    start = time.perf_counter()
    find(text)
    assert time.perf_counter() - start < 0.1
