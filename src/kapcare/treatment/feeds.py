"""Secret iCalendar feeds: a patient's own appointments, or a clinician's bookings.

The URL carries a random token; only its SHA-256 is stored, and a new feed
revokes the old one. A staff feed names patients by MRN only, because a
calendar app is outside the clinic's protection.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from icalendar import Calendar, Event

from kapcare.accounts.actors import Actor
from kapcare.audit.models import Action
from kapcare.audit.services import record
from kapcare.treatment.models import Appointment, AppointmentStatus, CalendarFeed

#: how far back and ahead a feed reaches. Calendar apps fetch a feed several times an
#: hour, so a feed of every appointment ever would grow each working day, and so would its
#: audit row; appointments that leave the window leave the subscribed calendar too.
FEED_PAST = dt.timedelta(days=90)
FEED_AHEAD = dt.timedelta(days=365)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def feed_create(*, actor: Actor) -> str:
    """A new secret token for the actor's feed (shown once); any older feed stops working."""
    token = secrets.token_urlsafe(32)
    assert actor.clinic is not None  # patients and staff belong to a clinic
    with transaction.atomic():
        revoked = feed_revoke(actor=actor)
        feed = CalendarFeed.objects.create(
            user=actor.user, clinic=actor.clinic, token_hash=_hash(token)
        )
        record(Action.CREATE, actor=actor, obj=feed, detail={"revoked_previous": revoked})
    return token


def feed_revoke(*, actor: Actor) -> int:
    with transaction.atomic():
        revoked = CalendarFeed.objects.filter(user=actor.user, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if revoked:
            record(Action.REVOKE, actor=actor, object_type="treatment.calendarfeed")
    return revoked


def feed_for_token(token: str) -> CalendarFeed | None:
    return (
        CalendarFeed.objects.filter(token_hash=_hash(token), revoked_at__isnull=True)
        .select_related("user", "clinic")
        .first()
    )


def feed_appointments(feed: CalendarFeed, now: dt.datetime) -> QuerySet[Appointment]:
    """The patient's own appointments, or the clinician's bookings, in the feed's clinic,
    from ``FEED_PAST`` before ``now`` to ``FEED_AHEAD`` after it."""
    base = Appointment.objects.filter(
        clinic=feed.clinic,
        status=AppointmentStatus.BOOKED,
        end__gt=now - FEED_PAST,
        start__lt=now + FEED_AHEAD,
    ).select_related("patient", "room", "clinic")
    patient = getattr(feed.user, "patient_record", None)
    if feed.user.kind == "patient" and patient is not None:
        return base.filter(patient=patient)
    return base.filter(staff__user=feed.user, staff__clinic=feed.clinic)


def ics(feed: CalendarFeed, appointments: list[Appointment]) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//kapcare//appointments//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{feed.clinic.name} appointments")
    staff = feed.user.kind == "staff"
    for a in appointments:
        event = Event()
        event.add("uid", f"appointment-{a.pk}@kapcare")
        event.add("dtstamp", a.created_at)
        event.add("dtstart", a.start)
        event.add("dtend", a.end)
        kind = a.get_kind_display()
        title = f"{kind} · {a.patient.mrn}" if staff else f"{kind} at {a.clinic.name}"
        event.add("summary", title)
        if a.room is not None:
            event.add("location", a.room.name)
        event.add("sequence", a.version)
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def feed_audit(feed: CalendarFeed, appointments: list[Any]) -> None:
    record(
        Action.LIST,
        user=feed.user,
        clinic=feed.clinic,
        object_type="treatment.appointment",
        detail={"feed": feed.pk, "ids": [a.pk for a in appointments]},
    )
