"""The Sessions tab lists dosing appointments 25 a page, latest first.

Maintenance goes on for years, one or two dosing appointments a month; the tab listed
every one on each view.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kapcare.dosing.views import SESSIONS_PAGE_SIZE
from kapcare.treatment.models import Appointment

pytestmark = pytest.mark.django_db


def _dosing(world: Any, n: int, weeks_back: int = 0) -> list[Appointment]:
    """``n`` dosing appointments a week apart, the oldest first."""
    now = timezone.now().replace(microsecond=0) - dt.timedelta(weeks=weeks_back)
    made = []
    for i in range(n):
        start = now - dt.timedelta(weeks=n - i)
        made.append(
            Appointment.objects.create(
                clinic=world.cedar,
                patient=world.jordan,
                kind="dosing",
                dose_number=i + 1,
                start=start,
                end=start + dt.timedelta(hours=2),
                created_by=world.users["nurse"],
            )
        )
    return made


def _clinic_time(world: Any, moment: dt.datetime) -> dt.datetime:
    """The tab shows times in the clinic's zone; near midnight UTC its date differs."""
    return timezone.localtime(moment, ZoneInfo(world.cedar.time_zone))


def _tab(client: Any, world: Any, **params: str) -> str:
    response = client.get(reverse("dosing:sessions", args=[world.jordan.pk]), params)
    assert response.status_code == 200
    return response.content.decode()


def test_dosing_appointments_are_listed_25_a_page_latest_first(world: Any, client_for: Any) -> None:
    made = _dosing(world, SESSIONS_PAGE_SIZE + 2)
    nurse = client_for("nurse")
    first = _tab(nurse, world)
    assert f"Dosing sessions ({SESSIONS_PAGE_SIZE + 2})" in first
    assert first.count("<tr>") == SESSIONS_PAGE_SIZE + 1  # with the heading row
    assert f"{_clinic_time(world, made[-1].start):%a %-d %b %Y}" in first
    assert "sessions_page=2#sessions-h" in first
    second = _tab(nurse, world, sessions_page="2")
    assert second.count("<tr>") == 2 + 1
    assert f"{_clinic_time(world, made[0].start):%a %-d %b %Y}" in second


def test_a_bad_page_number_names_the_parameter(world: Any, client_for: Any) -> None:
    _dosing(world, 1)
    nurse = client_for("nurse")
    assert "sessions_page: “-1” is not a page number; page 1 is shown." in _tab(
        nurse, world, sessions_page="-1"
    )
    assert "sessions_page: There is no page 3; page 1, the last, is shown." in _tab(
        nurse, world, sessions_page="3"
    )


def test_the_tab_costs_the_same_queries_with_few_and_many_appointments(
    world: Any, client_for: Any
) -> None:
    nurse = client_for("nurse")
    _tab(nurse, world)  # the first request of a sign-in does more

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            _tab(nurse, world)
        return len(captured)

    _dosing(world, 1)
    few = queries()
    _dosing(world, SESSIONS_PAGE_SIZE * 2, weeks_back=2)
    assert queries() == few
