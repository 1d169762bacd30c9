"""A tablet runs a whole dosing session through the API, from opening it to discharge."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from kapcare.dosing.models import Administration, DosingSession, VitalsReading
from tests.dosing.api.helpers import act, session_url, token_client, write
from tests.dosing.conftest import dosing_appointment, open_session, prepared, signed_plan
from tests.treatment.conftest import stepped_up

pytestmark = pytest.mark.django_db
CALM = {"systolic": 126, "diastolic": 80, "heart_rate": 72, "spo2": 98, "moaas": 5}
BEDSIDE = dict.fromkeys(
    ("escort_present", "no_driving_acknowledged", "steady_on_feet", "nausea_controlled"), True
)


def test_every_step_of_a_session_is_an_api_call(
    world: Any, client_for: Any, ready_sam: Any
) -> None:
    appointment = dosing_appointment(world, ready_sam, signed_plan(world, ready_sam))
    nurse = token_client(world, "nurse")
    prescriber = stepped_up(client_for("prescriber"))

    opened = write(nurse, f"/api/v1/patients/{ready_sam.pk}/appointments/{appointment.pk}/session")
    assert opened.status_code == 200, opened.content
    assert (opened.json()["state"], opened.json()["version"]) == ("scheduled", 1)
    session = DosingSession.objects.get(pk=opened.json()["id"])

    checked_in = act(nurse, session, "check-in")
    assert checked_in.status_code == 200 and checked_in.json()["state"] == "checked_in"
    prepared(world, session)
    assert act(nurse, session, "weight", weight_kg="80").json()["weight_kg"] == "80.0"
    waived = act(nurse, session, "questionnaire-waiver", reason="Answered on paper")
    assert waived.json()["questionnaire_waiver"] == "Answered on paper"

    high = write(
        nurse,
        session_url(session, "vitals"),
        {"phase": "pre_dose", "systolic": 150, "diastolic": 95, "heart_rate": 88, "spo2": 98},
    )
    assert high.status_code == 201, high.content
    assert high.json()["alerts"], "a high pre-dose blood pressure is an alert"
    detail = nurse.get(session_url(session)).json()
    assert detail["gate_missing"] == ["vitals"]
    assert detail["open_alerts"] == high.json()["alerts"]
    assert detail["latest_vitals"]["id"] == high.json()["id"]

    accepted = act(prescriber, session, "pre-dose-vitals-acceptance", reason="Anxious; repeat")
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["bp_accepted_reading_id"] == high.json()["id"]
    assert nurse.get(session_url(session)).json()["gate_open"] is True
    assert act(nurse, session, "ready").json()["state"] == "ready"

    ordered = write(prescriber, session_url(session, "orders"), {"concentration_mg_per_ml": "10"})
    assert ordered.status_code == 201, ordered.json()["errors"]
    order = ordered.json()
    assert order["checked_at"] is None and Decimal(order["dose_mg"]) > 0
    checked = write(nurse, session_url(session, f"orders/{order['id']}/check"))
    assert checked.status_code == 200 and checked.json()["checked_by_id"] == world.users["nurse"].pk
    assert act(nurse, session, "start-dose").json()["state"] == "dosing"

    expiry = (timezone.localdate() + dt.timedelta(days=60)).isoformat()
    given = write(
        nurse,
        session_url(session, "administrations"),
        {
            "checked_by_id": world.users["prescriber"].pk,
            "product": "Ketamine 10 mg/mL",
            "lot": "KX-1",
            "expiry": expiry,
            "site": "Left arm",
            "dose_mg": order["dose_mg"],
        },
    )
    assert given.status_code == 201, given.content
    assert given.json()["lot"] == "KX-1" and given.json()["order_id"] == order["id"]
    during = write(nurse, session_url(session, "vitals"), {"phase": "dosing", **CALM})
    assert during.status_code == 201 and during.json()["alerts"] == []
    assert act(nurse, session, "end-dose").json()["state"] == "recovery"

    recovering = nurse.get(session_url(session)).json()
    assert recovering["discharge"]["ready"] is False
    assert recovering["discharge"]["minutes_remaining"] > 0
    assert Decimal(recovering["given_mg"]) == Decimal(order["dose_mg"])
    assert [a["id"] for a in recovering["administrations"]] == [given.json()["id"]]
    early = act(nurse, session, "discharge", **BEDSIDE)
    assert early.status_code == 422 and "minimum observation" in early.content.decode()

    with time_machine.travel(dt.timedelta(minutes=121)):
        assert (
            write(nurse, session_url(session, "vitals"), {"phase": "recovery", **CALM}).status_code
            == 201
        )
        done = act(nurse, session, "discharge", **BEDSIDE)
    assert done.status_code == 200, done.content
    assert done.json()["state"] == "discharged" and done.json()["discharge_unmet"] == []

    listed = nurse.get(f"/api/v1/patients/{ready_sam.pk}/sessions").json()
    assert (listed["count"], listed["items"][0]["state"]) == (1, "discharged")
    assert VitalsReading.objects.filter(session=session).count() == 3
    assert Administration.objects.filter(session=session).count() == 1


def test_a_session_is_aborted_with_its_reason(world: Any) -> None:
    session = open_session(world)
    nurse = token_client(world, "nurse")
    aborted = act(nurse, session, "abort", reason="Patient unwell on arrival")
    assert aborted.status_code == 200, aborted.content
    assert aborted.json()["state"] == "aborted"
    assert aborted.json()["abort_reason"] == "Patient unwell on arrival"


def test_check_in_records_the_weight_given_with_it(world: Any) -> None:
    session = open_session(world)
    checked_in = act(token_client(world, "nurse"), session, "check-in", weight_kg="80")
    assert checked_in.json()["weight_kg"] == "80.0"
    assert DosingSession.objects.get(pk=session.pk).weight_kg == Decimal("80.0")
