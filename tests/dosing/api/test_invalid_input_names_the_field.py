"""Bad input answers problem+json naming each field and what is allowed; nothing is written."""

from __future__ import annotations

from typing import Any

import pytest

from kapcare.dosing.models import DosingSession, VitalsReading
from tests.api.helpers import field_errors, problem
from tests.dosing.api.helpers import act, session_url, token_client, write
from tests.dosing.conftest import open_session

pytestmark = pytest.mark.django_db


def test_implausible_vitals_name_every_field_and_its_allowed_range(world: Any) -> None:
    session = open_session(world)
    refused = write(
        token_client(world, "nurse"),
        session_url(session, "vitals"),
        {"phase": "later", "systolic": 350, "diastolic": 80, "heart_rate": 10, "spo2": "high"},
    )
    errors = field_errors(problem(refused, 422))
    assert "pre_dose" in errors["phase"] and "allowed" in errors["phase"]
    assert "outside the allowed 50 to 300 mmHg" in errors["systolic"]
    assert "outside the allowed 20 to 250 bpm" in errors["heart_rate"]
    assert "spo2" in errors
    assert not VitalsReading.objects.exists()


def test_the_pure_rules_refusal_names_its_field(world: Any) -> None:
    session = open_session(world)
    refused = write(
        token_client(world, "nurse"),
        session_url(session, "vitals"),
        {"phase": "pre_dose", "systolic": 120, "diastolic": 130, "heart_rate": 70, "spo2": 98},
    )
    assert "must be above diastolic" in field_errors(problem(refused, 422))["systolic"]
    moaas = write(
        token_client(world, "nurse"),
        session_url(session, "vitals"),
        {
            "phase": "pre_dose",
            "systolic": 120,
            "diastolic": 80,
            "heart_rate": 70,
            "spo2": 98,
            "moaas": 7,
        },
    )
    assert "0 to 5" in field_errors(problem(moaas, 422))["moaas"]


def test_missing_and_unknown_fields_are_named(world: Any) -> None:
    session = open_session(world)
    refused = write(token_client(world, "nurse"), session_url(session, "abort"), {"why": "x"})
    errors = field_errors(problem(refused, 422))
    assert errors["version"] == "is required"
    assert errors["reason"] == "is required"
    assert errors["why"] == "is not a known field"


def test_a_weight_outside_the_range_is_refused_naming_it(world: Any) -> None:
    session = open_session(world)
    refused = act(token_client(world, "nurse"), session, "weight", weight_kg="500")
    assert "between 20 and 350 kg" in field_errors(problem(refused, 422))["weight_kg"]
    assert DosingSession.objects.get(pk=session.pk).weight_kg is None
