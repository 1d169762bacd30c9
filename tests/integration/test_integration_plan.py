"""The therapist assigns practices; the patient ticks them off and sees weeks of progress."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kapcare.integration.models import Practice, PracticeCheck
from kapcare.integration.progress import weekly_progress
from tests.integration.helpers import assign


def test_the_library_holds_our_defaults_in_every_category(world: Any) -> None:
    categories = set(Practice.objects.filter(clinic=None).values_list("category", flat=True))
    assert categories == {"mindfulness", "creative", "movement", "nature", "self_care"}


def test_the_therapist_assigns_a_practice_from_the_chart(world: Any, client_for: Any) -> None:
    practice = Practice.objects.get(clinic=None, name="Time outdoors")
    response = client_for("therapist").post(
        f"/patients/{world.jordan.pk}/integration/plan/",
        {"practice": practice.pk, "frequency": "few_times", "note": "At lunch"},
    )
    assert response.status_code == 302
    assert world.jordan.plan_items.get().frequency == "few_times"


def test_a_missing_frequency_is_named(world: Any, client_for: Any) -> None:
    practice = Practice.objects.get(clinic=None, name="Time outdoors")
    response = client_for("therapist").post(
        f"/patients/{world.jordan.pk}/integration/plan/", {"practice": practice.pk}
    )
    assert response.status_code == 400
    assert "How often: This field is required." in response.content.decode()


def test_another_clinics_practice_cannot_be_assigned(world: Any, client_for: Any) -> None:
    theirs = Practice.objects.create(clinic=world.harbor, category="nature", name="Harbor walk")
    response = client_for("therapist").post(
        f"/patients/{world.jordan.pk}/integration/plan/",
        {"practice": theirs.pk, "frequency": "daily"},
    )
    assert response.status_code == 400
    assert not world.jordan.plan_items.exists()


def test_the_patient_ticks_off_today_once_and_can_undo(world: Any, client_for: Any) -> None:
    item = assign(world)
    client = client_for("patient")
    url = f"/portal/practices/{item.pk}/check/"
    client.post(url, {"done": "1"})
    client.post(url, {"done": "1"})
    assert PracticeCheck.objects.filter(item=item).count() == 1
    assert "Done today." in client.get("/portal/practices/").content.decode()
    client.post(url, {"done": "0"})
    assert not PracticeCheck.objects.exists()


def test_a_day_outside_the_last_week_is_refused(world: Any, client_for: Any) -> None:
    item = assign(world)
    old = timezone.localdate() - dt.timedelta(days=10)
    client_for("patient").post(
        f"/portal/practices/{item.pk}/check/", {"day": old.isoformat(), "done": "1"}
    )
    assert not PracticeCheck.objects.exists()


def test_another_patient_cannot_tick_jordans_practice(world: Any, client_for: Any) -> None:
    item = assign(world)
    response = client_for("patient2").post(f"/portal/practices/{item.pk}/check/", {"done": "1"})
    assert response.status_code == 404


def test_an_ended_practice_leaves_the_plan(world: Any, client_for: Any) -> None:
    item = assign(world)
    client_for("therapist").post(f"/patients/{world.jordan.pk}/integration/plan/{item.pk}/end/")
    assert (
        "Mindful breathing" not in client_for("patient").get("/portal/practices/").content.decode()
    )


def test_weekly_progress_counts_checks_per_monday_week() -> None:
    today = dt.date(2026, 11, 25)  # a Wednesday
    done = [
        dt.date(2026, 11, 23),
        dt.date(2026, 11, 24),
        dt.date(2026, 11, 17),
        dt.date(2026, 1, 1),
    ]
    cells = weekly_progress(done, 3, today, weeks=3)
    assert [c.week_start for c in cells] == [
        dt.date(2026, 11, 9),
        dt.date(2026, 11, 16),
        dt.date(2026, 11, 23),
    ]
    assert [c.done for c in cells] == [0, 1, 2]
    assert not cells[-1].met
    joined = weekly_progress(done, 3, today, weeks=3, since=dt.date(2026, 11, 18))
    assert [c.planned for c in joined] == [False, True, True]


def test_the_plan_pages_cost_a_constant_number_of_queries(world: Any, client_for: Any) -> None:
    patient, therapist = client_for("patient"), client_for("therapist")
    chart = f"/patients/{world.jordan.pk}/integration/"
    first = assign(world)
    PracticeCheck.objects.create(item=first, done_on=timezone.localdate())
    patient.get("/portal/practices/")
    therapist.get(chart)
    with CaptureQueriesContext(connection) as small_portal:
        patient.get("/portal/practices/")
    with CaptureQueriesContext(connection) as small_chart:
        therapist.get(chart)
    for name in ("Body scan", "Music", "Exercise", "Time outdoors"):
        item = assign(world, name)
        for n in range(5):
            PracticeCheck.objects.create(
                item=item, done_on=timezone.localdate() - dt.timedelta(days=n * 3)
            )
    with CaptureQueriesContext(connection) as large_portal:
        patient.get("/portal/practices/")
    with CaptureQueriesContext(connection) as large_chart:
        therapist.get(chart)
    assert len(large_portal) == len(small_portal)
    assert len(large_chart) == len(small_chart)
