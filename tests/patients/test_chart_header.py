"""The chart header shows who the patient is, and their allergies once the intake records them."""

from __future__ import annotations

from typing import Any


def test_the_header_says_allergies_are_not_yet_recorded_before_an_intake(
    world: Any, client_for: Any
) -> None:
    page = client_for("nurse").get(f"/patients/{world.jordan.pk}/").content.decode()
    assert "Allergies: not yet recorded" in page


def test_the_header_shows_the_allergies_from_the_intake(world: Any, client_for: Any) -> None:
    from kapcare.intake.models import Intake

    Intake.objects.create(
        clinic=world.cedar,
        patient=world.jordan,
        data={"medical": {"allergies": "Penicillin (rash)"}},
    )
    page = client_for("nurse").get(f"/patients/{world.jordan.pk}/").content.decode()
    assert "<strong>Penicillin (rash)</strong>" in page


def test_the_header_says_no_known_allergies_when_the_patient_says_so(
    world: Any, client_for: Any
) -> None:
    from kapcare.intake.models import Intake

    Intake.objects.create(
        clinic=world.cedar, patient=world.jordan, data={"medical": {"no_known_allergies": True}}
    )
    assert (
        "No known allergies"
        in client_for("nurse").get(f"/patients/{world.jordan.pk}/").content.decode()
    )
