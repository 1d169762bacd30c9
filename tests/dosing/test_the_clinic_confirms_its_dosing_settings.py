"""Dosing settings: local choices shown as such until an admin or prescriber confirms them."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from kapcare.audit.models import AuditEvent
from kapcare.dosing.clinic_settings import settings_for, unconfirmed
from kapcare.dosing.models import DosingSettings, VitalsReading
from kapcare.dosing.services import discharge_assessment, vitals_record
from tests.dosing.conftest import actor_of, force_state, open_session

pytestmark = pytest.mark.django_db
URL = reverse("dosing:settings")


def current(**changes: Any) -> dict[str, Any]:
    """The settings form as drawn, with some values changed."""
    chosen = DosingSettings(clinic_id=0)
    values: dict[str, Any] = {
        "spo2_warn_below": chosen.spo2_warn_below,
        "spo2_block_below": chosen.spo2_block_below,
        "heart_rate_warn_below": 50,
        "heart_rate_block_below": 40,
        "heart_rate_warn_above": 120,
        "heart_rate_block_above": 150,
        "respiratory_rate_warn_below": 10,
        "respiratory_rate_block_below": 8,
        "respiratory_rate_warn_above": 24,
        "respiratory_rate_block_above": 30,
        "racemic_min_observation_minutes": 120,
        "require_moaas_5": "on",
        "dissociation_alert_at": "severe",
        "rems_form_due_days": 7,
    }
    values.update(changes)
    return {k: v for k, v in values.items() if v is not None}


def test_every_default_shows_as_a_local_choice_to_confirm(world: Any, client_for: Any) -> None:
    page = client_for("admin").get(URL).content.decode()
    assert page.count("Local choice — confirm") == 14
    assert "Dosing settings" in client_for("admin").get(reverse("clinic_setup")).content.decode()


def test_a_prescriber_confirms_a_value_and_the_page_says_who(world: Any, client_for: Any) -> None:
    response = client_for("prescriber").post(URL, {**current(), "confirm": ["spo2_warn_below"]})
    assert response.status_code == 302
    chosen = settings_for(world.cedar)
    assert "SpO2: warn below" not in unconfirmed(chosen)
    page = client_for("admin").get(URL).content.decode()
    assert page.count("Local choice — confirm") == 13
    assert f"by {world.users['prescriber'].full_name}" in page
    event = AuditEvent.objects.get(object_type="dosing.dosingsettings", action="update")
    assert event.detail["confirmed"] == ["spo2_warn_below"]


def test_a_change_needs_a_reason_and_counts_as_confirmed_by_whoever_chose_it(
    world: Any, client_for: Any
) -> None:
    admin = client_for("admin")
    refused = admin.post(URL, current(spo2_warn_below=92))
    assert refused.status_code == 400
    assert "Say why the settings change." in refused.content.decode()
    assert not DosingSettings.objects.exists()
    admin.post(URL, {**current(spo2_warn_below=92), "reason": "Our anaesthetist's protocol"})
    chosen = settings_for(world.cedar)
    assert chosen.spo2_warn_below == 92 and chosen.version == 1
    assert "SpO2: warn below" not in unconfirmed(chosen)
    event = AuditEvent.objects.get(object_type="dosing.dosingsettings", action="update")
    assert event.detail["changed"] == {"spo2_warn_below": ["94", "92"]}
    assert event.detail["reason"] == "Our anaesthetist's protocol"


def test_an_impossible_combination_is_refused_naming_the_fields(
    world: Any, client_for: Any
) -> None:
    page = client_for("admin").post(
        URL, {**current(spo2_block_below=96, rems_form_due_days=0), "reason": "x"}
    )
    assert page.status_code == 400
    text = page.content.decode()
    assert "Enter a number from 1 to 60." in text
    page = client_for("admin").post(URL, {**current(spo2_block_below=96), "reason": "x"})
    assert "SpO2: act now below: 96 must not be above spo2_warn_below (94)" in page.content.decode()


def test_nurses_and_therapists_may_not_change_settings(world: Any, client_for: Any) -> None:
    assert client_for("nurse").get(URL).status_code == 403
    assert client_for("therapist").post(URL, current()).status_code == 403


def test_the_clinics_thresholds_are_used_for_readings_and_discharge(
    world: Any, client_for: Any
) -> None:
    client_for("admin").post(
        URL,
        {
            **current(spo2_warn_below=97, racemic_min_observation_minutes=60, require_moaas_5=None),
            "reason": "Local protocol",
        },
    )
    session = open_session(world)
    force_state(session, "checked_in")
    reading: VitalsReading = vitals_record(
        actor=actor_of(world, "nurse"),
        session=session,
        phase="pre_dose",
        systolic=120,
        diastolic=80,
        heart_rate=70,
        spo2=96,
    )
    assert [f["rule_id"] for f in reading.findings] == ["vitals.spo2_low"]
    assert "below 97%" in reading.findings[0]["message"]
    console = client_for("nurse").get(reverse("dosing:console", args=[world.jordan.pk, session.pk]))
    assert "SpO2 96% is below 97%" in console.content.decode()
    result = discharge_assessment(
        session,
        escort_present=True,
        no_driving_acknowledged=True,
        steady_on_feet=True,
        nausea_controlled=True,
    )
    assert result.min_observation_minutes == 60


def test_another_clinics_settings_are_its_own(world: Any, client_for: Any) -> None:
    client_for("admin").post(URL, {**current(spo2_warn_below=92), "reason": "Ours"})
    assert settings_for(world.cedar).spo2_warn_below == 92
    page = client_for("other").get(URL)
    assert page.status_code == 403  # a therapist elsewhere may not change settings at all
