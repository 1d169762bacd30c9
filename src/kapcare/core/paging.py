"""Fixed-size pages for lists that grow with the clinic, a patient's history or the years.

A page shows a fixed number of rows and the exact number of all of them, so a page
costs the same to read and to draw however long the list becomes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.db.models import Model, QuerySet
from django.http import QueryDict

#: a page number beyond this is read as "the last page": it keeps offsets in range
FARTHEST_PAGE = 1_000_000


@dataclass(frozen=True)
class Page:
    """Page ``number`` (from 1) of ``count`` rows shown ``size`` at a time.

    ``more`` says the list is longer than ``count``: a history counted only up to a
    bound, because counting all of it would cost more every year.
    """

    number: int
    size: int
    count: int
    more: bool = False

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


def page_within(number: int, *, size: int, count: int, more: bool = False) -> tuple[Page, str]:
    """Page ``number``, or the last page (with a message) when the list is shorter."""
    last = Page(1, size, count).pages
    if number <= last:
        return Page(number, size, count, more), ""
    if more:
        return Page(last, size, count, more), (
            f"Only the latest {count:,} are listed here; page {last}, the last, is shown."
        )
    return Page(last, size, count), f"There is no page {number}; page {last}, the last, is shown."


@dataclass(frozen=True)
class PagedList:
    """One of a page's paged lists: the query parameter naming its page, and the id of
    the heading its page links open at."""

    field: str
    anchor: str


@dataclass(frozen=True)
class PageLinks:
    """Links to a list's previous and next pages ("" when there is none)."""

    previous: str
    next: str


def asked_pages(
    query: QueryDict, lists: Mapping[str, PagedList]
) -> tuple[dict[str, int], dict[str, str]]:
    """The page asked for in each list, and why an asked page number was refused ("" if not)."""
    asked: dict[str, int] = {}
    problems: dict[str, str] = {}
    for key, listed in lists.items():
        asked[key], problems[key] = requested_page(query.get(listed.field), field=listed.field)
    return asked, problems


def page_links(
    query: QueryDict, lists: Mapping[str, PagedList], shown: Mapping[str, Page]
) -> dict[str, PageLinks]:
    """Links between the pages of each list in ``shown`` (the lists the page shows).

    A link names its own list's page (page 1 too) and keeps every other list on the page
    it shows (never on a page number that was refused, left out when it is page 1), in
    the order of ``shown``, after any other query parameter as it was. A page parameter
    of ``lists`` that is not shown is dropped.
    """
    others = query.copy()
    for listed in lists.values():
        others.pop(listed.field, None)

    def link(target: str, number: int) -> str:
        params = others.copy()
        for key, page in shown.items():
            page_number = number if key == target else page.number
            if key == target or page_number > 1:
                params[lists[key].field] = str(page_number)
        return f"?{params.urlencode()}#{lists[target].anchor}"

    return {
        key: PageLinks(
            previous=link(key, page.previous_number) if page.has_previous else "",
            next=link(key, page.next_number) if page.has_next else "",
        )
        for key, page in shown.items()
    }


Row = TypeVar("Row", bound=Model)


@dataclass(frozen=True)
class ListPage(Generic[Row]):
    """One page of a list, in the list's order, and the exact size of the whole list."""

    rows: list[Row]
    page: Page
    notice: str = ""  # why this is not the page asked for ("" when it is)

    @property
    def total(self) -> int:
        return self.page.count


def page_of(
    rows: QuerySet[Row], *, page: int, size: int, count_up_to: int | None = None
) -> ListPage[Row]:
    """Page ``page`` of ``rows``, kept in their order; past the end gives the last page.

    Two queries whatever the length of the list: a COUNT, then the page alone
    (LIMIT/OFFSET), so no more than ``size`` rows are ever read. With ``count_up_to``
    the COUNT stops there (the page says "more than"), for histories that only grow.
    """
    if count_up_to is None:
        count, more = rows.count(), False
    else:
        counted = rows[: count_up_to + 1].count()
        count, more = min(counted, count_up_to), counted > count_up_to
    shown, notice = page_within(page, size=size, count=count, more=more)
    return ListPage(rows=list(rows[shown.offset : shown.offset + size]), page=shown, notice=notice)


@dataclass(frozen=True)
class SectionPages:
    """Links to a paged section's previous and next pages, and why a page was not shown."""

    previous: str
    next: str
    notice: str


def section_pages(
    query: QueryDict,
    sections: Mapping[str, PagedList],
    *,
    shown: Mapping[str, Page],
    problems: Mapping[str, str],
    notices: Mapping[str, str],
    address: str = "",
) -> dict[str, SectionPages]:
    """Each shown section's links (see ``page_links``) and notice: a refused page number,
    or the page asked for lying past the end.

    The links are relative to the page's own address unless ``address`` names it: a page
    also drawn in answer to a form posted elsewhere must not link to that form's address.
    """
    links = page_links(query, sections, shown)

    def at(link: str) -> str:
        return address + link if link else ""

    pages = {}
    for section in shown:
        listed = sections[section]
        past_the_end = f"{listed.field}: {notices[section]}" if notices[section] else ""
        pages[section] = SectionPages(
            previous=at(links[section].previous),
            next=at(links[section].next),
            notice=problems[section] or past_the_end,
        )
    return pages


def paged_list(
    query: QueryDict,
    listed: PagedList,
    rows: QuerySet[Row],
    *,
    size: int,
    count_up_to: int | None = None,
    address: str = "",
) -> tuple[ListPage[Row], SectionPages]:
    """The page of ``rows`` asked for in ``query``, with its links and notice: what a page
    holding a single paged list needs (see ``page_of`` and ``section_pages``)."""
    number, problem = requested_page(query.get(listed.field), field=listed.field)
    shown = page_of(rows, page=number, size=size, count_up_to=count_up_to)
    links = section_pages(
        query,
        {"list": listed},
        shown={"list": shown.page},
        problems={"list": problem},
        notices={"list": shown.notice},
        address=address,
    )
    return shown, links["list"]
