"""The chart's Notes tab shows the newest notes a page at a time.

A long-term patient gathers hundreds of notes, and listing all of them made the tab
longer every year; now it shows 25 a page, newest first, audits only the notes it
shows, and costs the same number of queries however many notes there are.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kapcare.audit.models import AuditEvent
from kapcare.patients.models import ChartNote
from kapcare.patients.views import NOTES_PAGE_SIZE


def write_notes(world: Any, count: int, *, visibility: str = "clinic", start: int = 0) -> list[Any]:
    """``count`` notes on Jordan's chart, an hour apart, the last written the newest."""
    began = timezone.now() - dt.timedelta(days=365)
    return [
        ChartNote.objects.create(
            patient=world.jordan,
            clinic=world.cedar,
            author=world.users["therapist"],
            title=f"Note {n:03d}",
            body=f"Body of note {n:03d}.",
            visibility=visibility,
            created_at=began + dt.timedelta(hours=n),
        )
        for n in range(start, start + count)
    ]


def notes_url(world: Any) -> str:
    return reverse("patients:notes", args=[world.jordan.pk])


def notes_section(page: str) -> str:
    start = page.index('id="notes-h"')
    return page[start : page.index("</section>", start)]


def titles_in(section: str, notes: list[Any]) -> set[str]:
    return {note.title for note in notes if note.title in section}


def last_notes_read() -> AuditEvent:
    return AuditEvent.objects.filter(action="view", object_type="patients.chartnote").latest("pk")


def test_the_newest_notes_come_first_and_the_rest_on_the_next_page(
    world: Any, client_for: Any
) -> None:
    notes = write_notes(world, NOTES_PAGE_SIZE + 1)
    newest_first = notes[::-1]
    client = client_for("therapist")

    first = notes_section(client.get(notes_url(world)).content.decode())
    assert titles_in(first, notes) == {n.title for n in newest_first[:NOTES_PAGE_SIZE]}
    assert first.index(newest_first[0].title) < first.index(newest_first[1].title)
    assert "notes_page=2#notes-h" in first
    assert "← Previous" not in first
    assert f"1–{NOTES_PAGE_SIZE} of {NOTES_PAGE_SIZE + 1}, newest first · page 1 of 2" in first

    second = notes_section(client.get(notes_url(world), {"notes_page": "2"}).content.decode())
    assert titles_in(second, notes) == {notes[0].title}
    assert "notes_page=1#notes-h" in second  # back to the newest
    assert "Next →" not in second
    assert f"{NOTES_PAGE_SIZE + 1}–{NOTES_PAGE_SIZE + 1} of {NOTES_PAGE_SIZE + 1}" in second


def test_a_short_history_shows_no_page_links(world: Any, client_for: Any) -> None:
    write_notes(world, 3)
    section = notes_section(client_for("therapist").get(notes_url(world)).content.decode())
    assert 'class="pagination"' not in section


def test_a_bad_page_number_names_the_parameter_and_shows_page_one(
    world: Any, client_for: Any
) -> None:
    notes = write_notes(world, NOTES_PAGE_SIZE + 1)
    response = client_for("therapist").get(notes_url(world), {"notes_page": "two"})
    assert response.status_code == 200
    section = notes_section(response.content.decode())
    assert "notes_page: “two” is not a page number; page 1 is shown." in section
    assert notes[-1].title in section and notes[0].title not in section
    assert last_notes_read().detail["notes_page"] == 1


def test_past_the_end_shows_the_last_page_with_a_notice(world: Any, client_for: Any) -> None:
    notes = write_notes(world, NOTES_PAGE_SIZE + 1)
    response = client_for("therapist").get(notes_url(world), {"notes_page": "9"})
    assert response.status_code == 200
    section = notes_section(response.content.decode())
    assert "notes_page: There is no page 9; page 2, the last, is shown." in section
    assert titles_in(section, notes) == {notes[0].title}
    assert last_notes_read().detail == {"ids": [notes[0].pk], "notes_page": 2}


def test_the_audit_row_names_only_the_notes_shown_and_the_page(world: Any, client_for: Any) -> None:
    notes = write_notes(world, NOTES_PAGE_SIZE + 1)
    client = client_for("therapist")

    before = AuditEvent.objects.count()
    client.get(notes_url(world))
    new = list(AuditEvent.objects.order_by("id")[before:])
    assert [(e.action, e.object_type, e.object_id) for e in new] == [
        ("view", "patients.chartnote", str(world.jordan.pk))
    ]
    assert new[0].patient_id == world.jordan.pk
    assert new[0].detail == {
        "ids": [n.pk for n in notes[::-1][:NOTES_PAGE_SIZE]],
        "notes_page": 1,
    }

    client.get(notes_url(world), {"notes_page": "2"})
    assert last_notes_read().detail == {"ids": [notes[0].pk], "notes_page": 2}


def test_a_refused_note_comes_back_with_the_first_page_of_notes(
    world: Any, client_for: Any
) -> None:
    notes = write_notes(world, NOTES_PAGE_SIZE + 1)
    response = client_for("therapist").post(
        f"{notes_url(world)}?notes_page=2",
        {"title": "Unsent", "body": "Kept in the form.", "visibility": "everyone"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Who may read it: Select a valid choice" in page
    assert 'value="Unsent"' in page  # the note being written is kept
    section = notes_section(page)
    assert titles_in(section, notes) == {n.title for n in notes[::-1][:NOTES_PAGE_SIZE]}
    assert "notes_page=2#notes-h" in section
    assert not ChartNote.objects.filter(title="Unsent").exists()
    assert last_notes_read().detail["notes_page"] == 1


def test_a_signed_note_leads_back_to_the_first_page_where_it_is_newest(
    world: Any, client_for: Any
) -> None:
    write_notes(world, NOTES_PAGE_SIZE + 1)
    client = client_for("therapist")
    response = client.post(
        f"{notes_url(world)}?notes_page=2",
        {"title": "Integration", "body": "Felt calmer.", "visibility": "clinic"},
    )
    assert response.status_code == 302
    assert response["Location"] == notes_url(world)
    section = notes_section(client.get(notes_url(world)).content.decode())
    assert section.index("Integration") < section.index(f"Note {NOTES_PAGE_SIZE:03d}")


def test_care_team_notes_are_paged_only_for_the_care_team(world: Any, client_for: Any) -> None:
    clinic_notes = write_notes(world, NOTES_PAGE_SIZE)
    team_notes = write_notes(world, 2, visibility="care_team", start=NOTES_PAGE_SIZE)

    # the prescriber is on Jordan's care team: the two newest are the team's, and one
    # clinic note moves to page 2
    prescriber = client_for("prescriber")
    first = notes_section(prescriber.get(notes_url(world)).content.decode())
    assert titles_in(first, team_notes) == {n.title for n in team_notes}
    assert "Care team only" in first
    assert f"of {NOTES_PAGE_SIZE + 2}, newest first · page 1 of 2" in first

    # a therapist outside the team pages through the clinic notes alone, on one page
    outsider = client_for("therapist2")
    page = notes_section(outsider.get(notes_url(world)).content.decode())
    assert titles_in(page, clinic_notes) == {n.title for n in clinic_notes}
    assert not titles_in(page, team_notes) and "Care team only" not in page
    assert "not on this patient" in page
    assert 'class="pagination"' not in page
    assert set(last_notes_read().detail["ids"]) == {n.pk for n in clinic_notes}
    past = notes_section(outsider.get(notes_url(world), {"notes_page": "2"}).content.decode())
    assert "There is no page 2; page 1, the last, is shown." in past
    assert not titles_in(past, team_notes)


def test_the_notes_tab_costs_the_same_queries_with_one_note_or_thirty(
    world: Any, client_for: Any
) -> None:
    client = client_for("therapist")
    client.get(notes_url(world))  # the first request of a sign-in does more

    def queries(**params: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(notes_url(world), params).status_code == 200
        return len(captured)

    write_notes(world, 1)
    few = queries()
    write_notes(world, 29, start=1)
    assert queries() == few
    assert queries(notes_page="2") == few
