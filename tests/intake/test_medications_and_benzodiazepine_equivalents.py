"""Medicines are listed with dose, unit, frequency and class; benzodiazepines get an estimate."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from kapcare.intake.models import Intake


def add(client: Any, **fields: str) -> Any:
    data = {
        "med-name": "Clonazepam",
        "med-dose": "1",
        "med-unit": "mg",
        "med-frequency": "twice_daily",
        "med-drug_class": "benzodiazepine",
    }
    data.update({f"med-{k}": v for k, v in fields.items()})
    return client.post(reverse("intake:portal_medication_add"), data, HTTP_HX_REQUEST="true")


@pytest.mark.parametrize(
    ("name", "dose", "unit", "frequency", "expected"),
    [
        # Ashton: clonazepam 0.5 mg = 10 mg diazepam, so 2 mg a day = 40 mg
        ("Clonazepam", "1", "mg", "twice_daily", 40.0),
        ("Klonopin", "0.5", "mg", "once_daily", 10.0),
        ("lorazepam", "500", "mcg", "twice_daily", 10.0),
        ("Diazepam", "4", "mg", "twice_daily", 8.0),
    ],
)
def test_a_benzodiazepine_is_converted_to_a_daily_diazepam_equivalent_estimate(
    name: str,
    dose: str,
    unit: str,
    frequency: str,
    expected: float,
    world: Any,
    client_for: Any,
) -> None:
    client = client_for("patient2")
    response = add(client, name=name, dose=dose, unit=unit, frequency=frequency)
    assert response.status_code == 200
    item = Intake.objects.get(patient=world.sam).data["medications"]["items"][0]
    assert item["diazepam_equivalent_mg_per_day"] == expected
    assert item["conversion_table"] == "ashton"
    assert item["conversion_table_version"]
    assert "estimate" in response.content.decode().lower()


def test_an_as_needed_benzodiazepine_is_left_for_the_prescriber(
    world: Any, client_for: Any
) -> None:
    client = client_for("patient2")
    add(client, frequency="as_needed")
    item = Intake.objects.get(patient=world.sam).data["medications"]["items"][0]
    assert item["diazepam_equivalent_mg_per_day"] is None
    assert "prescriber" in item["conversion_note"]


def test_a_medicine_can_be_removed(world: Any, client_for: Any) -> None:
    client = client_for("patient2")
    add(client)
    item = Intake.objects.get(patient=world.sam).data["medications"]["items"][0]
    response = client.post(
        reverse("intake:portal_medication_remove", args=[item["id"]]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert Intake.objects.get(patient=world.sam).data["medications"]["items"] == []


def test_numbers_are_stored_as_people_write_them(world: Any, client_for: Any) -> None:
    client = client_for("patient2")
    add(client, name="Sertraline", dose="50", frequency="once_daily", drug_class="other")
    client.post(
        reverse("intake:portal_save", args=["vitals"]),
        {"vitals-height": "170", "vitals-height_unit": "cm", "vitals-weight_unit": "kg"},
    )
    data = Intake.objects.get(patient=world.sam).data
    assert data["medications"]["items"][0]["dose"] == "50"
    assert data["vitals"]["height"] == "170"
