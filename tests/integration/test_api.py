"""The issue-8 API: a patient's own journal, sharing, practices, support people, education."""

from __future__ import annotations

import json
from typing import Any

from kapcare.integration.models import JournalEntry
from tests.integration.helpers import assign, write_entry
from tests.support.helpers import jordans_link


def post(client: Any, url: str, body: dict[str, Any], method: str = "post") -> Any:
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


def test_a_patient_writes_lists_and_shares_entries_by_api(world: Any, client_for: Any) -> None:
    client = client_for("patient")
    created = post(client, "/api/v1/journal/entries", {"body": "Calm", "mood": 7, "tags": ["x"]})
    assert created.status_code == 201 and created.json()["shared"] is False
    listed = client.get("/api/v1/journal/entries").json()
    assert listed["count"] == 1 and listed["items"][0]["body"] == "Calm"
    entry_id = created.json()["id"]
    shared = post(client, f"/api/v1/journal/entries/{entry_id}/sharing", {"shared": True}, "put")
    assert shared.json()["shared"] is True
    assert JournalEntry.objects.get(pk=entry_id).is_shared


def test_a_mood_out_of_range_is_a_problem_naming_the_field(world: Any, client_for: Any) -> None:
    response = post(client_for("patient"), "/api/v1/journal/entries", {"body": "x", "mood": 12})
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    assert "mood" in json.dumps(response.json()["errors"])


def test_the_api_lists_only_the_patients_own_entries(world: Any, client_for: Any) -> None:
    write_entry(world, "Jordan's")
    assert client_for("patient2").get("/api/v1/journal/entries").json()["count"] == 0


def test_practices_and_check_offs_by_api(world: Any, client_for: Any) -> None:
    item = assign(world)
    client = client_for("patient")
    plan = post(client, f"/api/v1/practices/plan/{item.pk}/checks", {"done": True}).json()
    assert plan[0]["done_today"] is True and plan[0]["weeks"][-1]["done"] == 1


def test_support_invitations_and_grants_by_api(world: Any, client_for: Any) -> None:
    client = client_for("patient")
    bad = post(client, "/api/v1/support/invitations", {"full_name": "R", "relationship": "f"})
    assert bad.status_code == 422 and "email" in json.dumps(bad.json())
    made = post(
        client,
        "/api/v1/support/invitations",
        {
            "full_name": "Robin",
            "relationship": "friend",
            "email": "r@example.com",
            "grants": ["escort"],
        },
    )
    assert made.status_code == 201 and "/support/accept/" in made.json()["accept_url"]
    link = jordans_link(world)
    changed = post(
        client, f"/api/v1/support/people/{link.pk}/grants", {"grants": ["checkins"]}, "put"
    )
    assert changed.json()["grants"] == ["checkins"]
    unknown = post(
        client, f"/api/v1/support/people/{link.pk}/grants", {"grants": ["scores"]}, "put"
    )
    assert unknown.status_code == 422
    assert client.delete(f"/api/v1/support/people/{link.pk}").status_code == 204
    assert client.get("/api/v1/support/people").json()["people"] == []


def test_education_pages_by_api_record_a_receipt(world: Any, client_for: Any) -> None:
    client = client_for("patient")
    pages = client.get("/api/v1/education/pages").json()
    assert {p["slug"] for p in pages} >= {"safety", "what-is-kap"}
    page = client.get("/api/v1/education/pages/safety").json()
    assert "<h2>Going home</h2>" in page["html"]
    again = client.get("/api/v1/education/pages").json()
    assert next(p for p in again if p["slug"] == "safety")["read"] is True


def test_an_entry_written_by_api_names_its_dosing_session(world: Any, client_for: Any) -> None:
    from tests.integration.sessions import held_session

    session = held_session(world, days_ago=1, state="discharged")
    client = client_for("patient")
    created = post(
        client,
        "/api/v1/journal/entries",
        {"body": "The music helped", "mood": 6, "stage": "next_day", "session_id": session.pk},
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["session_id"] == session.pk
    assert body["session_date"] is not None
    assert JournalEntry.objects.get(pk=body["id"]).session_id == session.pk


def test_someone_elses_session_is_a_problem_naming_session_id(world: Any, client_for: Any) -> None:
    from tests.integration.sessions import held_session

    other = held_session(world, days_ago=1, state="discharged", patient=world.sam)
    response = post(
        client_for("patient"),
        "/api/v1/journal/entries",
        {"body": "x", "mood": 5, "session_id": other.pk},
    )
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    assert "session_id" in json.dumps(response.json()["errors"])
    assert not JournalEntry.objects.filter(body="x").exists()
