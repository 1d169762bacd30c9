"""The patient's dosing sessions as integration names them: chosen in forms, labelled by
dose number and date in the clinic's time zone."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from kapcare.dosing.models import DosingSession

#: how many of the patient's latest sessions a form offers
RECENT_SESSIONS = 12
#: states in which a session has begun (a scheduled or aborted one has nothing to follow)
BEGUN_STATES = ("dosing", "recovery", "discharged")


def sessions_of(patient: Any) -> QuerySet[DosingSession]:
    """The patient's sessions that began, latest first, with what a label needs."""
    return (
        DosingSession.objects.filter(patient=patient, state__in=BEGUN_STATES)
        .select_related("appointment", "clinic")
        .order_by("-appointment__start", "-pk")
    )


def recent_sessions(patient: Any, limit: int = RECENT_SESSIONS) -> list[DosingSession]:
    return list(sessions_of(patient)[:limit])


def session_day(session: DosingSession) -> dt.date:
    """The session's date where it took place (the clinic's time zone)."""
    zone = zoneinfo.ZoneInfo(session.clinic.time_zone)
    return session.appointment.start.astimezone(zone).date()


def session_label(session: DosingSession) -> str:
    """ "Dose 2 · Tuesday 1 December 2026", or without the dose number when none was booked."""
    day = session_day(session)
    when = f"{day:%A} {day.day} {day:%B %Y}"
    number = session.appointment.dose_number
    return f"Dose {number} · {when}" if number else f"Session of {when}"


def session_choices(sessions: list[DosingSession], empty: str) -> list[tuple[str, str]]:
    return [("", empty), *[(str(s.pk), session_label(s)) for s in sessions]]


def session_of_patient(patient: Any, session_id: int | None) -> DosingSession | None:
    """The patient's own session by id; another patient's session is refused by name."""
    if session_id is None:
        return None
    session = sessions_of(patient).filter(pk=session_id).first()
    if session is None:
        raise ValidationError({"session": ["Choose a dosing session from the list."]})
    return session
