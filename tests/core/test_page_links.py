"""Links between the pages of several lists on one page (the inbox, the worklist, the tabs)."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict

from kapcare.core.paging import (
    Page,
    PagedList,
    PageLinks,
    SectionPages,
    asked_pages,
    page_links,
    paged_list,
    section_pages,
)

LISTS = {
    "open": PagedList("open_page", "open-h"),
    "closed": PagedList("closed_page", "closed-h"),
    "hidden": PagedList("hidden_page", "hidden-h"),
}


def test_a_link_keeps_the_other_lists_on_their_pages_and_other_parameters_as_they_were() -> None:
    query = QueryDict("sort=name&open_page=2&closed_page=3&hidden_page=4")
    shown = {"open": Page(2, 10, 35), "closed": Page(3, 10, 35)}
    links = page_links(query, LISTS, shown)
    assert links["open"].previous == "?sort=name&open_page=1&closed_page=3#open-h"
    assert links["open"].next == "?sort=name&open_page=3&closed_page=3#open-h"
    # a list that is not shown drops its page parameter
    assert links["closed"].next == "?sort=name&open_page=2&closed_page=4#closed-h"
    assert "hidden" not in links


def test_there_is_no_link_before_the_first_page_or_after_the_last() -> None:
    links = page_links(QueryDict(), LISTS, {"open": Page(1, 10, 10)})
    assert links["open"] == PageLinks(previous="", next="")


def test_links_carry_the_page_shown_never_the_number_asked() -> None:
    query = QueryDict("open_page=abc&closed_page=9")
    asked, problems = asked_pages(query, LISTS)
    assert asked == {"open": 1, "closed": 9, "hidden": 1}
    assert problems["open"] == "open_page: “abc” is not a page number; page 1 is shown."
    assert problems["closed"] == problems["hidden"] == ""
    shown = {"open": Page(1, 10, 35), "closed": Page(4, 10, 35)}
    links = page_links(query, LISTS, shown)
    assert links["open"].next == "?open_page=2&closed_page=4#open-h"


def test_a_page_drawn_in_answer_to_a_form_posted_elsewhere_links_to_its_own_address() -> None:
    shown = {"open": Page(1, 10, 35)}
    pages = section_pages(
        QueryDict(),
        LISTS,
        shown=shown,
        problems={"open": ""},
        notices={"open": ""},
        address="/patients/7/plan/",
    )
    assert pages == {
        "open": SectionPages(previous="", next="/patients/7/plan/?open_page=2#open-h", notice="")
    }


def test_a_page_past_the_end_says_so_naming_the_parameter() -> None:
    pages = section_pages(
        QueryDict("open_page=9"),
        LISTS,
        shown={"open": Page(4, 10, 35)},
        problems={"open": ""},
        notices={"open": "There is no page 9; page 4, the last, is shown."},
    )
    assert pages["open"].notice == "open_page: There is no page 9; page 4, the last, is shown."
    assert pages["open"].previous == "?open_page=3#open-h" and pages["open"].next == ""


def test_a_single_paged_list_gives_its_page_links_and_notice(world: Any) -> None:
    """The one call of a page holding one list: rows, links and the refused page named."""
    from kapcare.patients.models import Patient

    patients = Patient.objects.order_by("pk")
    count = patients.count()
    rows, links = paged_list(
        QueryDict("q=x&patients_page=two"), PagedList("patients_page", "p-h"), patients, size=1
    )
    assert [p.pk for p in rows.rows] == [patients.first().pk]
    assert rows.page == Page(1, 1, count)
    assert links == SectionPages(
        previous="",
        next="?q=x&patients_page=2#p-h",
        notice="patients_page: “two” is not a page number; page 1 is shown.",
    )
