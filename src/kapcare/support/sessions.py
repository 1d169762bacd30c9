"""The patient's dosing appointments, as far as support persons need them.

A support person with the appointments grant sees the patient's next booked dosing
appointment (the one they would escort); escort duty is promised for an appointment,
because a dosing session exists only once the nurse opens it on the day. Pickup is
confirmed for today's appointment once its session is in recovery or discharged.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from kapcare.clinical.scheduling import AppointmentType
from kapcare.treatment.models import Appointment, AppointmentStatus

#: a session in these states has ended its dose: the escort may confirm they are collecting
PICKUP_STATES = ("recovery", "discharged")
FINISHED_STATES = ("discharged", "aborted")


def _day_start(clinic: Any, today: dt.date) -> dt.datetime:
    zone = zoneinfo.ZoneInfo(clinic.time_zone)
    return dt.datetime.combine(today, dt.time.min, tzinfo=zone)


def clinic_day_start(clinic: Any, now: dt.datetime) -> dt.datetime:
    """Midnight of the clinic's today. A support person's requests carry no clinic zone,
    and in the clinic's evening the UTC date is already tomorrow's."""
    return _day_start(clinic, timezone.localdate(now, zoneinfo.ZoneInfo(clinic.time_zone)))


def escortable_appointments(
    patient_ids: Iterable[int], since: dt.datetime
) -> QuerySet[Appointment]:
    """Booked dosing appointments from ``since`` on, earliest first, with their session."""
    return (
        Appointment.objects.filter(
            patient_id__in=list(patient_ids),
            kind=AppointmentType.DOSING,
            status__in=[AppointmentStatus.BOOKED, AppointmentStatus.COMPLETED],
            start__gte=since,
        )
        .select_related("clinic", "room", "dosing_session", "checklist")
        .order_by("start", "pk")
    )


@dataclass(frozen=True)
class EscortView:
    """What a support person sees of one patient's dosing days."""

    upcoming: Appointment | None  # the next session they would escort
    pickup: Appointment | None  # today's session whose dose has ended: collect the patient


def escort_views(links: Iterable[Any], now: dt.datetime) -> dict[int, EscortView]:
    """For each supported patient, the next session and today's pickup, in one query."""
    links = list(links)
    if not links:
        return {}
    since = min(clinic_day_start(link.patient.clinic, now) for link in links)
    upcoming: dict[int, Appointment] = {}
    pickup: dict[int, Appointment] = {}
    for appointment in escortable_appointments({link.patient_id for link in links}, since):
        session = getattr(appointment, "dosing_session", None)
        state = session.state if session is not None else None
        if state in PICKUP_STATES:
            pickup.setdefault(appointment.patient_id, appointment)
        elif state not in FINISHED_STATES:
            upcoming.setdefault(appointment.patient_id, appointment)
    return {
        link.patient_id: EscortView(upcoming.get(link.patient_id), pickup.get(link.patient_id))
        for link in links
    }


def upcoming_session_dates(patient: Any, today: dt.date) -> list[dt.date]:
    """Booked dosing-appointment dates from ``today`` on (clinic's time zone), earliest first."""
    zone = zoneinfo.ZoneInfo(patient.clinic.time_zone)
    return [
        a.start.astimezone(zone).date()
        for a in escortable_appointments([patient.pk], _day_start(patient.clinic, today))
    ]


def pickup_open(appointment: Appointment) -> bool:
    """Pickup can be confirmed once the session's dose has ended."""
    session = getattr(appointment, "dosing_session", None)
    return session is not None and session.state in PICKUP_STATES
