"""The exception hierarchy: every failure `clean()` reports is a `CleanerError`.

    CleanerError
    ├── InputError              the document itself cannot be cleaned
    │   ├── EmptyInputError     nothing but white space (or 0 bytes)
    │   ├── BinaryInputError    an image, PDF, archive or other non-text bytes
    │   └── InputTooLargeError  over `Options.max_input_bytes`
    └── OptionsError            a bad argument: unknown format, bad option value
"""

from __future__ import annotations


class CleanerError(Exception):
    """Base class of every error `cleaner` raises on purpose."""


class InputError(CleanerError):
    """The document cannot be cleaned; `field` names the offending input."""

    field = "raw"


class EmptyInputError(InputError):
    """The document is empty or holds only white space."""


class BinaryInputError(InputError):
    """The document is binary data (image, PDF, archive...), not text or HTML."""


class InputTooLargeError(InputError):
    """The document is larger than the configured limit."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"document is {size} bytes, over the limit of {limit} bytes")
        self.size = size
        self.limit = limit


class OptionsError(CleanerError):
    """An argument to `clean()` is invalid; `field` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
