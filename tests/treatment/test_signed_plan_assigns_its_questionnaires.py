"""Signing hands the plan's questionnaire schedule to measurement-based care; doses expand it."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from kapcare.measures.models import Assignment
from kapcare.treatment.models import Room, TreatmentPlanRecord
from tests.treatment.conftest import draft_plan, stepped_up


def test_signing_and_booking_create_the_plan_questionnaires_once(
    ready_sam: Any, world: Any, client_for: Any
) -> None:
    before = set(Assignment.objects.filter(patient=ready_sam).values_list("pk", flat=True))
    client = stepped_up(client_for("prescriber"))
    draft_plan(client, ready_sam)
    plan = TreatmentPlanRecord.objects.get()
    client.post(reverse("treatment:plan_sign", args=[ready_sam.pk, plan.pk]))
    made = Assignment.objects.filter(patient=ready_sam).exclude(pk__in=before)
    standing = set(made.filter(due_at__isnull=True).values_list("instrument", "schedule"))
    assert standing == {
        ("phq9", "before_session"),
        ("post_session_reflection", "after_session"),
    }
    room = Room.objects.create(clinic=world.cedar, name="Willow room")
    response = client_for("nurse").post(
        reverse("treatment:plan_generate", args=[ready_sam.pk, plan.pk]),
        {"start": "2026-12-07", "room": room.pk, "staff": world.memberships["nurse"].pk},
    )
    assert response.status_code == 302
    per_dose = Assignment.objects.filter(patient=ready_sam, follows__isnull=False)
    assert per_dose.filter(schedule="before_session").count() == 6
    assert per_dose.filter(schedule="after_session").count() == 6
    end = Assignment.objects.filter(patient=ready_sam, schedule="end_of_course")
    assert set(end.values_list("instrument", flat=True)) == {"phq9", "gad7"}
    last_dose = plan.appointments.filter(kind="dosing").order_by("-start").first()
    assert all(a.due_at > last_dose.end for a in end)
