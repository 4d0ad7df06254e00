"""cleaner: turn raw scraped news articles (text or HTML) into clean, structured ones.

    >>> from cleaner import clean
    >>> article = clean(open("page.txt").read())
    >>> article.title, article.dateline, article.body
"""

from ._errors import (
    BinaryInputError,
    CleanerError,
    EmptyInputError,
    InputError,
    InputTooLargeError,
    OptionsError,
)
from ._model import Article, Category, Dateline, Format, Metadata, RemovedLine
from ._options import Options
from ._pipeline import clean

__all__ = [
    "Article",
    "BinaryInputError",
    "Category",
    "CleanerError",
    "Dateline",
    "EmptyInputError",
    "Format",
    "InputError",
    "InputTooLargeError",
    "Metadata",
    "Options",
    "OptionsError",
    "RemovedLine",
    "clean",
]

__version__ = "0.1.0"
