"""Reads for plans and the calendar, with what the pages need preloaded."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from kapcare.accounts.models import Clinic
from kapcare.patients.models import Patient
from kapcare.treatment.models import (
    Appointment,
    AppointmentStatus,
    PlanStatus,
    PreparationNote,
    TreatmentPlanRecord,
)


def plans_of(patient: Patient) -> list[TreatmentPlanRecord]:
    """Every version, newest first (discarded drafts included, marked as such)."""
    return list(
        TreatmentPlanRecord.objects.filter(patient=patient)
        .select_related("created_by", "signed_by")
        .order_by("-version")
    )


def current_plan(plans: list[TreatmentPlanRecord]) -> TreatmentPlanRecord | None:
    return next((p for p in plans if p.status == PlanStatus.SIGNED), None)


def appointments_of(patient: Patient) -> QuerySet[Appointment]:
    return (
        Appointment.objects.filter(patient=patient)
        .select_related("room", "staff__user", "checklist")
        .prefetch_related("checklist__items")
        .order_by("start")
    )


def preparation_notes_of(patient: Patient) -> QuerySet[PreparationNote]:
    return PreparationNote.objects.filter(patient=patient).select_related("author")


def upcoming_of(patient: Patient, now: dt.datetime) -> QuerySet[Appointment]:
    return appointments_of(patient).filter(end__gte=now, status=AppointmentStatus.BOOKED)


def calendar_appointments(
    clinic: Clinic, start: dt.datetime, end: dt.datetime
) -> QuerySet[Appointment]:
    """Booked and past appointments overlapping [start, end) in the clinic."""
    return (
        Appointment.objects.filter(clinic=clinic, start__lt=end, end__gt=start)
        .exclude(status=AppointmentStatus.CANCELLED)
        .select_related("patient", "room", "staff__user")
        .order_by("start")
    )


def late_cancellations_count(patient: Patient) -> int:
    return Appointment.objects.filter(patient=patient, late_cancellation=True).count()
