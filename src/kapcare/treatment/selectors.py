"""Reads for plans and the calendar, with what the pages need preloaded."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet

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


def past_appointments_of(patient: Patient, now: dt.datetime) -> QuerySet[Appointment]:
    """Appointments that are over or were cancelled, the latest first.

    A patient in maintenance gathers an appointment or two a month for years, so the
    plan tab pages these; their table needs no room, clinician or checklist.
    """
    return (
        Appointment.objects.filter(patient=patient)
        .filter(Q(end__lt=now) | ~Q(status=AppointmentStatus.BOOKED))
        .order_by("-start", "-pk")
    )


def attendance_of(patient: Patient, now: dt.datetime) -> dict[str, int]:
    """The patient's no-shows, late cancellations and ended appointments nobody has yet
    marked attended or missed, counted in one query."""
    return Appointment.objects.filter(patient=patient).aggregate(
        no_shows=Count("pk", filter=Q(status=AppointmentStatus.NO_SHOW)),
        late_cancellations=Count("pk", filter=Q(late_cancellation=True)),
        unrecorded=Count("pk", filter=Q(status=AppointmentStatus.BOOKED, end__lt=now)),
    )


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
