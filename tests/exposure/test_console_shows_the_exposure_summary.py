"""The dosing console shows the patient's exposure and any bladder flag before dosing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from kapcare.clinical import bladder_check
from kapcare.exposure import services
from kapcare.exposure.models import ExposureSettings
from tests.dosing.conftest import actor_of
from tests.exposure.conftest import course, dosed


def test_the_console_shows_totals_and_an_unreviewed_symptom(world: Any, client_for: Any) -> None:
    plan = course(world, days_ago=30)
    dosed(world, plan, days_ago=3, doses=("45",))
    session = dosed(world, plan, days_ago=0.05, doses=("5",), state="scheduled")
    services.bladder_check_record(
        actor=actor_of(world, "nurse"),
        patient=world.jordan,
        answers={k: k == "urgency" for k in bladder_check.KEYS},
    )
    page = (
        client_for("nurse")
        .get(f"/patients/{world.jordan.pk}/sessions/{session.pk}/")
        .content.decode()
    )
    assert 'id="exposure-summary"' in page
    assert "Last 7 days <strong>50 mg</strong>" in page
    assert "Bladder symptoms reported" in page


def test_the_console_counts_sessions_from_the_latest_bladder_check(
    world: Any, client_for: Any
) -> None:
    ExposureSettings.objects.create(clinic=world.cedar, bladder_check_every_sessions=2)
    plan = course(world, days_ago=60)
    first, *_ = [dosed(world, plan, days_ago=days) for days in (40, 30, 20)]
    console = f"/patients/{world.jordan.pk}/sessions/{first.pk}/"
    nurse = client_for("nurse")

    def check(days_ago: int) -> None:
        services.bladder_check_record(
            actor=actor_of(world, "nurse"),
            patient=world.jordan,
            answers=dict.fromkeys(bladder_check.KEYS, False),
            checked_at=timezone.now() - dt.timedelta(days=days_ago),
        )

    check(50)  # before all three sessions: a session went ahead while the check was due
    assert "Overdue: 3 dosing sessions since the last check" in nurse.get(console).content.decode()
    check(25)  # the latest check: one session since, the next is not yet due
    page = nurse.get(console).content.decode()
    assert "Bladder check overdue" not in page
    assert "Bladder check due" not in page
