"""Every list on the worklist is shown one page at a time, with the exact total, at any size."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from kapcare.audit.models import AuditEvent
from kapcare.measures.selectors import OPEN_ALERTS_PAGE_SIZE, OVERDUE_PAGE_SIZE
from kapcare.patients.models import Patient
from tests.measures.helpers import assign, page_queries, phq9, phq9_total, submit

URL = "measures:worklist"


def _patients(world: Any, count: int, *, name: str, first: int = 0) -> list[Any]:
    """Patients in active treatment named ``name``000, ``name``001… Tester, from ``first``."""
    return Patient.objects.bulk_create(
        Patient(
            clinic=world.cedar,
            mrn=f"KC-{name[:2].upper()}{n:03d}",
            given_name=f"{name}{n:03d}",
            family_name="Tester",
            date_of_birth=dt.date(1980, 1, 1),
            status="active",
        )
        for n in range(first, first + count)
    )


def _overdue(world: Any, count: int, *, first: int = 0) -> list[Any]:
    """One overdue PHQ-9 each for ``count`` new patients; the first named is the longest overdue."""
    patients = _patients(world, count, name="Overdue", first=first)
    return [
        assign(world, patient=patient, due_in=-dt.timedelta(days=200 - first - n))
        for n, patient in enumerate(patients)
    ]


def _alerts(world: Any, count: int) -> list[Any]:
    """An item-9 (high priority) alert each for ``count`` new patients, the first the oldest."""
    patients = _patients(world, count, name="Alerted")
    now = timezone.now()
    for n, patient in enumerate(patients):
        when = now - dt.timedelta(hours=count - n)
        submit(world, phq9(0, 0, 0, 0, 0, 0, 0, 0, 1), patient=patient, by="nurse", when=when)
    return patients


def _section(text: str, heading: str, until: str) -> str:
    return text.split(f'id="{heading}"')[1].split(f'id="{until}"')[0]


def _overdue_names(text: str) -> list[str]:
    return re.findall(r"(Overdue\d{3}) Tester</a>", _section(text, "wl-overdue-h", "wl-track-h"))


def _alerted_names(text: str) -> list[str]:
    return re.findall(r"(Alerted\d{3}) Tester</a>", _section(text, "wl-alerts-h", "wl-overdue-h"))


def _last_listing() -> AuditEvent:
    listed = AuditEvent.objects.filter(object_type="measures.worklist").order_by("-id").first()
    assert listed is not None
    return listed


def test_a_long_overdue_list_shows_one_page_and_the_exact_total(
    world: Any, client_for: Any
) -> None:
    count = OVERDUE_PAGE_SIZE + 5
    assignments = _overdue(world, count)
    client = client_for("nurse")

    first = client.get(reverse(URL))
    text = first.content.decode()
    assert first.status_code == 200
    assert f"Overdue questionnaires ({count})" in text
    assert _overdue_names(text) == [f"Overdue{n:03d}" for n in range(OVERDUE_PAGE_SIZE)]
    assert f"1–{OVERDUE_PAGE_SIZE} of {count}, longest overdue first · page 1 of 2" in text
    assert 'href="?overdue_page=2#wl-overdue-h">Next →' in text
    assert "← Previous" not in text
    assert _last_listing().detail["overdue"] == [a.pk for a in assignments[:OVERDUE_PAGE_SIZE]]

    second = client.get(reverse(URL), {"overdue_page": 2}).content.decode()
    assert f"Overdue questionnaires ({count})" in second
    assert _overdue_names(second) == [f"Overdue{n:03d}" for n in range(OVERDUE_PAGE_SIZE, count)]
    assert 'href="?overdue_page=1#wl-overdue-h">← Previous' in second
    assert "Next →" not in second
    listed = _last_listing()
    assert listed.detail["overdue_page"] == 2
    # only the questionnaires shown are recorded as read, not the whole list
    assert listed.detail["overdue"] == [a.pk for a in assignments[OVERDUE_PAGE_SIZE:]]


@pytest.mark.parametrize("asked", ["abc", "0", "-2", "1.5"])
def test_an_overdue_page_that_is_not_a_number_shows_page_1_and_says_why(
    world: Any, client_for: Any, asked: str
) -> None:
    _overdue(world, 2)
    page = client_for("nurse").get(reverse(URL), {"overdue_page": asked})
    text = page.content.decode()
    assert page.status_code == 200
    assert f"overdue_page: “{asked}” is not a page number; page 1 is shown." in text
    assert _overdue_names(text) == ["Overdue000", "Overdue001"]


def test_an_overdue_page_past_the_end_shows_the_last_page_and_says_so(
    world: Any, client_for: Any
) -> None:
    _overdue(world, OVERDUE_PAGE_SIZE + 1)
    page = client_for("nurse").get(reverse(URL), {"overdue_page": 9})
    text = page.content.decode()
    assert page.status_code == 200
    assert "overdue_page: There is no page 9; page 2, the last, is shown." in text
    assert _overdue_names(text) == [f"Overdue{OVERDUE_PAGE_SIZE:03d}"]
    assert _last_listing().detail["overdue_page"] == 2


def test_a_long_alert_list_shows_the_most_urgent_page_first(world: Any, client_for: Any) -> None:
    # the oldest alert of all, but of lower priority: it comes after every high one
    submit(world, phq9_total(23), by="nurse", when=timezone.now() - dt.timedelta(days=30))
    _alerts(world, OPEN_ALERTS_PAGE_SIZE)
    total = OPEN_ALERTS_PAGE_SIZE + 1
    client = client_for("nurse")

    text = client.get(reverse(URL)).content.decode()
    assert f"Open safety alerts ({total})" in text
    assert _alerted_names(text) == [f"Alerted{n:03d}" for n in range(OPEN_ALERTS_PAGE_SIZE)]
    assert "Score in the most severe range" not in text
    assert 'href="?alerts_page=2#wl-alerts-h">Next →' in text

    second = client.get(reverse(URL), {"alerts_page": 2}).content.decode()
    assert f"Open safety alerts ({total})" in second
    assert _alerted_names(second) == []
    assert "Score in the most severe range" in second
    assert f"{total}–{total} of {total}, most urgent first, then oldest" in second
    listed = _last_listing()
    assert listed.detail["alerts_page"] == 2
    assert len(listed.detail["alerts"]) == 1


def test_an_alert_page_that_is_not_a_number_is_refused_by_name(world: Any, client_for: Any) -> None:
    submit(world, phq9(0, 0, 0, 0, 0, 0, 0, 0, 1))
    page = client_for("nurse").get(reverse(URL), {"alerts_page": "x"})
    text = page.content.decode()
    assert page.status_code == 200
    assert "alerts_page: “x” is not a page number; page 1 is shown." in text
    assert "Open safety alerts (1)" in text


def test_paging_one_section_keeps_the_others_on_their_page(
    world: Any, client_for: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("kapcare.measures.selectors.OPEN_ALERTS_PAGE_SIZE", 1)
    monkeypatch.setattr("kapcare.measures.selectors.OVERDUE_PAGE_SIZE", 2)
    _alerts(world, 3)
    _overdue(world, 5)
    client = client_for("nurse")

    text = client.get(reverse(URL), {"alerts_page": 2, "overdue_page": 2}).content.decode()
    assert _alerted_names(text) == ["Alerted001"]
    assert _overdue_names(text) == ["Overdue002", "Overdue003"]
    assert 'href="?alerts_page=2&amp;overdue_page=3#wl-overdue-h">Next →' in text
    assert 'href="?alerts_page=2&amp;overdue_page=1#wl-overdue-h">← Previous' in text
    assert 'href="?alerts_page=3&amp;overdue_page=2#wl-alerts-h">Next →' in text

    # a refused page number is not carried into the other sections' links
    refused = client.get(reverse(URL), {"alerts_page": "abc", "overdue_page": 2}).content.decode()
    assert "alerts_page: “abc” is not a page number" in refused
    assert 'href="?overdue_page=3#wl-overdue-h">Next →' in refused
    assert 'href="?alerts_page=2&amp;overdue_page=2#wl-alerts-h">Next →' in refused
    page_links = re.findall(r'href="(\?[^"]*)"', refused)
    assert len(page_links) == 3  # alerts: next; overdue: previous and next
    assert not any("abc" in link for link in page_links)


def test_a_long_overdue_list_costs_the_same_queries_as_a_short_one(
    world: Any, client_for: Any
) -> None:
    client = client_for("therapist")
    _overdue(world, 2)
    submit(world, phq9(0, 0, 0, 0, 0, 0, 0, 0, 1))
    few = page_queries(client, reverse(URL))
    _overdue(world, 58, first=2)
    _alerts(world, 3)
    many = page_queries(client, reverse(URL))
    page = client.get(reverse(URL)).content.decode()
    assert "Overdue questionnaires (60)" in page
    assert "Open safety alerts (4)" in page
    assert len(_overdue_names(page)) == OVERDUE_PAGE_SIZE
    assert many == few, f"{few} queries for 2 overdue questionnaires, {many} for 60"
