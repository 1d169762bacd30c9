"""Errors raised by the instruments package.

Each error carries enough detail to show the person filling in a form what to
fix, because bad input must get a clear message, never a stack trace.
"""

from __future__ import annotations


class InvalidResponse(ValueError):
    """A questionnaire response cannot be scored as given.

    The message names the item and the allowed values; ``item`` is the item key
    ("3", "difficulty") or None when the response as a whole is malformed, so a
    form can attach the error to the right field.
    """

    def __init__(self, message: str, *, instrument: str, item: str | None = None) -> None:
        super().__init__(message)
        self.instrument = instrument
        self.item = item


class NotScorableError(ValueError):
    """The instrument has no validated total (our own clinic instruments)."""


class UnknownInstrumentError(KeyError):
    """No instrument definition has this key."""

    def __str__(self) -> str:
        # KeyError would show the message wrapped in quotes.
        return str(self.args[0]) if self.args else ""
