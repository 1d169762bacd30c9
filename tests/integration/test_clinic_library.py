"""A clinic adds its own journal prompts and practices, and retires them."""

from __future__ import annotations

from typing import Any

from kapcare.integration.models import JournalPrompt, Practice
from kapcare.integration.prompts import prompts_for


def test_a_clinics_prompt_replaces_our_defaults_for_that_stage(world: Any, client_for: Any) -> None:
    client = client_for("therapist")
    response = client.post(
        "/integration/settings/", {"add": "prompt", "stage": "next_day", "text": "What is new?"}
    )
    assert response.status_code == 302
    assert prompts_for(world.cedar.pk, "next_day") == ["What is new?"]
    prompt = JournalPrompt.objects.get(clinic=world.cedar)
    client.post(f"/integration/settings/prompt/{prompt.pk}/retire/")
    assert "What is new?" not in prompts_for(world.cedar.pk, "next_day")


def test_a_clinics_practice_joins_the_library_and_can_be_retired(
    world: Any, client_for: Any
) -> None:
    client = client_for("nurse")
    client.post(
        "/integration/settings/",
        {"add": "practice", "p-category": "creative", "p-name": "Clay work", "p-description": ""},
    )
    assert "Clay work" in client.get("/integration/settings/").content.decode()
    practice = Practice.objects.get(clinic=world.cedar)
    client.post(f"/integration/settings/practice/{practice.pk}/retire/")
    practice.refresh_from_db()
    assert not practice.is_active


def test_a_missing_question_is_named(world: Any, client_for: Any) -> None:
    response = client_for("therapist").post(
        "/integration/settings/", {"add": "prompt", "stage": "evening", "text": ""}
    )
    assert response.status_code == 400
    assert "Question: This field is required." in response.content.decode()


def test_our_defaults_and_other_clinics_items_cannot_be_retired(
    world: Any, client_for: Any
) -> None:
    default = Practice.objects.filter(clinic=None).first()
    theirs = Practice.objects.create(clinic=world.harbor, category="nature", name="Harbor walk")
    client = client_for("therapist")
    assert client.post(f"/integration/settings/practice/{default.pk}/retire/").status_code == 404
    assert client.post(f"/integration/settings/practice/{theirs.pk}/retire/").status_code == 404


def test_admins_do_not_edit_clinical_prompts(world: Any, client_for: Any) -> None:
    assert client_for("admin").get("/integration/settings/").status_code == 403
