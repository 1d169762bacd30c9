"""Pause, resume and stop an infusion with a reason; a stop records the dose actually given."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from kapcare.dosing.models import Administration, InfusionEvent
from tests.dosing.record_helpers import console, post, running

pytestmark = pytest.mark.django_db


def test_a_nurse_pauses_resumes_and_stops_early_and_the_dose_is_rate_times_minutes(
    world: Any, client_for: Any
) -> None:
    session = running(world, minutes_ago=20)  # 40 mg over 40 min: 60 mg/h
    given = Administration.objects.get(session=session)
    nurse = client_for("nurse")
    ref = {"administration": str(given.pk)}
    assert (
        "Infusion paused."
        in post(
            nurse, session, "infusion_pause", reason="Patient asked for a break", **ref
        ).content.decode()
    )
    assert (
        "cannot be paused"
        in post(nurse, session, "infusion_pause", reason="again", **ref).content.decode()
    )
    assert (
        "Infusion resumed."
        in post(nurse, session, "infusion_resume", reason="Ready to go on", **ref).content.decode()
    )
    page = post(nurse, session, "infusion_stop", reason="Severe nausea", **ref).content.decode()
    assert "Infusion stopped: 20.0" in page  # about 20 minutes ran at 60 mg/h
    stop = InfusionEvent.objects.get(kind="stop")
    assert stop.calculated_mg == stop.given_mg == Decimal("20.0")
    assert stop.reason == "Severe nausea"
    assert "Given: 20.0" in console(nurse, session).content.decode()
    assert list(InfusionEvent.objects.values_list("kind", flat=True)) == ["pause", "resume", "stop"]


def test_a_different_dose_at_the_stop_needs_a_reason(world: Any, client_for: Any) -> None:
    session = running(world, minutes_ago=20)
    given = Administration.objects.get(session=session)
    nurse = client_for("nurse")
    ref = {"administration": str(given.pk)}
    page = post(
        nurse, session, "infusion_stop", reason="Hypertension", given_mg="15", **ref
    ).content.decode()
    assert "given_reason: The calculation says 20.0 mg; say why 15.00 mg differs." in page
    assert not InfusionEvent.objects.exists()
    page = post(
        nurse,
        session,
        "infusion_stop",
        reason="Hypertension",
        given_mg="15",
        given_reason="Pump showed 15 mg delivered",
        **ref,
    ).content.decode()
    assert "Infusion stopped: 15.00 mg given." in page
    assert "Pump showed 15 mg delivered" in page


def test_a_stop_needs_a_reason_and_is_recorded_only_once(world: Any, client_for: Any) -> None:
    session = running(world)
    given = Administration.objects.get(session=session)
    nurse = client_for("nurse")
    ref = {"administration": str(given.pk)}
    assert (
        "reason: Say why."
        in post(nurse, session, "infusion_stop", reason="", **ref).content.decode()
    )
    post(nurse, session, "infusion_stop", reason="Anxious", **ref)
    again = post(nurse, session, "infusion_stop", reason="Anxious again", **ref).content.decode()
    assert "is stopped: it cannot be stopped" in again
    assert InfusionEvent.objects.filter(kind="stop").count() == 1


def test_an_esketamine_device_is_not_paused_and_the_console_counts_down_to_the_next(
    world: Any, client_for: Any
) -> None:
    session = running(world, template="esketamine_label_induction", minutes_ago=2)
    given = Administration.objects.get(session=session)
    nurse = client_for("nurse")
    page = post(
        nurse, session, "infusion_stop", reason="x", administration=str(given.pk)
    ).content.decode()
    assert "Only IV and IM administrations" in page
    shown = console(nurse, session).content.decode()
    assert 'data-countdown-to="' in shown
    assert "kapcare/countdown.js" in shown
    assert "<script>" not in shown  # no inline script: the countdown is a static file
