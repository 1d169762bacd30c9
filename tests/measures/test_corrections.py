"""A submitted response is never edited: a correction is a new response that points at it."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kapcare.measures import services
from kapcare.measures.models import QuestionnaireResponse, SafetyAlert
from kapcare.measures.selectors import current_responses
from tests.measures.helpers import form_data, phq9, staff, submit


def test_a_stored_response_refuses_to_be_changed_or_deleted(world: Any) -> None:
    response = submit(world, phq9(*[1] * 9)).response
    response.total = 0
    with pytest.raises(RuntimeError, match="never edited"):
        response.save()
    with pytest.raises(RuntimeError, match="never deleted"):
        response.delete()
    assert QuestionnaireResponse.objects.get().total == 9


def test_a_correction_is_a_new_response_and_the_original_leaves_the_trajectory(
    world: Any, client_for: Any
) -> None:
    original = submit(world, phq9(*[1] * 9)).response
    url = reverse("measures:correct", args=[world.jordan.pk, original.pk])
    page = client_for("nurse").get(url)
    assert b'name="item-1" value="1" checked' in page.content
    answers = form_data(phq9(1, 1, 1, 1, 1, 1, 1, 1, 0))
    done = client_for("nurse").post(url, {**answers, "reason": "Item 9 misread from paper"})
    assert done.status_code == 302
    correction = QuestionnaireResponse.objects.exclude(pk=original.pk).get()
    assert correction.corrects == original
    assert correction.total == 8
    assert correction.answered_at == original.answered_at
    assert correction.entered_by == world.users["nurse"]
    assert correction.correction_reason == "Item 9 misread from paper"
    original.refresh_from_db()
    assert original.total == 9
    current = current_responses(QuestionnaireResponse.objects.all())
    assert list(current) == [correction]


def test_a_correction_needs_a_reason(world: Any, client_for: Any) -> None:
    original = submit(world, phq9(*[1] * 9)).response
    url = reverse("measures:correct", args=[world.jordan.pk, original.pk])
    page = client_for("nurse").post(url, form_data(phq9(*[0] * 9)))
    assert page.status_code == 400
    assert "Say why the answers are being corrected." in page.content.decode()
    assert QuestionnaireResponse.objects.count() == 1


def test_the_alerts_of_a_corrected_response_stay_open(world: Any) -> None:
    original = submit(world, phq9(0, 0, 0, 0, 0, 0, 0, 0, 2)).response
    services.response_correct(
        actor=staff(world, "therapist"),
        original=original,
        answers=phq9(*[0] * 9),
        reason="Patient says item 9 was ticked by mistake",
    )
    alert = SafetyAlert.objects.get()
    assert alert.status == "open", "only a clinician's note closes a safety alert"


def test_a_correction_that_reports_item_9_raises_its_own_alert(world: Any) -> None:
    original = submit(world, phq9(*[0] * 9)).response
    corrected = services.response_correct(
        actor=staff(world, "therapist"),
        original=original,
        answers=phq9(0, 0, 0, 0, 0, 0, 0, 0, 1),
        reason="Paper form had item 9 ticked",
    )
    assert [a.kind for a in corrected.alerts] == ["suicidal_ideation"]


def test_only_the_latest_version_can_be_corrected(world: Any) -> None:
    original = submit(world, phq9(*[1] * 9)).response
    therapist = staff(world, "therapist")
    services.response_correct(
        actor=therapist, original=original, answers=phq9(*[0] * 9), reason="typo"
    )
    with pytest.raises(ValidationError, match="already been corrected"):
        services.response_correct(
            actor=therapist, original=original, answers=phq9(*[2] * 9), reason="again"
        )
