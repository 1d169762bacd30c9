"""Demo data for treatment plans and scheduling: added to the demo clinic by `kapcare demo`.

Signed plans on each route, two rooms, a week of appointments from today and
three preparation states (complete, missing escort, missing intention).
Safe to run twice: nothing is added for a patient who already has a plan.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from kapcare.accounts.actors import Actor
from kapcare.accounts.models import Clinic, Membership
from kapcare.clinical.plans import load_templates
from kapcare.clinical.scheduling import default_duration_minutes
from kapcare.patients.models import Patient
from kapcare.treatment.booking import appointment_book
from kapcare.treatment.models import (
    ChecklistItem,
    ClinicSchedule,
    PlanStatus,
    PreparationChecklist,
    Room,
    TreatmentPlanRecord,
)
from kapcare.treatment.plan_data import plan_to_json
from kapcare.treatment.services import findings_json

CEDAR_GROVE = "Cedar Grove Ketamine Clinic"

#: MRN -> (template, dosing hour, room, nurse at the dose, integration hour, preparation state)
COURSES = {
    "KC-1001": ("iv_racemic_induction", 8, "Willow room", True, 12, "complete"),
    "KC-1003": ("im_kap_titration", 9, "Aspen room", False, 13, "missing_escort"),
    "KC-1011": ("sublingual_kap", 13, "Willow room", True, 15, "missing_intention"),
    "KC-1014": ("esketamine_label_induction", 13, "Aspen room", False, 16, "not_started"),
}
ROOMS = {
    "Willow room": "Infusion chair, IV pump, BP and pulse-oximetry monitor",
    "Aspen room": "Recliner, BP monitor, eye masks and headphones",
}


def _staff(clinic: Clinic, email: str) -> Actor:
    membership = Membership.objects.select_related("user").get(clinic=clinic, user__email=email)
    return Actor(user=membership.user, clinic=clinic, role=membership.role, membership=membership)


def _open_days(start: dt.date, count: int) -> list[dt.date]:
    days: list[dt.date] = []
    day = start
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


@transaction.atomic
def seed() -> None:
    clinic = Clinic.objects.filter(name=CEDAR_GROVE).first()
    if clinic is None:
        return
    ClinicSchedule.objects.get_or_create(
        clinic=clinic,
        defaults={"open_weekdays": [0, 1, 2, 3, 4], "reminder_hours": [48, 24]},
    )
    rooms = {
        name: Room.objects.get_or_create(
            clinic=clinic, name=name, defaults={"equipment_notes": notes}
        )[0]
        for name, notes in ROOMS.items()
    }
    prescriber = _staff(clinic, "prescriber@example.com")
    nurse = _staff(clinic, "nurse@example.com")
    therapist = _staff(clinic, "therapist@example.com")
    patients = {p.mrn: p for p in Patient.objects.filter(clinic=clinic, mrn__in=COURSES)}
    zone = ZoneInfo(clinic.time_zone)
    today = timezone.now().astimezone(zone).date()
    week = _open_days(today + dt.timedelta(days=1), 5)
    templates = load_templates()
    for mrn, (template_id, hour, room_name, with_nurse, later, state) in COURSES.items():
        patient = patients.get(mrn)
        if patient is None or TreatmentPlanRecord.objects.filter(patient=patient).exists():
            continue
        template = templates[template_id]
        plan = TreatmentPlanRecord.objects.create(
            clinic=clinic,
            patient=patient,
            version=1,
            status=PlanStatus.SIGNED,
            route=template.route.value,
            indication=template.plan.indication,
            template_id=template.id,
            template_version=template.version,
            content=plan_to_json(template.plan),
            findings=findings_json(template.findings),
            created_by=prescriber.user,
            signed_by=prescriber.user,
            signed_at=timezone.now() - dt.timedelta(days=10),
        )
        minutes = default_duration_minutes("dosing", template.route)
        # two doses this week, each followed by integration the next open day
        for number, day in enumerate(week[::3][:2], start=1):
            start = dt.datetime.combine(day, dt.time(hour), tzinfo=zone)
            dose = appointment_book(
                actor=nurse,
                patient=patient,
                kind="dosing",
                start=start,
                end=start + dt.timedelta(minutes=minutes),
                staff=nurse.membership if with_nurse else None,
                room=rooms[room_name],
                plan=plan,
                dose_number=number,
            )
            follow = dt.datetime.combine(
                _open_days(day + dt.timedelta(days=1), 1)[0], dt.time(later), tzinfo=zone
            )
            appointment_book(
                actor=nurse,
                patient=patient,
                kind="integration",
                start=follow,
                end=follow + dt.timedelta(minutes=60),
                staff=therapist.membership,
                plan=plan,
                dose_number=number,
            )
            if number == 1:
                _prepare(dose.checklist, patient.user or nurse.user, state)


def _prepare(checklist: PreparationChecklist, by: Any, state: str) -> None:
    """Set a preparation state directly (the patient in the portal, or the nurse by phone)."""
    if state == "not_started":
        return
    now = timezone.now()
    skip = {"missing_escort": {"escort"}, "missing_intention": {"intention"}}.get(state, set())
    PreparationChecklist.objects.filter(pk=checklist.pk).update(
        escort_name="" if "escort" in skip else "Casey Rivera",
        escort_phone="" if "escort" in skip else "555-0100",
        intention="" if "intention" in skip else "To meet my grief with curiosity, not fear.",
    )
    ChecklistItem.objects.filter(checklist=checklist).exclude(key__in=skip).update(
        confirmed_by=by, confirmed_at=now
    )
