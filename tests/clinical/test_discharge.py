"""Discharge criteria asked in minutes since the dose, at and around each threshold."""

from __future__ import annotations

from typing import Any

import pytest

from kapcare.clinical.discharge import DischargeAssessment, assess_discharge, may_discharge
from kapcare.clinical.vitals import VitalSigns

ESKETAMINE = "intranasal_esketamine"
CALM = VitalSigns(systolic=128, diastolic=82, heart_rate=76, spo2=98, respiratory_rate=14)


def case(**changes: Any) -> DischargeAssessment:
    kwargs: dict[str, Any] = {
        "route": ESKETAMINE,
        "minutes_since_dose": 120,
        "last_vitals": CALM,
        "minutes_since_last_vitals": 5,
        "last_moaas": 5,
        "escort_present": True,
        "no_driving_acknowledged": True,
        "steady_on_feet": True,
        "nausea_controlled": True,
    }
    kwargs.update(changes)
    return assess_discharge(**kwargs)


def test_the_issue_example_90_minutes_after_esketamine_is_not_ready() -> None:
    r = case(minutes_since_dose=90)
    assert r.ready is False
    assert r.unmet_ids == ("observation_time",)
    assert "120 minutes" in r.unmet[0]
    assert r.minutes_remaining == 30


@pytest.mark.parametrize(
    ("minutes", "ready", "remaining"),
    [(119, False, 1), (119.5, False, 1), (120, True, 0), (121, True, 0)],
)
def test_esketamine_needs_at_least_two_hours(minutes: float, ready: bool, remaining: int) -> None:
    r = case(minutes_since_dose=minutes)
    assert r.ready is ready
    assert r.minutes_remaining == remaining
    assert r.min_observation_minutes == 120


def test_esketamine_floor_cannot_be_lowered_by_a_clinic_setting() -> None:
    with pytest.raises(ValueError, match="min_observation_minutes"):
        case(min_observation_minutes=60)


def test_racemic_observation_is_a_clinic_setting() -> None:
    assert case(route="iv_racemic", minutes_since_dose=60, min_observation_minutes=60).ready
    assert not case(route="iv_racemic", minutes_since_dose=59, min_observation_minutes=60).ready
    assert case(route="iv_racemic", minutes_since_dose=119).unmet_ids == ("observation_time",)


def test_nothing_recorded_means_every_criterion_is_unmet() -> None:
    r = assess_discharge(route=ESKETAMINE, minutes_since_dose=10)
    assert r.unmet_ids == (
        "observation_time",
        "vitals_recorded",
        "sedation_recorded",
        "steady_on_feet",
        "nausea_controlled",
        "escort_present",
        "no_driving_acknowledged",
    )
    assert len(r.unmet) == len(r.unmet_ids)


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        ({"last_moaas": 4}, "moaas_5"),
        ({"escort_present": False}, "escort_present"),
        ({"no_driving_acknowledged": False}, "no_driving_acknowledged"),
        ({"steady_on_feet": False}, "steady_on_feet"),
        ({"nausea_controlled": False}, "nausea_controlled"),
        ({"open_alerts": ["BP 182/100"]}, "open_alerts"),
        ({"minutes_since_last_vitals": 121}, "vitals_after_dose"),
        (
            {"last_vitals": VitalSigns(systolic=185, diastolic=100, heart_rate=80, spo2=98)},
            "vitals_within_thresholds",
        ),
    ],
)
def test_each_unmet_criterion_is_named(change: dict[str, Any], rule: str) -> None:
    r = case(**change)
    assert r.ready is False
    assert rule in r.unmet_ids


def test_moaas_4_passes_when_the_clinic_does_not_require_5() -> None:
    assert case(last_moaas=4, require_moaas_5=False).ready
    assert "moaas_alert" in case(last_moaas=3, require_moaas_5=False).unmet_ids


@pytest.mark.parametrize("bad", [-1, float("nan"), float("inf"), True, "90"])
def test_bad_minutes_are_refused_naming_the_argument(bad: Any) -> None:
    with pytest.raises(ValueError, match="minutes_since_dose"):
        case(minutes_since_dose=bad)


def test_unknown_route_is_refused_listing_the_routes() -> None:
    with pytest.raises(ValueError, match=r"route: 'oral'.*iv_racemic"):
        case(route="oral")


def test_override_needs_a_written_reason() -> None:
    blocked = case(minutes_since_dose=30)
    assert not may_discharge(blocked)
    assert not may_discharge(blocked, override_reason="   ")
    assert may_discharge(blocked, override_reason="Transfer to ED by ambulance")
    assert may_discharge(case())
