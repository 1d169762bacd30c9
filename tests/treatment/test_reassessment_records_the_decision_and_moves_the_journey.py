"""Reassessment compares baseline and current scores, suggests, and records the decision."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from kapcare.audit.models import AuditEvent
from kapcare.clinical.plans import load_templates
from kapcare.measures import services as measures
from kapcare.treatment.models import Appointment, ReassessmentRecord, TreatmentPlanRecord
from kapcare.treatment.plan_data import plan_to_json
from tests.measures.helpers import phq9_total, staff


@pytest.fixture
def jordan_after_induction(world: Any) -> Any:
    plan = TreatmentPlanRecord.objects.create(
        clinic=world.cedar,
        patient=world.jordan,
        version=1,
        status="signed",
        route="iv_racemic",
        indication="Depression",
        template_id="iv_racemic_induction",
        template_version="2026.1",
        content=plan_to_json(load_templates()["iv_racemic_induction"].plan),
        created_by=world.users["prescriber"],
        signed_by=world.users["prescriber"],
        signed_at=timezone.now(),
    )
    now = timezone.now()
    for n in range(6):
        start = now - dt.timedelta(days=20 - 3 * n)
        Appointment.objects.create(
            clinic=world.cedar,
            patient=world.jordan,
            plan=plan,
            kind="dosing",
            start=start,
            end=start + dt.timedelta(hours=3),
            created_by=world.users["nurse"],
        )
    return plan


def answer(world: Any, total: int, days_ago: int) -> None:
    measures.response_submit(
        actor=staff(world, "nurse"),
        patient=world.jordan,
        instrument="phq9",
        answers=phq9_total(total),
        on_behalf=True,
        answered_at=timezone.now() - dt.timedelta(days=days_ago),
    )


def test_a_response_suggests_maintenance_and_the_decision_moves_the_journey(
    jordan_after_induction: Any, world: Any, client_for: Any
) -> None:
    answer(world, 20, 25)
    answer(world, 8, 1)
    client = client_for("prescriber")
    url = reverse("treatment:reassessment", args=[world.jordan.pk])
    text = client.get(url).content.decode()
    assert "PHQ9" in text and "Response" in text
    assert "Suggestion: Move to maintenance" in text
    assert "6 of 6 planned dosing sessions" in text
    response = client.post(
        url,
        {
            "decision": "maintenance",
            "maintenance_spacing_days": "28",
            "reason": "Responded; monthly boosters agreed with Jordan.",
        },
    )
    assert response.status_code == 302
    saved = ReassessmentRecord.objects.get()
    assert (saved.decision, saved.suggested, saved.maintenance_spacing_days) == (
        "maintenance",
        "maintenance",
        28,
    )
    assert saved.scores == [{"instrument": "phq9", "baseline": 20.0, "current": 8.0}]
    world.jordan.refresh_from_db()
    assert world.jordan.status == "maintenance"
    assert AuditEvent.objects.filter(
        object_type="treatment.reassessmentrecord", detail__follows_suggestion=True
    ).exists()


def test_maintenance_without_spacing_is_refused_naming_the_field(
    jordan_after_induction: Any, world: Any, client_for: Any
) -> None:
    answer(world, 20, 25)
    answer(world, 8, 1)
    response = client_for("prescriber").post(
        reverse("treatment:reassessment", args=[world.jordan.pk]),
        {"decision": "maintenance", "reason": "Boosters."},
    )
    assert response.status_code == 400
    assert "maintenance_spacing_days: required for maintenance" in response.content.decode()
    assert not ReassessmentRecord.objects.exists()


def test_stopping_discontinues_with_the_reason(
    jordan_after_induction: Any, world: Any, client_for: Any
) -> None:
    answer(world, 20, 25)
    answer(world, 19, 1)
    client = client_for("prescriber")
    url = reverse("treatment:reassessment", args=[world.jordan.pk])
    assert "Suggestion: Stop treatment" in client.get(url).content.decode()
    client.post(url, {"decision": "stop", "reason": "No meaningful change after 6 infusions."})
    world.jordan.refresh_from_db()
    assert world.jordan.status == "discontinued"


def test_without_scores_the_page_says_why_there_is_no_suggestion(
    jordan_after_induction: Any, world: Any, client_for: Any
) -> None:
    text = (
        client_for("therapist")
        .get(reverse("treatment:reassessment", args=[world.jordan.pk]))
        .content.decode()
    )
    assert "No scores yet" in text and "no scores for" in text


def test_only_a_prescriber_records_the_decision(
    jordan_after_induction: Any, world: Any, client_for: Any
) -> None:
    response = client_for("therapist").post(
        reverse("treatment:reassessment", args=[world.jordan.pk]),
        {"decision": "complete", "reason": "x"},
    )
    assert response.status_code == 403
    assert not ReassessmentRecord.objects.exists()
