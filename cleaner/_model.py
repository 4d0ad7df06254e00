"""The data `clean()` returns. Frozen dataclasses: cheap, hashable, typed."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class Category(enum.StrEnum):
    """Why a line was removed: a closed set, mirrored by the proto enum."""

    ADVERTISEMENT = "advertisement"
    PROMO = "promo"
    NAVIGATION = "navigation"
    SOCIAL = "social"
    NEWSLETTER = "newsletter"
    RELATED = "related"
    CAPTION = "caption"
    BYLINE = "byline"
    LEGAL = "legal"
    COMMENTS = "comments"
    TEMPLATE = "template"
    OTHER = "other"


class Format(enum.StrEnum):
    TEXT = "text"
    HTML = "html"


@dataclass(frozen=True, slots=True)
class Dateline:
    """A parsed dateline such as ``LONDON, Nov 27 (Reuters) -``.

    `raw` is the exact prefix as it stood in the input; the other fields are
    "" when the dateline does not give them. `date` is as written ("Nov 27").
    """

    raw: str
    location: str = ""
    agency: str = ""
    date: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"raw": self.raw, "location": self.location, "agency": self.agency, "date": self.date}


@dataclass(frozen=True, slots=True)
class RemovedLine:
    """One input line left out of the article. `line` is its 1-based line number
    in the text that was cleaned (for HTML input: the extracted text)."""

    text: str
    category: Category
    rule: str
    line: int

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "category": self.category.value, "rule": self.rule, "line": self.line}


@dataclass(frozen=True, slots=True)
class Metadata:
    """What the input says about itself; "" where it says nothing."""

    author: str = ""
    published: str = ""
    site_name: str = ""
    language: str = ""
    url: str = ""

    def to_dict(self) -> dict[str, str]:
        return {
            "author": self.author,
            "published": self.published,
            "site_name": self.site_name,
            "language": self.language,
            "url": self.url,
        }


@dataclass(frozen=True, slots=True)
class Article:
    """A cleaned article. `body` is `paragraphs` joined by a blank line."""

    title: str
    subtitle: str
    dateline: Dateline | None
    paragraphs: list[str]
    removed: list[RemovedLine]
    metadata: Metadata
    format: Format
    body: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "body", "\n\n".join(self.paragraphs))

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "subtitle": self.subtitle,
            "dateline": self.dateline.to_dict() if self.dateline else None,
            "body": self.body,
            "paragraphs": list(self.paragraphs),
            "removed": [r.to_dict() for r in self.removed],
            "metadata": self.metadata.to_dict(),
            "format": self.format.value,
        }
