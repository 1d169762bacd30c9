"""Reported bladder symptoms wait for a prescriber, who reviews them with a note."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from kapcare.exposure import services
from kapcare.exposure.models import BladderCheckReview
from tests.dosing.conftest import actor_of


def reported(world: Any, **symptoms: bool) -> Any:
    from kapcare.clinical import bladder_check

    answers = {key: symptoms.get(key, False) for key in bladder_check.KEYS}
    return services.bladder_check_record(
        actor=actor_of(world, "nurse"), patient=world.jordan, answers=answers
    )


def review_url(world: Any, check: Any) -> str:
    return f"/patients/{world.jordan.pk}/exposure/bladder-checks/{check.pk}/review/"


def test_the_prescriber_reviews_and_the_flag_clears(world: Any, client_for: Any) -> None:
    check = reported(world, frequency=True)
    prescriber = client_for("prescriber")
    response = prescriber.post(review_url(world, check), {"note": "Urinalysis ordered."})
    assert response.status_code == 302
    review = BladderCheckReview.objects.get(bladder_check=check)
    assert review.reviewed_by == world.users["prescriber"]
    page = prescriber.get(f"/patients/{world.jordan.pk}/exposure/").content.decode()
    assert "Bladder symptoms to review" not in page
    assert "Urinalysis ordered." in page


def test_a_nurse_may_not_review(world: Any, client_for: Any) -> None:
    check = reported(world, urgency=True)
    response = client_for("nurse").post(review_url(world, check), {"note": "Fine."})
    assert response.status_code == 403
    assert not BladderCheckReview.objects.exists()


def test_a_review_needs_a_note(world: Any, client_for: Any) -> None:
    check = reported(world, urgency=True)
    response = client_for("prescriber").post(review_url(world, check), {"note": " "})
    assert response.status_code == 400
    assert "Write what was decided" in response.content.decode()


def test_a_check_is_reviewed_once_and_only_when_it_reported_symptoms(world: Any) -> None:
    prescriber = actor_of(world, "prescriber")
    clear = reported(world)
    with pytest.raises(ValidationError, match="nothing to review"):
        services.bladder_check_review(actor=prescriber, check=clear, note="x")
    flagged = reported(world, bladder_pain=True)
    services.bladder_check_review(actor=prescriber, check=flagged, note="Seen.")
    with pytest.raises(ValidationError, match="already reviewed"):
        services.bladder_check_review(actor=prescriber, check=flagged, note="Again.")
