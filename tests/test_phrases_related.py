"""Links and labels that lead to other stories: "Also read: <headline>" lines set into an
article or after it, list labels ("Empfohlene Beiträge") and category lines, in English,
German, French, Spanish and Portuguese."""

from __future__ import annotations

import pytest

from cleaner import Category
from cleaner._phrases import match

CAUGHT = [
    "Also Read: 10 Ways Generative AI is Transforming the eCommerce Industry",
    "READ MORE: Should you offer green cleaning services?",
    "Read more: The ultimate guide to WordPress SEO »",
    "See also: Film vs Digital Cameras for Landscape Photography",
    "Related: Cybersecurity M&A Roundup: 40 Deals Announced in September 2025",
    "Lesen Sie auch: Warum die Bahn im Winter so oft zu spät kommt",
    "À lire aussi : Les prix de l'énergie reculent en novembre",
    "LE PUEDE INTERESAR: La ficha de Juan Orlando Hernández en el MDC de Nueva York",
    "MIRA: Madre se acerca a conocer los motivos de captura de su hijo y termina detenida",
    "Leia também: Inflação desacelera pelo terceiro mês seguido",
]
LABELS = [
    ("Empfohlene Beiträge", "related-de-fr-es-pt"),
    ("Kommentierte Artikel", "related-de-fr-es-pt"),
    ("Contenido Relacionado", "related-de-fr-es-pt"),
    ("Kategorie: Alle Blogposts, Artikel, Blog, Fair Fashion, Go Green", "tags"),
    ("Kategorien: Grundrezept, Rezepte", "tags"),
    ("Catégorie : Politique", "tags"),
    ("Categoría: Nacionales", "tags"),
]
KEPT = [
    "Read more about the council's plans in the report it published on Tuesday.",
    "Mira Sorvino said: \"I had no idea the film would be seen by so many people.\"",
    "Lee: I think the vote was the right call, but it came too late.",
    "Related costs rose by a third: fuel, insurance and repairs all went up.",
    "See also the chart below: prices fell in every region but one.",
    "Q: What does the new rule change for tenants?",
    "Empfohlene Beiträge sind wichtig für die Leser, sagte sie.",
    "Kategorie eins: Wer mehr als zehn Stunden arbeitet, bekommt einen Zuschlag.",
]


@pytest.mark.parametrize("line", CAUGHT)
def test_a_link_to_another_story_is_related(line: str) -> None:
    assert match(line) == (Category.RELATED, "related-leader")


@pytest.mark.parametrize(("line", "rule"), LABELS)
def test_a_list_label_or_category_line_is_related(line: str, rule: str) -> None:
    assert match(line) == (Category.RELATED, rule)


@pytest.mark.parametrize("line", KEPT)
def test_article_sentences_are_not_caught(line: str) -> None:
    assert match(line) is None
