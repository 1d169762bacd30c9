"""Fixed-size pages for lists that grow with the clinic or with a patient's history.

A page shows a fixed number of rows and the exact number of all of them, so a page
costs the same to read and to draw however long the list becomes.
"""

from __future__ import annotations

from dataclasses import dataclass

#: a page number beyond this is read as "the last page": it keeps offsets in range
FARTHEST_PAGE = 1_000_000


@dataclass(frozen=True)
class Page:
    """Page ``number`` (from 1) of ``count`` rows shown ``size`` at a time."""

    number: int
    size: int
    count: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.count // self.size))

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    @property
    def previous_number(self) -> int:
        return self.number - 1

    @property
    def next_number(self) -> int:
        return self.number + 1

    @property
    def first_shown(self) -> int:
        """Position of the page's first row in the whole list (0 when the list is empty)."""
        return min(self.offset + 1, self.count)

    @property
    def last_shown(self) -> int:
        return min(self.offset + self.size, self.count)


def requested_page(raw: str | None, *, field: str) -> tuple[int, str]:
    """The page number asked for in the query parameter ``field``.

    Returns the number and, when ``raw`` is not a whole number of 1 or more, page 1
    with a message naming the parameter.
    """
    if raw is None or raw == "":
        return 1, ""
    try:
        number = int(raw)
    except ValueError:
        number = 0
    if number < 1:
        return 1, f"{field}: “{raw}” is not a page number; page 1 is shown."
    return min(number, FARTHEST_PAGE), ""


def page_within(number: int, *, size: int, count: int) -> tuple[Page, str]:
    """Page ``number``, or the last page (with a message) when the list is shorter."""
    last = Page(1, size, count).pages
    if number <= last:
        return Page(number, size, count), ""
    return Page(last, size, count), f"There is no page {number}; page {last}, the last, is shown."
