"""Secret calendar feeds parse as iCalendar, hold only the person's appointments, can be revoked."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from kapcare.audit.models import AuditEvent
from kapcare.treatment.feeds import FEED_AHEAD, FEED_PAST
from kapcare.treatment.models import Appointment, Room

#: a few days from now, on the hour: feeds reach a window around the present
START = (timezone.now() + dt.timedelta(days=4)).replace(minute=0, second=0, microsecond=0)


def book(world: Any, patient: Any, staff: str, days: int) -> Appointment:
    room = Room.objects.get_or_create(clinic=world.cedar, name="Willow room")[0]
    return Appointment.objects.create(
        clinic=world.cedar,
        patient=patient,
        kind="dosing",
        room=room,
        staff=world.memberships[staff],
        start=START + dt.timedelta(days=days),
        end=START + dt.timedelta(days=days, hours=3),
        created_by=world.users["nurse"],
    )


def feed_url(client: Any) -> str:
    page = client.post(reverse("treatment:feed_settings"), {"action": "create"}).content.decode()
    found = re.search(r"http://[^<\s]+\.ics", page)
    assert found, page
    return found.group(0).replace("http://localhost:8000", "")


def events(body: bytes) -> list[Any]:
    return list(Calendar.from_ical(body).walk("VEVENT"))


def test_a_patient_feed_parses_and_holds_only_their_appointments(
    world: Any, client_for: Any
) -> None:
    mine = book(world, world.jordan, "therapist", 0)
    book(world, world.sam, "nurse", 1)
    url = feed_url(client_for("patient"))
    response = Client().get(url)
    assert response.status_code == 200 and response["Content-Type"] == "text/calendar"
    (event,) = events(response.content)
    assert event.decoded("dtstart") == mine.start
    assert event.decoded("dtend") == mine.end
    assert str(event["summary"]) == "Dosing at Cedar Grove Ketamine Clinic"
    assert str(event["location"]) == "Willow room"
    assert AuditEvent.objects.filter(action="list", detail__ids=[mine.pk]).exists()


def test_a_clinician_feed_names_patients_by_mrn_only(world: Any, client_for: Any) -> None:
    book(world, world.jordan, "therapist", 0)
    book(world, world.sam, "therapist", 2)
    book(world, world.sam, "nurse", 4)
    found = events(Client().get(feed_url(client_for("therapist"))).content)
    assert sorted(str(e["summary"]) for e in found) == ["Dosing · KC-1001", "Dosing · KC-1002"]
    assert all("Jordan" not in str(e["summary"]) for e in found)


def test_a_new_link_revokes_the_old_one_and_revoking_stops_the_feed(
    world: Any, client_for: Any
) -> None:
    client = client_for("patient")
    first = feed_url(client)
    second = feed_url(client)
    assert Client().get(first).status_code == 404
    assert Client().get(second).status_code == 200
    client.post(reverse("treatment:feed_settings"), {"action": "revoke"})
    assert Client().get(second).status_code == 404


def test_a_feed_reaches_from_the_recent_past_to_a_year_ahead(world: Any, client_for: Any) -> None:
    """Calendar apps fetch a feed all day; years of past appointments would ride along."""
    now = START - dt.timedelta(days=4)
    just_ended = book(world, world.jordan, "therapist", 0)
    just_ended.start, just_ended.end = now - FEED_PAST - dt.timedelta(hours=2), now - FEED_PAST
    just_ended.end += dt.timedelta(minutes=1)  # still inside by a minute
    just_ended.save()
    too_old = book(world, world.jordan, "therapist", 0)
    too_old.start, too_old.end = now - FEED_PAST - dt.timedelta(hours=4), now - FEED_PAST
    too_old.end -= dt.timedelta(minutes=1)
    too_old.save()
    last_ahead = book(world, world.jordan, "therapist", 0)
    last_ahead.start = now + FEED_AHEAD - dt.timedelta(minutes=1)
    last_ahead.end = last_ahead.start + dt.timedelta(hours=3)
    last_ahead.save()
    too_far = book(world, world.jordan, "therapist", 0)
    too_far.start = now + FEED_AHEAD + dt.timedelta(minutes=1)
    too_far.end = too_far.start + dt.timedelta(hours=3)
    too_far.save()
    url = feed_url(client_for("patient"))
    with time_machine.travel(now, tick=False):
        found = events(Client().get(url).content)
    assert sorted(e.decoded("dtstart") for e in found) == [just_ended.start, last_ahead.start]
    listed = AuditEvent.objects.filter(action="list").latest("pk")
    assert sorted(listed.detail["ids"]) == sorted([just_ended.pk, last_ahead.pk])
