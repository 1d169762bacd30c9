"""The patient links a journal entry to one of their own recent dosing sessions."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kapcare.integration.models import JournalEntry
from kapcare.integration.sessions import session_day
from tests.integration.sessions import held_session


def test_the_form_offers_the_patients_own_sessions_by_dose_and_date(
    world: Any, client_for: Any
) -> None:
    mine = held_session(world, state="discharged")
    theirs = held_session(world, patient=world.sam, state="discharged", days_ago=3)
    page = client_for("patient").get(reverse("integration:journal_new")).content.decode()
    assert "The session this is about" in page
    day, other_day = session_day(mine), session_day(theirs)
    assert f'<option value="{mine.pk}">Dose 1 · {day:%A} {day.day} {day:%B %Y}</option>' in page
    assert f"{other_day:%A} {other_day.day} {other_day:%B %Y}" not in page


def test_saving_links_the_entry_to_the_chosen_session(world: Any, client_for: Any) -> None:
    session = held_session(world, state="discharged")
    response = client_for("patient").post(
        reverse("integration:journal_new"),
        {"body": "Calm all evening.", "mood": "7", "session": session.pk, "share": "on"},
    )
    assert response.status_code == 302
    entry = JournalEntry.objects.get(is_draft=False)
    assert entry.session_id == session.pk
    assert entry.session_date == session_day(session)
    page = client_for("patient").get(reverse("integration:journal")).content.decode()
    assert "About your session: Dose 1" in page


def test_another_patients_session_is_refused_naming_the_field(world: Any, client_for: Any) -> None:
    theirs = held_session(world, patient=world.sam, state="discharged")
    response = client_for("patient").post(
        reverse("integration:journal_new"),
        {"body": "Calm.", "mood": "7", "session": theirs.pk},
    )
    assert response.status_code == 400
    assert "The session this is about" in response.content.decode()
    assert "Select a valid choice" in response.content.decode()
    assert not JournalEntry.objects.filter(is_draft=False).exists()


def test_the_journal_page_costs_the_same_queries_whatever_the_number_of_entries(
    world: Any, client_for: Any
) -> None:
    from kapcare.integration import services
    from tests.integration.helpers import patient_actor

    session = held_session(world, state="discharged")
    client = client_for("patient")
    url = reverse("integration:journal")

    def write(n: int) -> None:
        for i in range(n):
            services.journal_entry_save(
                actor=patient_actor(world), body=f"Entry {i}", mood=5, session=session
            )

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    write(1)
    client.get(url)
    few = count()
    write(6)
    assert count() == few
