"""A prescriber edits the preparation checklist for a route; new sessions use it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone

from kapcare.clinical.plans import load_templates
from kapcare.treatment.models import Appointment, ClinicSchedule, TreatmentPlanRecord
from kapcare.treatment.plan_data import plan_to_json
from kapcare.treatment.preparation import DEFAULT_ITEMS, checklist_create

URL = "treatment:preparation_templates"


def form_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"route": "im_racemic", "extra": ""}
    for item in DEFAULT_ITEMS:
        data[f"label_{item['key']}"] = item["label"]
        if item["critical"]:
            data[f"critical_{item['key']}"] = "on"
    data.update(changes)
    return data


def test_a_clinic_checklist_is_used_for_new_sessions_on_that_route(
    world: Any, client_for: Any
) -> None:
    ClinicSchedule.objects.create(clinic=world.cedar, fasting_hours=6)
    response = client_for("prescriber").post(
        reverse(URL),
        form_data(
            label_set_setting="Bring a blanket and your own playlist.",
            extra="Empty your bladder before the session",
        ),
    )
    assert response.status_code == 302
    plan = TreatmentPlanRecord.objects.create(
        clinic=world.cedar,
        patient=world.jordan,
        version=1,
        status="signed",
        route="im_racemic",
        indication="x",
        template_id="im_kap_titration",
        template_version="2026.1",
        content=plan_to_json(load_templates()["im_kap_titration"].plan),
        created_by=world.users["prescriber"],
    )
    start = timezone.now() + dt.timedelta(days=3)
    appointment = Appointment.objects.create(
        clinic=world.cedar,
        patient=world.jordan,
        plan=plan,
        kind="dosing",
        start=start,
        end=start + dt.timedelta(hours=3),
        created_by=world.users["nurse"],
    )
    labels = [i.label for i in checklist_create(appointment).items.all()]
    assert labels[0] == "No food for 6 hours before the session."
    assert "Bring a blanket and your own playlist." in labels
    assert labels[-1] == "Empty your bladder before the session"


def test_the_fasting_placeholder_must_stay(world: Any, client_for: Any) -> None:
    response = client_for("prescriber").post(
        reverse(URL), form_data(label_fasting="No food before the session.")
    )
    assert response.status_code == 400
    assert "Keep {fasting_hours}" in response.content.decode()
