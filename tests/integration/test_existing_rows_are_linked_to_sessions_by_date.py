"""The data migrations link rows written before sessions existed, by date, only when
exactly one session (or appointment) of the patient falls on that date."""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any
from zoneinfo import ZoneInfo

from django.apps import apps
from django.utils import timezone

from kapcare.integration.models import IntegrationNote, JournalEntry
from kapcare.integration.sessions import session_day
from kapcare.support.models import EscortConfirmation
from tests.integration.helpers import staff_actor, write_entry
from tests.integration.sessions import book, held_session
from tests.support.helpers import jordans_link


def _run(module: str) -> None:
    importlib.import_module(module).link(apps, None)


def test_an_entry_and_a_note_on_a_session_date_are_linked_to_that_session(world: Any) -> None:
    from kapcare.integration import notes

    session = held_session(world, state="discharged")
    day = session_day(session)
    entry = write_entry(world, "Before links existed.")
    JournalEntry.objects.filter(pk=entry.pk).update(session_date=day)
    note = notes.integration_note_sign(
        actor=staff_actor(world, "therapist"),
        patient=world.jordan,
        session_date=day,
        what_came_up="Old note.",
    )
    stray = notes.integration_note_sign(
        actor=staff_actor(world, "therapist"),
        patient=world.jordan,
        session_date=day - dt.timedelta(days=30),
        what_came_up="No session that day.",
    )
    _run("kapcare.integration.migrations.0005_link_existing_rows_to_sessions")
    assert JournalEntry.objects.get(pk=entry.pk).session_id == session.pk
    assert IntegrationNote.objects.get(pk=note.pk).session_id == session.pk
    assert IntegrationNote.objects.get(pk=stray.pk).session_id is None


def test_a_date_with_two_sessions_is_left_unlinked(world: Any) -> None:
    from kapcare.dosing.services import session_open
    from tests.dosing.conftest import actor_of

    zone = ZoneInfo(world.cedar.time_zone)
    day = timezone.localdate() - dt.timedelta(days=3)
    for number, hour in ((1, 9), (2, 14)):
        start = dt.datetime.combine(day, dt.time(hour), tzinfo=zone)
        session_open(
            actor=actor_of(world, "nurse"), appointment=book(world, start=start, number=number)
        )
    entry = write_entry(world, "Which one?")
    JournalEntry.objects.filter(pk=entry.pk).update(session_date=day)
    _run("kapcare.integration.migrations.0005_link_existing_rows_to_sessions")
    assert JournalEntry.objects.get(pk=entry.pk).session_id is None


def test_an_escort_promise_on_an_appointment_date_is_linked_to_that_appointment(
    world: Any,
) -> None:
    from tests.support.helpers import grant

    grant(world, "appointments")
    appointment = book(world, start=timezone.now() + dt.timedelta(days=3))
    day = appointment.start.astimezone(ZoneInfo(world.cedar.time_zone)).date()
    promise = EscortConfirmation.objects.create(relationship=jordans_link(world), session_date=day)
    _run("kapcare.support.migrations.0004_link_existing_escorts_to_appointments")
    promise.refresh_from_db()
    assert promise.appointment_id == appointment.pk
