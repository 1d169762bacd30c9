"""The patient's journal shows their entries a page at a time, newest first.

A patient may write every day for years; listing every entry made the page longer
(and slower on a phone) with every one of them. The whole journal stays one download
away, and sharing an entry brings the patient back to the page they were on.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kapcare.audit.models import AuditEvent
from kapcare.integration.views import JOURNAL_PAGE_SIZE
from tests.integration.helpers import write_entry

URL = reverse("integration:journal")


def _write(world: Any, n: int, *, patient: Any = None, start: int = 0) -> list[Any]:
    """``n`` entries, oldest first, each naming its place ("Entry 000", ...)."""
    return [write_entry(world, f"Entry {i:03d}", patient=patient) for i in range(start, start + n)]


def _entries_section(page: str) -> str:
    start = page.index('id="entries-h"')
    return page[start : page.index("</section>", start)]


def test_page_one_shows_the_newest_entries_and_links_to_the_older_ones(
    world: Any, client_for: Any
) -> None:
    entries = _write(world, JOURNAL_PAGE_SIZE + 1)
    client = client_for("patient")

    first = _entries_section(client.get(URL).text)
    assert f"Your entries ({JOURNAL_PAGE_SIZE + 1})" in first
    assert entries[-1].body in first and entries[1].body in first
    assert entries[0].body not in first
    assert first.index(entries[-1].body) < first.index(entries[-2].body)  # newest first
    assert 'href="?entries_page=2#entries-h">Next →</a>' in first
    assert "← Previous" not in first
    assert f"1–{JOURNAL_PAGE_SIZE} of {JOURNAL_PAGE_SIZE + 1}, newest first · page 1 of 2" in first

    second = _entries_section(client.get(URL, {"entries_page": "2"}).text)
    assert entries[0].body in second and entries[1].body not in second
    assert 'href="?entries_page=1#entries-h">← Previous</a>' in second
    assert "Next →" not in second


def test_each_page_is_audited_naming_only_the_entries_shown(world: Any, client_for: Any) -> None:
    entries = _write(world, JOURNAL_PAGE_SIZE + 1)
    client = client_for("patient")
    client.get(URL, {"entries_page": "2"})
    read = AuditEvent.objects.filter(action="view", object_type="integration.journal").latest("pk")
    assert read.patient_id == world.jordan.pk
    assert read.detail == {"ids": [entries[0].pk], "entries_page": 2}

    client.get(URL)
    read = AuditEvent.objects.filter(action="view", object_type="integration.journal").latest("pk")
    newest_first = [entry.pk for entry in reversed(entries[1:])]
    assert read.detail == {"ids": newest_first, "entries_page": 1}


def test_a_bad_page_number_names_the_parameter_and_shows_page_one(
    world: Any, client_for: Any
) -> None:
    entries = _write(world, JOURNAL_PAGE_SIZE + 1)
    response = client_for("patient").get(URL, {"entries_page": "two"})
    assert response.status_code == 200
    listed = _entries_section(response.text)
    assert "entries_page: “two” is not a page number; page 1 is shown." in listed
    assert entries[-1].body in listed and entries[0].body not in listed


def test_a_page_past_the_end_shows_the_last_page_with_a_notice(world: Any, client_for: Any) -> None:
    entries = _write(world, JOURNAL_PAGE_SIZE + 1)
    response = client_for("patient").get(URL, {"entries_page": "9"})
    assert response.status_code == 200
    listed = _entries_section(response.text)
    assert "entries_page: There is no page 9; page 2, the last, is shown." in listed
    assert entries[0].body in listed and entries[1].body not in listed


def test_another_patients_entries_never_appear(world: Any, client_for: Any) -> None:
    _write(world, 2)
    theirs = write_entry(world, "Sam's own thought", patient=world.sam, share=True)
    client = client_for("patient")
    for page in ("1", "2", "9"):
        html = client.get(URL, {"entries_page": page}).text
        assert theirs.body not in html
        assert "Your entries (2)" in html


def test_sharing_from_a_later_page_returns_to_that_page(world: Any, client_for: Any) -> None:
    entries = _write(world, JOURNAL_PAGE_SIZE + 1)
    client = client_for("patient")
    oldest = entries[0]
    page = client.get(URL, {"entries_page": "2"}).text
    assert '<input type="hidden" name="entries_page" value="2">' in page

    response = client.post(
        reverse("integration:journal_share", args=[oldest.pk]), {"share": "1", "entries_page": "2"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?entries_page=2"
    oldest.refresh_from_db()
    assert oldest.is_shared
    landed = client.get(response["Location"]).text
    assert "The entry is shared with your care team." in landed
    assert oldest.body in _entries_section(landed)


def test_sharing_from_page_one_or_with_a_bad_page_returns_to_page_one(
    world: Any, client_for: Any
) -> None:
    entry = write_entry(world, "Only entry")
    client = client_for("patient")
    assert 'name="entries_page"' not in client.get(URL).text  # page 1 needs no page number
    share = reverse("integration:journal_share", args=[entry.pk])
    for sent in ({}, {"entries_page": "1"}, {"entries_page": "//evil.example"}):
        response = client.post(share, {"share": "0", **sent})
        assert response["Location"] == URL


def test_writing_an_entry_still_lands_on_page_one_with_it_on_top(
    world: Any, client_for: Any
) -> None:
    _write(world, JOURNAL_PAGE_SIZE)
    client = client_for("patient")
    response = client.post(reverse("integration:journal_new"), {"body": "Newest one", "mood": "6"})
    assert response.status_code == 302 and response["Location"] == URL
    listed = _entries_section(client.get(URL).text)
    assert listed.index("Newest one") < listed.index("Entry 019")
    assert "Entry 000" not in listed


def _queries(client: Any, **params: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL, params).status_code == 200
    return len(captured)


def test_the_journal_costs_the_same_queries_with_1_or_25_entries(
    world: Any, client_for: Any
) -> None:
    client = client_for("patient")
    client.get(URL)  # the first request of a sign-in does more
    _write(world, 1)
    few = (_queries(client), _queries(client, entries_page="2"))
    _write(world, 24, start=1)
    many = (_queries(client), _queries(client, entries_page="2"))
    assert few == many
