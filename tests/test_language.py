"""Language detection from stopwords: the stoplist that a text's words fill most, for its size."""

from __future__ import annotations

from cleaner._language import detect

# Plain English about technology: Marathi's and Uzbek's long stoplists hold many English words
# (cloud, network, data...), and by raw hits they beat English's 453-word list on text like this.
TECH_ENGLISH = [
    "In simpler terms, cloud computing uses a network to connect users to a platform where they request "
    "and access rented computing services, storage and software.",
    "Enterprises often ask about the security risks of cloud computing, which are considered relatively low "
    "when the provider manages the servers and the data centre.",
    "Understanding the types of cloud resources can be time-consuming and costly, so teams start with a "
    "small project and grow from there.",
]
GERMAN = [
    "Der Stadtrat hat am Dienstag beschlossen, entlang der Hafenstraße geschützte Radwege zu bauen.",
    "Die Pläne sehen vor, dass auf der Nordseite der Straße 46 Parkplätze wegfallen, und das kostet Geld.",
    "Viele Anwohner hatten sich seit Jahren für die Änderung eingesetzt, weil es dort immer wieder Unfälle gab.",
]
SPANISH = [
    "El ayuntamiento aprobó el martes la construcción de carriles para bicicletas a lo largo de la calle del puerto.",
    "Los vecinos llevaban años pidiendo el cambio porque en esa zona se producían accidentes con frecuencia.",
]


def test_tech_english_is_english() -> None:
    assert detect(TECH_ENGLISH) == "English"


def test_german_and_spanish() -> None:
    assert detect(GERMAN) == "German"
    assert detect(SPANISH) == "Spanish"


def test_no_words_no_language() -> None:
    assert detect(["12:30", "---", "2024"]) == ""
