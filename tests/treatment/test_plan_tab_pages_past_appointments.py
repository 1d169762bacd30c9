"""The plan tab lists upcoming appointments in full and past ones 25 a page, latest first.

A patient in maintenance gathers an appointment or two a month for years; the tab read
every one, with its checklist, on each view.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kapcare.treatment.models import Appointment
from kapcare.treatment.views import PAST_PAGE_SIZE


def _appointment(world: Any, start: dt.datetime, **fields: Any) -> Appointment:
    return Appointment.objects.create(
        clinic=world.cedar,
        patient=world.jordan,
        kind="integration",
        start=start,
        end=start + dt.timedelta(hours=1),
        created_by=world.users["nurse"],
        **fields,
    )


def _clinic_time(world: Any, moment: dt.datetime) -> dt.datetime:
    """The tab shows times in the clinic's zone; near midnight UTC its date differs."""
    return timezone.localtime(moment, ZoneInfo(world.cedar.time_zone))


def _past(world: Any, n: int) -> list[Appointment]:
    """``n`` appointments on the ``n`` weeks before this one, the oldest first."""
    now = timezone.now().replace(microsecond=0)
    return [_appointment(world, now - dt.timedelta(weeks=n - i)) for i in range(n)]


def _tab(client: Any, **params: str) -> str:
    response = client.get(reverse("treatment:plan", args=[client.patient_pk]), params)
    assert response.status_code == 200
    return response.content.decode()


def _past_section(page: str) -> str:
    start = page.index('id="past-h"')
    return page[start : page.index("</section>", start)]


def _client(world: Any, client_for: Any) -> Any:
    client = client_for("nurse")
    client.patient_pk = world.jordan.pk
    return client


def test_past_appointments_are_paged_latest_first(world: Any, client_for: Any) -> None:
    past = _past(world, PAST_PAGE_SIZE + 3)
    upcoming = _appointment(world, timezone.now() + dt.timedelta(days=3))
    client = _client(world, client_for)
    first = _tab(client)
    listed = _past_section(first)
    assert f"Past and cancelled ({PAST_PAGE_SIZE + 3})" in listed
    assert f"{_clinic_time(world, past[-1].start):%-d %b %Y}" in listed
    assert "past_page=2#past-h" in listed
    assert f"1–{PAST_PAGE_SIZE} of {PAST_PAGE_SIZE + 3}, latest first" in listed
    assert (
        f"{_clinic_time(world, upcoming.start):%-d %b %Y}" in first
    )  # upcoming ones are all listed
    second = _past_section(_tab(client, past_page="2"))
    assert listed.count("<tr>") == PAST_PAGE_SIZE + 1  # with the heading row
    assert second.count("<tr>") == 3 + 1
    assert "past_page=" in second and "Previous" in second


def test_no_shows_and_late_cancellations_count_every_appointment_not_the_page(
    world: Any, client_for: Any
) -> None:
    _past(world, PAST_PAGE_SIZE)
    long_ago = timezone.now() - dt.timedelta(weeks=200)
    _appointment(world, long_ago, status="no_show", cancel_reason="Did not come")
    _appointment(
        world,
        long_ago + dt.timedelta(days=1),
        status="cancelled",
        late_cancellation=True,
        cancel_reason="Car broke down",
    )
    page = _tab(_client(world, client_for))
    assert "Did not come" not in page  # on the second page
    assert "No-shows: <strong>1</strong>" in page
    assert "late cancellations (less than a day ahead): <strong>1</strong>" in page


def test_a_bad_page_number_names_the_parameter(world: Any, client_for: Any) -> None:
    _past(world, 2)
    client = _client(world, client_for)
    assert "past_page: “x” is not a page number; page 1 is shown." in _tab(client, past_page="x")
    assert "past_page: There is no page 4; page 1, the last, is shown." in _tab(
        client, past_page="4"
    )


def test_the_tab_costs_the_same_queries_with_few_and_many_past_appointments(
    world: Any, client_for: Any
) -> None:
    client = _client(world, client_for)
    _tab(client)  # the first request of a sign-in does more

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            _tab(client)
        return len(captured)

    _past(world, 1)
    few = queries()
    _past(world, PAST_PAGE_SIZE * 2)
    assert queries() == few
