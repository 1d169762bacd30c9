"""A patient writes journal entries on the portal; drafts are kept as they type."""

from __future__ import annotations

from typing import Any

from kapcare.audit.models import AuditEvent
from kapcare.integration.models import JournalEntry, Stage
from kapcare.integration.prompts import DEFAULT_PROMPTS, prompts_for
from tests.integration.helpers import patient_actor, write_entry


def test_a_patient_saves_a_private_entry(world: Any, client_for: Any) -> None:
    client = client_for("patient")
    response = client.post(
        "/portal/journal/new/",
        {"body": "Felt calm.", "mood": "7", "tags": "Calm, sleep, calm", "stage": "any_day"},
    )
    assert response.status_code == 302
    entry = JournalEntry.objects.get(patient=world.jordan)
    assert not entry.is_draft and not entry.is_shared
    assert entry.tags == ["calm", "sleep"]
    page = client.get("/portal/journal/")
    assert "Felt calm." in page.content.decode()
    assert "Private" in page.content.decode()


def test_saving_without_text_or_mood_names_both_fields(world: Any, client_for: Any) -> None:
    response = client_for("patient").post("/portal/journal/new/", {"body": " ", "mood": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Your entry: Write something before saving" in html
    assert "Choose your mood from 0 (very low) to 10 (very good)." in html


def test_a_mood_outside_0_to_10_is_refused(world: Any, client_for: Any) -> None:
    response = client_for("patient").post("/portal/journal/new/", {"body": "x", "mood": "11"})
    assert response.status_code == 400
    assert not JournalEntry.objects.filter(is_draft=False).exists()


def test_the_draft_is_kept_as_they_type_and_comes_back_after_signing_in_again(
    world: Any, client_for: Any
) -> None:
    client = client_for("patient")
    response = client.post(
        "/portal/journal/draft/", {"body": "Half a thought", "mood": "4"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "Draft saved" in response.content.decode()
    client.post("/portal/journal/draft/", {"body": "Half a thought, and more"})
    assert JournalEntry.objects.filter(patient=world.jordan, is_draft=True).count() == 1
    # a new session (after a timeout) finds the draft on the server
    again = client_for("patient").get("/portal/journal/new/")
    assert "Half a thought, and more" in again.content.decode()
    assert AuditEvent.objects.filter(object_type="integration.journalentry").count() == 2


def test_saving_turns_the_draft_into_the_entry(world: Any, client_for: Any) -> None:
    client = client_for("patient")
    client.post("/portal/journal/draft/", {"body": "Draft"})
    client.post("/portal/journal/new/", {"body": "Done", "mood": "5"})
    assert JournalEntry.objects.filter(patient=world.jordan).count() == 1
    assert JournalEntry.objects.get().body == "Done"


def test_prompts_follow_the_stage_and_a_clinic_may_replace_them(world: Any) -> None:
    from kapcare.integration.models import JournalPrompt

    assert prompts_for(world.cedar.pk, Stage.EVENING) == list(DEFAULT_PROMPTS[Stage.EVENING])
    JournalPrompt.objects.create(clinic=world.cedar, stage=Stage.EVENING, text="Our own question")
    assert prompts_for(world.cedar.pk, Stage.EVENING) == ["Our own question"]
    assert prompts_for(world.harbor.pk, Stage.EVENING) == list(DEFAULT_PROMPTS[Stage.EVENING])


def test_the_stage_chosen_shows_its_prompts(world: Any, client_for: Any) -> None:
    html = client_for("patient").get("/portal/journal/new/?stage=week_later").content.decode()
    assert DEFAULT_PROMPTS[Stage.WEEK_LATER][0].replace("'", "&#x27;") in html


def test_stage_for_counts_days_since_the_session() -> None:
    import datetime as dt

    from kapcare.integration.prompts import stage_for

    day = dt.date(2026, 11, 20)
    assert stage_for(day, day) == Stage.EVENING
    assert stage_for(day, day + dt.timedelta(days=1)) == Stage.NEXT_DAY
    assert stage_for(day, day + dt.timedelta(days=7)) == Stage.WEEK_LATER
    assert stage_for(day, day + dt.timedelta(days=3)) == Stage.ANY_DAY
    assert stage_for(None, day) == Stage.ANY_DAY


def test_the_patient_exports_their_own_journal_and_the_export_is_audited(
    world: Any, client_for: Any
) -> None:
    write_entry(world, "First", share=True)
    write_entry(world, "Second")
    client = client_for("patient")
    md = client.get("/portal/journal/export/?format=md")
    assert md["Content-Disposition"] == 'attachment; filename="journal.md"'
    assert "First" in md.content.decode() and "Second" in md.content.decode()
    js = client.get("/portal/journal/export/?format=json")
    assert len(js.json()) == 2
    assert AuditEvent.objects.filter(action="export", patient_id=world.jordan.pk).count() == 2
    assert client.get("/portal/journal/export/?format=pdf").status_code == 400


def test_another_patients_export_holds_none_of_jordans_entries(world: Any, client_for: Any) -> None:
    write_entry(world, "Jordan only")
    js = client_for("patient2").get("/portal/journal/export/?format=json")
    assert js.json() == []


def test_a_draft_save_by_staff_is_refused(world: Any) -> None:
    import pytest
    from django.core.exceptions import ValidationError

    from kapcare.integration import services
    from tests.integration.helpers import staff_actor

    with pytest.raises(ValidationError):
        services.journal_draft_save(actor=staff_actor(world, "therapist"), body="x")
    assert patient_actor(world).patient == world.jordan
