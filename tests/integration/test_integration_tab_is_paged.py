"""The chart's Integration tab shows shared entries and integration notes a page at a time.

A patient shares entries and their therapist signs notes for years; the tab read and
drew every one of them (and every note again in the "This note corrects" list) on each
view. Now each list shows 20 a page, newest first, with its own page links, the list of
notes to correct is bounded to the latest, and the read is audited naming what is shown.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kapcare.audit.models import AuditEvent
from kapcare.integration.chart_views import NOTES_PAGE_SIZE, SHARED_PAGE_SIZE
from kapcare.integration.forms import CORRECTABLE_NOTES
from kapcare.integration.models import IntegrationNote
from tests.integration.helpers import write_entry


def tab_url(world: Any) -> str:
    return reverse("integration:tab", args=[world.jordan.pk])


def share_entries(world: Any, count: int, *, start: int = 0, patient: Any = None) -> list[Any]:
    """``count`` shared entries, the last written the newest ("Entry 000", ...)."""
    return [
        write_entry(world, f"Entry {n:03d}", share=True, patient=patient)
        for n in range(start, start + count)
    ]


def sign_notes(world: Any, count: int, *, start: int = 0, patient: Any = None) -> list[Any]:
    """``count`` integration notes an hour apart, the last signed the newest ("Note 000", ...)."""
    began = timezone.now() - dt.timedelta(days=365)
    return [
        IntegrationNote.objects.create(
            patient=patient or world.jordan,
            clinic=world.cedar,
            author=world.users["therapist"],
            what_came_up=f"Note {n:03d}",
            signed_at=began + dt.timedelta(hours=n),
        )
        for n in range(start, start + count)
    ]


def shared_section(page: str) -> str:
    start = page.index('id="shared-h"')
    return page[start : page.index('id="plan-h"', start)]


def notes_section(page: str) -> str:
    """The list of notes, without the form to write one."""
    start = page.index('id="notes-h"')
    end = page.find('id="new-note-h"', start)
    return page[start : end if end > 0 else len(page)]


def bodies_in(section: str, entries: list[Any]) -> list[str]:
    """The entries' bodies found in ``section``, in the order they appear there."""
    found = [e.body for e in entries if e.body in section]
    return sorted(found, key=section.index)


def notes_in(section: str, notes: list[Any]) -> list[str]:
    found = [n.what_came_up for n in notes if n.what_came_up in section]
    return sorted(found, key=section.index)


def corrects_options(page: str) -> list[str]:
    """The values offered by "This note corrects", in order."""
    select = re.search(r'<select name="amends".*?</select>', page, re.S)
    assert select is not None
    return re.findall(r'<option value="([^"]*)"', select.group(0))


def last_tab_read() -> AuditEvent:
    return AuditEvent.objects.filter(action="view", object_type="integration.chart").latest("pk")


def test_each_list_shows_its_newest_twenty_with_its_own_page_links(
    world: Any, client_for: Any
) -> None:
    entries = share_entries(world, SHARED_PAGE_SIZE + 1)
    notes = sign_notes(world, NOTES_PAGE_SIZE + 1)
    client = client_for("therapist")
    url = tab_url(world)

    page = client.get(url).text
    shared, listed = shared_section(page), notes_section(page)
    assert bodies_in(shared, entries) == [e.body for e in entries[::-1][:SHARED_PAGE_SIZE]]
    assert notes_in(listed, notes) == [n.what_came_up for n in notes[::-1][:NOTES_PAGE_SIZE]]
    assert f'href="{url}?shared_page=2#shared-h">Next →</a>' in shared
    assert f'href="{url}?notes_page=2#notes-h">Next →</a>' in listed
    assert "← Previous" not in shared and "← Previous" not in listed
    assert f"1–20 of {SHARED_PAGE_SIZE + 1}, newest first · page 1 of 2" in shared
    assert f"1–20 of {NOTES_PAGE_SIZE + 1}, newest first · page 1 of 2" in listed

    # turning the shared entries' page keeps the notes on theirs, and the other way round
    page = client.get(url, {"shared_page": "2", "notes_page": "2"}).text
    shared, listed = shared_section(page), notes_section(page)
    assert bodies_in(shared, entries) == [entries[0].body]
    assert notes_in(listed, notes) == [notes[0].what_came_up]
    assert f'href="{url}?shared_page=1&amp;notes_page=2#shared-h">← Previous</a>' in shared
    assert f'href="{url}?shared_page=2&amp;notes_page=1#notes-h">← Previous</a>' in listed
    assert "Next →" not in shared and "Next →" not in listed

    listed = notes_section(client.get(url, {"shared_page": "2"}).text)
    assert f'href="{url}?shared_page=2&amp;notes_page=2#notes-h">Next →</a>' in listed
    shared = shared_section(client.get(url, {"notes_page": "2"}).text)
    assert f'href="{url}?shared_page=2&amp;notes_page=2#shared-h">Next →</a>' in shared


def test_short_lists_show_no_page_links(world: Any, client_for: Any) -> None:
    share_entries(world, 2)
    sign_notes(world, 2)
    page = client_for("therapist").get(tab_url(world)).text
    assert 'class="pagination"' not in page


def test_bad_page_numbers_name_their_parameter_and_show_page_one(
    world: Any, client_for: Any
) -> None:
    entries = share_entries(world, SHARED_PAGE_SIZE + 1)
    notes = sign_notes(world, NOTES_PAGE_SIZE + 1)
    response = client_for("therapist").get(
        tab_url(world), {"shared_page": "two", "notes_page": "0"}
    )
    assert response.status_code == 200
    shared, listed = shared_section(response.text), notes_section(response.text)
    assert "shared_page: “two” is not a page number; page 1 is shown." in shared
    assert "notes_page: “0” is not a page number; page 1 is shown." in listed
    assert entries[-1].body in shared and entries[0].body not in shared
    assert notes[-1].what_came_up in listed and notes[0].what_came_up not in listed
    read = last_tab_read()
    assert (read.detail["shared_page"], read.detail["notes_page"]) == (1, 1)


def test_a_page_past_the_end_shows_the_last_page_with_a_notice(world: Any, client_for: Any) -> None:
    entries = share_entries(world, SHARED_PAGE_SIZE + 1)
    notes = sign_notes(world, NOTES_PAGE_SIZE + 1)
    response = client_for("therapist").get(tab_url(world), {"shared_page": "9", "notes_page": "7"})
    assert response.status_code == 200
    shared, listed = shared_section(response.text), notes_section(response.text)
    assert "shared_page: There is no page 9; page 2, the last, is shown." in shared
    assert "notes_page: There is no page 7; page 2, the last, is shown." in listed
    assert bodies_in(shared, entries) == [entries[0].body]
    assert notes_in(listed, notes) == [notes[0].what_came_up]
    assert last_tab_read().detail == {
        "shared": [entries[0].pk],
        "shared_page": 2,
        "notes": [notes[0].pk],
        "notes_page": 2,
    }


def test_the_read_is_audited_once_naming_only_what_is_shown(world: Any, client_for: Any) -> None:
    entries = share_entries(world, SHARED_PAGE_SIZE + 1)
    notes = sign_notes(world, NOTES_PAGE_SIZE + 1)
    client = client_for("therapist")

    before = AuditEvent.objects.count()
    client.get(tab_url(world), {"shared_page": "2"})
    new = list(AuditEvent.objects.order_by("id")[before:])
    assert [(e.action, e.object_type, e.object_id) for e in new] == [
        ("view", "integration.chart", str(world.jordan.pk))
    ]
    assert new[0].patient_id == world.jordan.pk
    assert new[0].detail == {
        "shared": [entries[0].pk],
        "shared_page": 2,
        "notes": [n.pk for n in notes[::-1][:NOTES_PAGE_SIZE]],
        "notes_page": 1,
    }

    client.get(tab_url(world), {"notes_page": "2"})
    assert last_tab_read().detail == {
        "shared": [e.pk for e in entries[::-1][:SHARED_PAGE_SIZE]],
        "shared_page": 1,
        "notes": [notes[0].pk],
        "notes_page": 2,
    }


def test_the_note_to_correct_is_chosen_from_the_latest_notes_newest_first(
    world: Any, client_for: Any
) -> None:
    notes = sign_notes(world, CORRECTABLE_NOTES + 5)
    page = client_for("therapist").get(tab_url(world), {"notes_page": "3"}).text
    offered = corrects_options(page)
    assert offered == ["", *[str(n.pk) for n in notes[::-1][:CORRECTABLE_NOTES]]]
    assert f"The latest {CORRECTABLE_NOTES} notes, newest first." in page
    assert "To correct an older note" in page


def test_only_a_note_offered_can_be_corrected(world: Any, client_for: Any) -> None:
    notes = sign_notes(world, CORRECTABLE_NOTES + 1)
    sams = sign_notes(world, 1, start=900, patient=world.sam)[0]
    client = client_for("therapist")
    post = reverse("integration:note_sign", args=[world.jordan.pk])
    refused = f"Choose one of the notes listed: the latest {CORRECTABLE_NOTES} of this patient."

    for other in (sams, notes[0]):  # another patient's note; one older than those listed
        response = client.post(post, {"what_came_up": "A correction", "amends": str(other.pk)})
        assert response.status_code == 400
        assert refused in response.text
        assert not IntegrationNote.objects.filter(amends=other).exists()

    newest = notes[-1]
    response = client.post(post, {"what_came_up": "A correction", "amends": str(newest.pk)})
    assert response.status_code == 302
    assert IntegrationNote.objects.get(amends=newest).patient_id == world.jordan.pk


def test_a_refused_note_comes_back_with_page_one_of_both_lists(world: Any, client_for: Any) -> None:
    entries = share_entries(world, SHARED_PAGE_SIZE + 1)
    notes = sign_notes(world, NOTES_PAGE_SIZE + 1)
    client = client_for("therapist")
    post = reverse("integration:note_sign", args=[world.jordan.pk])

    response = client.post(f"{post}?notes_page=2&shared_page=2", {"themes": "Unsent themes"})
    assert response.status_code == 400
    page = response.text
    assert "What came up: This field is required." in page
    assert "Unsent themes" in page  # what was written is kept
    shared, listed = shared_section(page), notes_section(page)
    assert bodies_in(shared, entries) == [e.body for e in entries[::-1][:SHARED_PAGE_SIZE]]
    assert notes_in(listed, notes) == [n.what_came_up for n in notes[::-1][:NOTES_PAGE_SIZE]]
    # the page links lead to the tab, not to the address the form was sent to
    url = tab_url(world)
    assert f'href="{url}?shared_page=2#shared-h">Next →</a>' in shared
    assert f'href="{url}?notes_page=2#notes-h">Next →</a>' in listed
    assert last_tab_read().detail["shared_page"] == 1
    assert last_tab_read().detail["notes_page"] == 1
    assert not IntegrationNote.objects.filter(themes="Unsent themes").exists()


def test_a_clinician_off_the_care_team_pages_the_notes_but_reads_no_entries(
    world: Any, client_for: Any
) -> None:
    entries = share_entries(world, SHARED_PAGE_SIZE + 1)
    notes = sign_notes(world, NOTES_PAGE_SIZE + 1)
    outsider = client_for("therapist2")
    page = outsider.get(tab_url(world), {"shared_page": "2", "notes_page": "2"}).text
    shared, listed = shared_section(page), notes_section(page)
    assert "Only the care team reads shared entries" in shared
    assert not bodies_in(page, entries)
    assert 'class="pagination"' not in shared
    assert notes_in(listed, notes) == [notes[0].what_came_up]
    assert last_tab_read().detail == {
        "shared": [],
        "shared_page": 1,
        "notes": [notes[0].pk],
        "notes_page": 2,
    }


def test_another_patients_entries_and_notes_never_appear(world: Any, client_for: Any) -> None:
    share_entries(world, 1)
    sign_notes(world, 1)
    theirs = write_entry(world, "Sam shared a thought", share=True, patient=world.sam)
    their_note = sign_notes(world, 1, start=900, patient=world.sam)[0]
    client = client_for("therapist")
    for params in ({}, {"shared_page": "2", "notes_page": "2"}):
        page = client.get(tab_url(world), params).text
        assert theirs.body not in page
        assert their_note.what_came_up not in page
        assert str(their_note.pk) not in corrects_options(page)


def test_the_tab_costs_the_same_queries_with_1_or_30_entries_and_notes(
    world: Any, client_for: Any
) -> None:
    client = client_for("therapist")
    client.get(tab_url(world))  # the first request of a sign-in does more

    def queries(**params: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(tab_url(world), params).status_code == 200
        return len(captured)

    share_entries(world, 1)
    sign_notes(world, 1)
    few = (queries(), queries(shared_page="2", notes_page="2"))
    share_entries(world, 29, start=1)
    sign_notes(world, 29, start=1)
    many = (queries(), queries(shared_page="2", notes_page="2"))
    assert few == many
