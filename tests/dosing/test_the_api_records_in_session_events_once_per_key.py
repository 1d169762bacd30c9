"""The in-session record through the API: each write needs a key and replays its first answer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from kapcare.audit.models import AuditEvent
from kapcare.dosing.idempotency import MAX_KEY_LENGTH
from kapcare.dosing.models import (
    Administration,
    AdverseEvent,
    AdverseEventFollowUp,
    IdempotencyKey,
    InfusionEvent,
    Intervention,
    Observation,
    TherapistNote,
)
from tests.dosing.api.helpers import write
from tests.dosing.record_helpers import running

pytestmark = pytest.mark.django_db


def base(session: Any) -> str:
    return f"/api/v1/patients/{session.patient_id}/sessions/{session.pk}"


def post(client: Any, url: str, data: dict[str, Any], key: str | None = None) -> Any:
    """POST JSON with an Idempotency-Key: a fresh one unless given; "" sends none."""
    return write(client, url, data, key)


AE = {
    "description": "Vomited once",
    "severity": "moderate",
    "action_taken": "Ondansetron 4 mg oral",
    "outcome": "ongoing",
    "reportable": True,
}


#: a field of each body that another request would send differently
CHANGED = {
    "observations": "note",
    "interventions": "detail",
    "adverse-events": "description",
    "therapist-notes": "text",
}


@pytest.mark.parametrize(
    ("path", "body", "model", "persona"),
    [
        ("observations", {"moaas": 3, "nausea": "mild"}, Observation, "nurse"),
        (
            "interventions",
            {"category": "antiemetic", "medicine": "Ondansetron", "dose": "4 mg", "route": "oral"},
            Intervention,
            "nurse",
        ),
        ("adverse-events", AE, AdverseEvent, "nurse"),
        ("therapist-notes", {"text": "Calm", "guidance": ["music"]}, TherapistNote, "therapist"),
    ],
)
def test_a_retried_write_with_the_same_key_replays_the_first_answer(
    world: Any, client_for: Any, path: str, body: dict[str, Any], model: Any, persona: str
) -> None:
    session = running(world)
    client = client_for(persona)
    first = post(client, f"{base(session)}/{path}", body, key="tablet-1")
    assert first.status_code == 201, first.content
    assert "Idempotent-Replayed" not in first
    audited = AuditEvent.objects.count()
    again = post(client, f"{base(session)}/{path}", body, key="tablet-1")
    assert again.status_code == 201
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert model.objects.count() == 1
    assert AuditEvent.objects.count() == audited
    changed = {**body, CHANGED[path]: "something else"}
    reused = post(client, f"{base(session)}/{path}", changed, key="tablet-1")
    assert reused.status_code == 422
    assert reused["Content-Type"] == "application/problem+json"
    assert reused.json()["errors"][0]["field"] == "Idempotency-Key"
    assert model.objects.count() == 1
    assert AuditEvent.objects.count() == audited


def _event(nurse: Any, session: Any) -> str:
    made = post(nurse, f"{base(session)}/adverse-events", AE)
    assert made.status_code == 201, made.content
    return f"{base(session)}/adverse-events/{made.json()['id']}/follow-ups"


def _infusion(nurse: Any, session: Any) -> str:
    given = Administration.objects.get(session=session)
    return f"{base(session)}/administrations/{given.pk}/events"


#: every write of the in-session record: where it goes, a valid body, the rows it would add
WRITES: dict[str, tuple[Callable[[Any, Any], str], dict[str, Any], Any]] = {
    "observation": (lambda nurse, s: f"{base(s)}/observations", {"moaas": 4}, Observation),
    "intervention": (
        lambda nurse, s: f"{base(s)}/interventions",
        {"category": "reassurance"},
        Intervention,
    ),
    "adverse event": (lambda nurse, s: f"{base(s)}/adverse-events", AE, AdverseEvent),
    "follow-up": (_event, {"outcome": "resolved"}, AdverseEventFollowUp),
    "therapist's note": (
        lambda nurse, s: f"{base(s)}/therapist-notes",
        {"text": "x"},
        TherapistNote,
    ),
    "infusion pause": (_infusion, {"kind": "pause", "reason": "Nausea"}, InfusionEvent),
}


@pytest.mark.parametrize("name", list(WRITES))
@pytest.mark.parametrize("key", ["", "k" * (MAX_KEY_LENGTH + 1)], ids=["missing", "too long"])
def test_a_write_without_a_usable_key_is_refused_and_writes_nothing(
    world: Any, client_for: Any, name: str, key: str
) -> None:
    session = running(world)
    nurse = client_for("nurse")
    where, body, model = WRITES[name]
    url = where(nurse, session)
    client = client_for("therapist") if model is TherapistNote else nurse
    rows, audited, keys = (
        model.objects.count(),
        AuditEvent.objects.count(),
        IdempotencyKey.objects.count(),
    )

    refused = post(client, url, body, key=key)

    assert refused.status_code == 400, refused.content
    assert refused["Content-Type"] == "application/problem+json"
    problem = refused.json()
    assert problem["title"] == "Idempotency key required"
    assert f"Idempotency-Key header of 1 to {MAX_KEY_LENGTH} characters" in problem["detail"]
    assert problem["errors"] == [
        {"field": "Idempotency-Key", "message": f"is required, 1 to {MAX_KEY_LENGTH} characters"}
    ]
    assert model.objects.count() == rows
    assert AuditEvent.objects.count() == audited
    assert IdempotencyKey.objects.count() == keys
    # the same write with a key goes through, once
    made = post(client, url, body, key="retry-1")
    assert made.status_code == 201, made.content
    assert model.objects.count() == rows + 1


def test_a_low_moaas_comes_back_with_its_alert_and_the_record_lists_it(
    world: Any, client_for: Any
) -> None:
    session = running(world)
    nurse = client_for("nurse")
    made = post(nurse, f"{base(session)}/observations", {"moaas": 2}).json()
    assert made["findings"][0]["rule_id"] == "sedation.moaas_alert"
    event = post(nurse, f"{base(session)}/adverse-events", AE).json()
    follow = post(
        nurse,
        f"{base(session)}/adverse-events/{event['id']}/follow-ups",
        {"outcome": "resolved"},
        key="f1",
    )
    assert follow.status_code == 201 and AdverseEventFollowUp.objects.count() == 1
    record = nurse.get(f"{base(session)}/record").json()
    assert [o["moaas"] for o in record["observations"]] == [2]
    assert record["adverse_events"][0]["outcome"] == "resolved"


def test_bad_input_is_a_problem_document_naming_the_field(world: Any, client_for: Any) -> None:
    session = running(world)
    nurse = client_for("nurse")
    refused = post(nurse, f"{base(session)}/observations", {"moaas": 9})
    assert refused.status_code == 422
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["errors"][0]["field"] == "moaas"
    refused = post(nurse, f"{base(session)}/adverse-events", {**AE, "severity": "awful"})
    assert [e["field"] for e in refused.json()["errors"]] == ["severity"]
    assert not AdverseEvent.objects.exists()


def test_an_infusion_stopped_through_the_api_records_the_calculated_dose(
    world: Any, client_for: Any
) -> None:
    session = running(world, minutes_ago=10)
    given = Administration.objects.get(session=session)
    url = f"{base(session)}/administrations/{given.pk}/events"
    nurse = client_for("nurse")
    stop = post(nurse, url, {"kind": "stop", "reason": "Hypertension"}, key="s1")
    assert stop.status_code == 201, stop.content
    assert stop.json()["given_mg"] == stop.json()["calculated_mg"] == "10.0"
    again = post(nurse, url, {"kind": "stop", "reason": "Hypertension"}, key="s1")
    assert again.json() == stop.json()
    assert InfusionEvent.objects.count() == 1


def test_a_nurse_may_not_write_the_therapists_note_and_another_clinic_finds_nothing(
    world: Any, client_for: Any
) -> None:
    session = running(world)
    assert (
        post(client_for("nurse"), f"{base(session)}/therapist-notes", {"text": "x"}).status_code
        == 403
    )
    assert (
        post(client_for("other"), f"{base(session)}/observations", {"moaas": 5}).status_code == 404
    )
    assert client_for("other").get(f"{base(session)}/record").status_code == 404
    assert not Observation.objects.exists() and not TherapistNote.objects.exists()
