"""Email reminders before appointments (by default 48 and 24 hours), with preparation advice.

A reminder is claimed by inserting its (appointment, hours) row: a second run,
or two runs at once, cannot send it twice. Email goes out through the task
worker after the transaction commits.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from kapcare.audit.models import Action
from kapcare.audit.services import record
from kapcare.core.tasks import send_email_after_commit
from kapcare.treatment.models import Appointment, AppointmentReminder, AppointmentStatus
from kapcare.treatment.schedule_settings import schedule_of

REMINDER_ACTOR = "kapcare appointment reminders"


def send_appointment_reminders(*, now: dt.datetime | None = None) -> int:
    """Queue the reminders now due; return how many."""
    now = now or timezone.now()
    horizon = now + dt.timedelta(hours=168)
    upcoming = (
        Appointment.objects.filter(
            status=AppointmentStatus.BOOKED,
            start__gt=now,
            start__lte=horizon,
            patient__user__isnull=False,
            patient__user__is_active=True,
        )
        .select_related("patient__user", "clinic", "room")
        .prefetch_related("reminders")
    )
    settings_by_clinic: dict[int, tuple[tuple[int, ...], int]] = {}
    sent = 0
    for appointment in upcoming:
        if appointment.clinic_id not in settings_by_clinic:
            s = schedule_of(appointment.clinic)
            settings_by_clinic[appointment.clinic_id] = (s.reminder_hours, s.fasting_hours)
        hours, fasting = settings_by_clinic[appointment.clinic_id]
        done = {r.hours_before for r in appointment.reminders.all()}
        # only the nearest due offset: a booking made 20 h ahead gets one reminder, not two
        due = [h for h in hours if appointment.start - dt.timedelta(hours=h) <= now]
        if not due or min(due) in done:
            continue
        sent += _remind(appointment, min(due), fasting, now)
    return sent


def _remind(appointment: Appointment, hours: int, fasting: int, now: dt.datetime) -> int:
    try:
        with transaction.atomic():
            AppointmentReminder.objects.create(
                appointment=appointment, hours_before=hours, sent_at=now
            )
            patient = appointment.patient
            assert patient.user is not None  # the query asked for a portal account
            local = appointment.start.astimezone(ZoneInfo(appointment.clinic.time_zone))
            context = {
                "name": patient.preferred_name or patient.given_name,
                "clinic": appointment.clinic,
                "when": local,
                "kind": appointment.get_kind_display().lower(),
                "dosing": appointment.kind == "dosing",
                "fasting_hours": fasting,
                "room": appointment.room,
                "link": settings.KAPCARE_BASE_URL + reverse("portal:home"),
            }
            subject = render_to_string("treatment/emails/reminder-subject.txt", context).strip()
            body = render_to_string("treatment/emails/reminder-body.txt", context)
            send_email_after_commit([patient.user.email], subject, body)
            record(
                Action.UPDATE,
                clinic=appointment.clinic,
                patient=patient,
                obj=appointment,
                actor_label=REMINDER_ACTOR,
                detail={"reminder_hours_before": hours},
            )
    except IntegrityError:
        return 0
    return 1
