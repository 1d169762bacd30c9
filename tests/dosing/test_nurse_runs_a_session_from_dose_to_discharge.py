"""From the order to discharge on the console, with a clock the test controls."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any
from unittest import mock

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from kapcare.dosing.models import DosingSession
from kapcare.measures import services as measures_services
from tests.dosing.conftest import force_state, open_session, prepared
from tests.treatment.conftest import stepped_up

pytestmark = pytest.mark.django_db
CALM = {"systolic": 126, "diastolic": 80, "heart_rate": 72, "spo2": 98, "moaas": 5}


def post(client: Any, session: Any, action: str, **data: Any) -> str:
    session.refresh_from_db()
    body = {"action": action, "version": session.version, "idempotency_key": uuid.uuid4().hex}
    body.update(data)
    url = reverse("dosing:session_action", args=[session.patient_id, session.pk])
    return client.post(url, body, follow=True).content.decode()


def dosing(world: Any, client_for: Any) -> Any:
    session = force_state(open_session(world), "ready", weight_kg=Decimal("80"))
    prescriber, nurse = client_for("prescriber"), client_for("nurse")
    page = post(prescriber, session, "order", concentration_mg_per_ml="10")
    assert "Dose ordered: 40.0 mg" in page
    assert "4.00 mL at 10.00 mg/mL" in page
    assert "I have checked this order" not in page  # never the prescriber's own
    assert "Order checked." in post(nurse, session, "check_order")
    page = post(nurse, session, "start_dose")
    assert "Dose started" in page
    assert 'id="next-vitals"' in page
    expiry = (timezone.localdate() + dt.timedelta(days=60)).isoformat()
    page = post(
        nurse,
        session,
        "administer",
        product="Ketamine 10 mg/mL",
        lot="KX-1",
        expiry=expiry,
        site="Left arm",
        dose_mg="40",
        checked_by=world.users["prescriber"].pk,
    )
    assert "Administration recorded." in page
    assert "Given: 40.00 of 40.00 mg" in page
    return session


def test_an_alert_shows_at_once_and_discharge_waits_for_the_observation_time(
    world: Any, client_for: Any
) -> None:
    session = dosing(world, client_for)
    prepared(world, session)  # the patient named Robin Lee as the escort
    nurse = client_for("nurse")
    page = post(
        nurse,
        session,
        "vitals",
        phase="dosing",
        systolic=186,
        diastolic=112,
        heart_rate=90,
        spo2=97,
        moaas=3,
    )
    assert 'role="alert"' in page
    assert "MOAA/S 3" in page
    # the confirmation is not where the alert is read: it points to the alert box
    assert "Vital signs recorded, with 2 alerts: see below." in page
    assert "so far at the ordered rate" in page  # the infusion is still running
    with time_machine.travel(dt.timedelta(minutes=30)):
        page = post(client_for("nurse"), session, "end_dose")
        assert "Dose complete" in page
        later = client_for("nurse").get(
            reverse("dosing:console", args=[session.patient_id, session.pk])
        )
    # Recovery: the infusion ran until the dose was marked complete, not until now.
    ended = later.content.decode()
    assert "Complete" in ended
    assert "until the dose was marked complete" in ended
    assert "so far at the ordered rate" not in ended
    discharge = reverse("dosing:discharge", args=[session.patient_id, session.pk])
    assert "minimum observation of 120 minutes" in nurse.get(discharge).content.decode()
    ticks = dict.fromkeys(
        ("escort_present", "no_driving_acknowledged", "steady_on_feet", "nausea_controlled"), "on"
    )
    session.refresh_from_db()
    refused = nurse.post(
        discharge, {**ticks, "version": session.version, "idempotency_key": "d1"}, follow=True
    ).content.decode()
    assert "minimum observation of 120 minutes" in refused
    assert DosingSession.objects.get(pk=session.pk).state == "recovery"
    with time_machine.travel(dt.timedelta(minutes=30 + 121)):
        nurse = client_for("nurse")  # two hours idle: the tablet signs in again
        post(nurse, session, "vitals", phase="recovery", **CALM)
        with mock.patch.object(
            measures_services,
            "session_questionnaires_create",
            wraps=measures_services.session_questionnaires_create,
        ) as next_day:
            done = nurse.post(
                discharge,
                {**ticks, "version": session.version, "idempotency_key": "d2"},
                follow=True,
            )
    assert done.redirect_chain[-1][0] == reverse(
        "dosing:summary", args=[session.patient_id, session.pk]
    )
    summary = done.content.decode()
    assert "Do not drive" in summary
    assert "Going home with</dt><dd>Robin Lee, +44 7700 900123" in summary
    assert "Print the summary" in summary
    next_day.assert_not_called()  # made once, when the appointment was booked
    assert DosingSession.objects.get(pk=session.pk).state == "discharged"


def test_a_prescriber_overrides_unmet_criteria_only_after_step_up(
    world: Any, client_for: Any
) -> None:
    session = dosing(world, client_for)
    post(client_for("nurse"), session, "end_dose")
    prescriber = client_for("prescriber")
    discharge = reverse("dosing:discharge", args=[session.patient_id, session.pk])
    session.refresh_from_db()
    data = {"version": session.version, "override_reason": "Transfer to ED", "idempotency_key": "o"}
    page = prescriber.post(discharge, data, follow=True).content.decode()
    assert "step-up" in page
    stepped_up(prescriber)
    done = prescriber.post(discharge, {**data, "idempotency_key": "o2"}, follow=True)
    page = done.content.decode()
    assert "Discharged by prescriber override" in page
    assert "Transfer to ED" in page
    fresh = DosingSession.objects.get(pk=session.pk)
    assert fresh.state == "discharged"
    assert fresh.discharge_unmet


def test_a_nurse_cannot_override(world: Any, client_for: Any) -> None:
    session = force_state(
        open_session(world), "recovery", dose_started_at=timezone.now(), recovery_at=timezone.now()
    )
    nurse = stepped_up(client_for("nurse"))
    discharge = reverse("dosing:discharge", args=[session.patient_id, session.pk])
    response = nurse.post(
        discharge, {"version": session.version, "override_reason": "x", "idempotency_key": "n"}
    )
    assert response.status_code == 403
    assert DosingSession.objects.get(pk=session.pk).state == "recovery"
