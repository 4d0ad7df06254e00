"""All the knobs of `clean()` in one settings object (as trafilatura's Extractor)."""

from __future__ import annotations

from dataclasses import dataclass

from ._errors import OptionsError

#: Default largest document accepted, in bytes (UTF-8 for str input). Large
#: enough for any real article page; small enough that one input cannot hold a
#: worker for long.
DEFAULT_MAX_INPUT_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Options:
    """Settings for `clean()`.

    include_removed: report the removed lines (turn off to save work and bytes).
    max_input_bytes: reject larger documents with `InputTooLargeError`.
    html_engine: "trafilatura" (best quality) or "fast" (resiliparse, much faster).
    """

    include_removed: bool = True
    max_input_bytes: int = DEFAULT_MAX_INPUT_BYTES
    html_engine: str = "trafilatura"

    def __post_init__(self) -> None:
        if self.max_input_bytes <= 0:
            raise OptionsError("max_input_bytes", "must be positive")
        if self.html_engine not in ("trafilatura", "fast"):
            raise OptionsError("html_engine", f"unknown engine {self.html_engine!r}; use 'trafilatura' or 'fast'")
