"""Bad intake input gets a message naming the field and what is allowed; nothing is saved."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from kapcare.intake.models import Intake
from tests.intake.conftest import COMPLETE

VITALS = COMPLETE["vitals"]
MEDICATION = {
    "med-name": "Sertraline",
    "med-dose": "50",
    "med-unit": "mg",
    "med-frequency": "once_daily",
    "med-drug_class": "other",
}

CASES = [
    (
        "diastolic above systolic",
        "vitals",
        {**VITALS, "vitals-systolic_bp": "120", "vitals-diastolic_bp": "130"},
        "Blood pressure, bottom number (diastolic, mmHg): The bottom number must be lower than "
        "the top number (120): allowed 20 to 119 mmHg.",
    ),
    (
        "a weight of 5 kg",
        "vitals",
        {**VITALS, "vitals-weight": "5"},
        "Weight: Allowed: 25 to 350 kg.",
    ),
    (
        "a weight of 20 lb",
        "vitals",
        {**VITALS, "vitals-weight": "20", "vitals-weight_unit": "lb"},
        "Weight: Allowed: 55 to 772 lb.",
    ),
    (
        "a systolic pressure of 400",
        "vitals",
        {**VITALS, "vitals-systolic_bp": "400"},
        "Blood pressure, top number (systolic, mmHg): Enter a number from 50 to 300 mmHg.",
    ),
    (
        "a pulse of 10",
        "vitals",
        {**VITALS, "vitals-heart_rate": "10"},
        "Resting pulse (beats per minute): Enter a number from 30 to 220 bpm.",
    ),
    (
        "a height of 3 m",
        "vitals",
        {**VITALS, "vitals-height": "300"},
        "Height: Allowed: 100 to 250 cm.",
    ),
    (
        "a suicide attempt date that is not a date",
        "psychiatric",
        {"psychiatric-suicide_attempt_dates": "last spring"},
        "write one date per line as YYYY-MM-DD",
    ),
]

MEDICATION_CASES = [
    (
        "a dose of -1",
        {**MEDICATION, "med-dose": "-1"},
        "Dose per time taken: Enter a number from 0.001 to 10000 (in the unit you choose).",
    ),
    (
        "an unknown medication class",
        {**MEDICATION, "med-drug_class": "antihistamine"},
        "Kind of medicine: Unknown medication class antihistamine. Allowed values: "
        "benzodiazepine, naltrexone, maoi, stimulant, opioid, cns_depressant, lamotrigine, "
        "theophylline, other.",
    ),
    (
        "an unknown unit",
        {**MEDICATION, "med-unit": "spoons"},
        "Unit: Choose one of: mg, mcg, g, mL, units.",
    ),
]


@pytest.mark.parametrize(("case", "section", "data", "message"), CASES, ids=[c[0] for c in CASES])
def test_a_section_with_bad_input_is_refused_with_a_message(
    case: str, section: str, data: dict[str, str], message: str, world: Any, client_for: Any
) -> None:
    client = client_for("patient2")
    response = client.post(reverse("intake:portal_save", args=[section]), data)
    assert response.status_code == 400
    assert message in response.content.decode(), response.content.decode()[-3000:]
    assert not Intake.objects.filter(patient=world.sam, version__gt=0).exists()


@pytest.mark.parametrize(
    ("case", "data", "message"), MEDICATION_CASES, ids=[c[0] for c in MEDICATION_CASES]
)
def test_a_medicine_with_bad_input_is_refused_with_a_message(
    case: str, data: dict[str, str], message: str, world: Any, client_for: Any
) -> None:
    client = client_for("patient2")
    response = client.post(reverse("intake:portal_medication_add"), data, HTTP_HX_REQUEST="true")
    assert message in response.content.decode()
    assert not Intake.objects.filter(patient=world.sam, version__gt=0).exists()
