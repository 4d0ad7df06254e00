"""Which language a document is in, and how many of a line's words are stopwords.

Stopword density is the strongest single sign of prose (jusText). The
stoplists are jusText's, which ships them for 100 languages.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache
from operator import mul

import justext

WORD = re.compile(r"\w+")
# Tokens sampled to guess the language: enough to be sure, few enough to be fast.
LANGUAGE_SAMPLE_TOKENS = 400
# Languages whose stoplists overlap the common Western ones but are rare in
# news; left out so they do not win ties on short samples.
_SKIPPED = frozenset({"Simple_English", "Volapuk", "Ido", "Aromanian", "Waray_Waray", "Bishnupriya_Manipuri",
                      "Samogitian", "Low_Saxon", "Piedmontese", "Lombard", "Neapolitan", "Sicilian", "Walloon",
                      "Aragonese", "Asturian", "Occitan", "Haitian", "Cebuano", "Newar", "Chuvash", "Latin",
                      "Serbo_Croatian", "Belarusian_Taraskievica", "Esperanto", "West_Frisian", "Sundanese"})


# ISO 639-1 codes for the metadata field, for the languages news is mostly in.
ISO_CODES = {
    "English": "en", "German": "de", "French": "fr", "Spanish": "es", "Italian": "it", "Portuguese": "pt",
    "Dutch": "nl", "Polish": "pl", "Russian": "ru", "Ukrainian": "uk", "Swedish": "sv", "Danish": "da",
    "Norwegian_Bokmal": "nb", "Norwegian_Nynorsk": "nn", "Finnish": "fi", "Czech": "cs", "Slovak": "sk",
    "Hungarian": "hu", "Romanian": "ro", "Greek": "el", "Turkish": "tr", "Arabic": "ar", "Hebrew": "he",
    "Persian": "fa", "Hindi": "hi", "Indonesian": "id", "Vietnamese": "vi", "Korean": "ko", "Catalan": "ca",
    "Croatian": "hr", "Serbian": "sr", "Slovenian": "sl", "Bulgarian": "bg", "Lithuanian": "lt",
    "Latvian": "lv", "Estonian": "et", "Malay": "ms", "Tagalog": "tl", "Urdu": "ur", "Bengali": "bn",
}


@lru_cache(maxsize=1)
def _index() -> tuple[list[str], dict[str, tuple[int, ...]], list[float]]:
    """(language names, word -> indices of the languages it is a stopword of, each language's weight)."""
    # Languages news is mostly written in come first, so they win ties: some small
    # stoplists (Marathi's) hold hundreds of English words.
    names = sorted((n for n in justext.get_stoplists() if n not in _SKIPPED), key=lambda n: (n not in ISO_CODES, n))
    where: dict[str, list[int]] = {}
    weights = []
    for i, name in enumerate(names):
        words = justext.get_stoplist(name)
        for word in words:
            where.setdefault(word.lower(), []).append(i)
        # A stoplist of 5,000 words (Uzbek's, Finnish's) meets some of any text: a hit counts for
        # less the longer the list (English 453 words, German 623).
        weights.append(1 / math.log2(len(words) + 2))
    return names, {w: tuple(ix) for w, ix in where.items()}, weights


@lru_cache(maxsize=64)
def stoplist(language: str) -> frozenset[str]:
    return frozenset(w.lower() for w in justext.get_stoplist(language))


@lru_cache(maxsize=64)
def stoplist_utf8(language: str) -> frozenset[bytes]:
    """`stoplist(language)` in UTF-8 (to count the stopwords of a line read as bytes)."""
    return frozenset(w.encode("utf-8") for w in stoplist(language))


def detect(lines: list[str]) -> str:
    """The jusText name of the language whose stopwords are most frequent, or ""."""
    names, where, weights = _index()
    sample: list[str] = []
    for line in sorted(lines, key=len, reverse=True):
        sample += WORD.findall(line.lower())
        if len(sample) >= LANGUAGE_SAMPLE_TOKENS:
            break
    counts = [0] * len(names)
    for token, count in Counter(sample).items():
        for i in where.get(token, ()):
            counts[i] += count
    scores = list(map(mul, counts, weights))
    best = max(range(len(names)), key=scores.__getitem__, default=-1)
    return names[best] if best >= 0 and counts[best] > 0 else ""
