"""The session console shows what followed the session: shared journal entries (never
private ones), integration notes, the check-in and the reflections."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kapcare.integration import followup, notes, services
from tests.integration.helpers import patient_actor, staff_actor
from tests.integration.sessions import discharge, held_session, reflections_in_plan


def _console(client: Any, session: Any) -> str:
    url = reverse("dosing:console", args=[session.patient_id, session.pk])
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _write(world: Any, session: Any, body: str, *, share: bool) -> Any:
    return services.journal_entry_save(
        actor=patient_actor(world), body=body, mood=7, session=session, share=share
    )


def _note(world: Any, session: Any, text: str) -> Any:
    return notes.integration_note_sign(
        actor=staff_actor(world, "therapist"),
        patient=world.jordan,
        session=session,
        what_came_up=text,
    )


def test_the_therapist_sees_shared_entries_and_notes_of_this_session_only(
    world: Any, client_for: Any
) -> None:
    session = discharge(world, held_session(world))
    other = held_session(world, days_ago=9, state="discharged", number=2)
    _write(world, session, "Shared: I felt held.", share=True)
    _write(world, session, "Private: only for me.", share=False)
    _write(world, other, "Shared, but about the other session.", share=True)
    _note(world, session, "Grief about the grandmother came up.")
    page = _console(client_for("therapist"), session)
    assert "After this session" in page
    assert "Shared: I felt held." in page
    assert "Private: only for me." not in page
    assert "about the other session" not in page
    assert "Grief about the grandmother came up." in page


def test_a_clinician_off_the_care_team_reads_no_journal_entries(
    world: Any, client_for: Any
) -> None:
    session = discharge(world, held_session(world))
    _write(world, session, "Shared: I felt held.", share=True)
    page = _console(client_for("therapist2"), session)
    assert "Shared: I felt held." not in page
    assert "Only the patient's care team reads shared journal entries." in page


def test_the_check_in_answered_through_the_sessions_link_shows_beside_it(
    world: Any, client_for: Any
) -> None:
    session = discharge(world, held_session(world))
    link, _ = followup.followup_link_issue(actor=None, patient=world.jordan, session=session)
    followup.checkin_submit(
        link=link, feeling="okay", harm_thoughts=False, worrying="A little tired still."
    )
    page = _console(client_for("therapist"), session)
    assert "A little tired still." in page
    assert "feeling okay" in page


def test_the_session_links_cost_the_same_queries_however_much_followed(
    world: Any, client_for: Any
) -> None:
    reflections_in_plan(world)
    session = discharge(world, held_session(world))
    client = client_for("therapist")
    _console(client, session)  # warm caches (sessions, templates)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            _console(client, session)
        return len(queries)

    _write(world, session, "One.", share=True)
    _note(world, session, "First note.")
    few = count()
    for n in range(5):
        _write(world, session, f"More {n}.", share=True)
        _note(world, session, f"Note {n}.")
    link, _ = followup.followup_link_issue(actor=None, patient=world.jordan, session=session)
    followup.checkin_submit(link=link, feeling="good", harm_thoughts=False)
    assert count() == few
