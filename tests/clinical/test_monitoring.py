"""Vitals schedules and discharge readiness, driven by a clock the test controls."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kapcare.clinical.dosing import Route
from kapcare.clinical.monitoring import (
    DEFAULT_SCHEDULES,
    DischargeReadiness,
    VitalsSchedule,
    discharge_readiness,
    minimum_observation_minutes,
    next_vitals_due,
)
from kapcare.clinical.vitals import VitalSigns

START = datetime(2025, 3, 4, 9, 0, tzinfo=UTC)
ESKETAMINE = "intranasal_esketamine"
CALM = VitalSigns(systolic=128, diastolic=82, heart_rate=76, spo2=98, respiratory_rate=14)


def at(minutes: float) -> datetime:
    return START + timedelta(minutes=minutes)


def due(route: str, readings: Sequence[float], now: float) -> Any:
    return next_vitals_due(route, START, [at(m) for m in readings], at(now))


# -- schedules ----------------------------------------------------------------------


def test_every_route_has_a_default_schedule() -> None:
    assert set(DEFAULT_SCHEDULES) == set(Route)


@pytest.mark.parametrize(
    ("readings", "next_offset"),
    [
        ((), 0),
        ((0,), 15),
        ((0, 15), 30),
        ((0, 15, 30), 45),
        ((0, 15, 30, 45), 60),
        ((0, 15, 30, 45, 60), 90),
    ],
)
def test_iv_vitals_follow_the_0_15_30_45_60_90_minute_protocol(
    readings: tuple[float, ...], next_offset: int
) -> None:
    n = due("iv_racemic", readings, now=readings[-1] if readings else 0)
    assert n.offset_minutes == next_offset
    assert n.due_at == at(next_offset)
    assert n.sources == ("K18",)
    assert n.local_choice is False


def test_after_the_iv_protocol_readings_repeat_every_30_minutes_as_a_local_choice() -> None:
    n = due("iv_racemic", (0, 15, 30, 45, 60, 90), now=95)
    assert n.offset_minutes == 120
    assert n.local_choice is True
    assert n.sources == ()
    assert due("iv_racemic", (0, 15, 30, 45, 60, 90, 120), now=125).offset_minutes == 150


def test_esketamine_vitals_are_due_about_40_minutes_after_the_dose() -> None:
    n = due(ESKETAMINE, (), now=10)
    assert n.offset_minutes == 40
    assert n.due_at == at(40)
    assert n.sources == ("K10", "K12")
    assert n.overdue is False
    assert "40 minutes" in n.label


def test_after_the_40_minute_check_esketamine_readings_repeat_as_a_local_choice() -> None:
    n = due(ESKETAMINE, (41,), now=42)
    assert n.offset_minutes == 70
    assert n.local_choice is True


def test_readings_during_esketamine_dosing_do_not_count_for_the_40_minute_check() -> None:
    assert due(ESKETAMINE, (10, 20), now=25).offset_minutes == 40


@pytest.mark.parametrize(
    ("taken", "next_offset"),
    [(9, 15), (10, 30), (14, 30), (15, 30)],
)
def test_a_reading_up_to_5_minutes_early_counts_for_its_slot(
    taken: float, next_offset: int
) -> None:
    assert due("iv_racemic", (0, taken), now=taken).offset_minutes == next_offset


@pytest.mark.parametrize(("now", "overdue"), [(15, False), (15.01, True), (40, True)])
def test_a_reading_is_overdue_only_once_its_time_has_passed(now: float, overdue: bool) -> None:
    assert due("iv_racemic", (0,), now=now).overdue is overdue


def test_a_late_reading_moves_the_countdown_on_and_lists_the_slots_it_skipped() -> None:
    n = due("iv_racemic", (50,), now=50)
    assert n.offset_minutes == 60
    assert n.missed_offsets_minutes == (0, 15, 30)


def test_when_nothing_has_been_taken_the_first_slot_stays_due_and_overdue() -> None:
    n = due("iv_racemic", (), now=50)
    assert n.offset_minutes == 0
    assert n.overdue is True


def test_before_the_dose_a_pre_dose_reading_is_due_at_once_until_one_is_taken() -> None:
    n = next_vitals_due(ESKETAMINE, None, [], START)
    assert n is not None
    assert n.label == "Pre-dose vital signs"
    assert n.due_at == START
    assert next_vitals_due(ESKETAMINE, None, [at(-5)], START) is None


def test_a_schedule_without_repeats_ends_after_its_last_reading() -> None:
    schedule = VitalsSchedule(
        offsets_minutes=(0, 30),
        offsets_sources=(),
        offsets_local_choice=True,
        repeat_every_minutes=None,
        early_tolerance_minutes=5,
        note="clinic",
    )
    readings = [at(0), at(30)]
    assert next_vitals_due("im_racemic", START, readings, at(31), schedule=schedule) is None


@pytest.mark.parametrize(
    ("offsets", "repeat", "tolerance"),
    [((), 30, 5), ((-5, 10), 30, 5), ((0, 0), 30, 5), ((0, 15), 30, 15), ((0, 15), 5, 5)],
)
def test_a_schedule_that_cannot_work_is_refused(
    offsets: tuple[int, ...], repeat: int, tolerance: int
) -> None:
    with pytest.raises(ValueError, match=r"^(offsets_minutes|early_tolerance_minutes): "):
        VitalsSchedule(
            offsets_minutes=offsets,
            offsets_sources=(),
            offsets_local_choice=True,
            repeat_every_minutes=repeat,
            early_tolerance_minutes=tolerance,
            note="",
        )


def test_naive_times_are_refused_by_name() -> None:
    naive = datetime(2025, 3, 4, 9, 0)  # naive on purpose
    with pytest.raises(ValueError, match=r"^now: must be timezone-aware"):
        next_vitals_due(ESKETAMINE, START, [], naive)
    with pytest.raises(ValueError, match=r"^dose_started_at: must be timezone-aware"):
        next_vitals_due(ESKETAMINE, naive, [], at(1))
    with pytest.raises(ValueError, match=r"^readings_taken_at: must be timezone-aware"):
        next_vitals_due(ESKETAMINE, START, [naive], at(1))


def test_times_in_the_future_are_refused() -> None:
    with pytest.raises(ValueError, match=r"^readings_taken_at: .* later than now"):
        next_vitals_due(ESKETAMINE, START, [at(10)], at(5))
    with pytest.raises(ValueError, match=r"^dose_started_at: .* later than now"):
        next_vitals_due(ESKETAMINE, at(10), [], at(5))


def test_times_in_other_zones_are_compared_as_instants() -> None:
    clinic = timezone(timedelta(hours=-5))
    reading = at(0).astimezone(clinic)
    assert next_vitals_due("iv_racemic", START, [reading], at(1)).offset_minutes == 15  # type: ignore[union-attr]


# -- minimum observation --------------------------------------------------------------


@pytest.mark.parametrize(
    ("route", "setting", "minutes"),
    [
        (ESKETAMINE, None, 120),
        (ESKETAMINE, 120, 120),
        (ESKETAMINE, 150, 150),
        ("iv_racemic", None, 120),
        ("iv_racemic", 60, 60),
        ("sublingual_racemic", 90, 90),
    ],
)
def test_the_minimum_observation_is_the_routes_default_or_the_clinics_setting(
    route: str, setting: int | None, minutes: int
) -> None:
    assert minimum_observation_minutes(route, setting) == minutes


def test_a_clinic_cannot_observe_esketamine_for_less_than_the_labels_2_hours() -> None:
    with pytest.raises(ValueError, match=r"min_observation_minutes: 119 is below the 120 minutes"):
        minimum_observation_minutes(ESKETAMINE, 119)


@pytest.mark.parametrize("setting", [0, -30, True, 90.5])
def test_an_observation_setting_that_is_not_a_positive_whole_number_is_refused(
    setting: object,
) -> None:
    with pytest.raises(ValueError, match=r"^min_observation_minutes: must be a whole number"):
        minimum_observation_minutes("iv_racemic", setting)  # type: ignore[arg-type]


# -- discharge ------------------------------------------------------------------------


def ready_case(**changes: Any) -> DischargeReadiness:
    kwargs: dict[str, Any] = {
        "route": ESKETAMINE,
        "dose_ended_at": START,
        "now": at(120),
        "last_vitals": CALM,
        "last_moaas": 5,
        "escort_present": True,
        "no_driving_acknowledged": True,
        "open_alerts": (),
        "steady_on_feet": True,
        "nausea_controlled": True,
    }
    kwargs.update(changes)
    return discharge_readiness(**kwargs)


def test_a_patient_who_meets_every_criterion_is_ready() -> None:
    r = ready_case()
    assert r.ready is True
    assert r.unmet == ()
    assert r.observation_ends_at == at(120)


def test_the_issue_example_90_minutes_after_esketamine_is_not_ready_for_observation_time() -> None:
    r = ready_case(now=at(90))
    assert r.ready is False
    assert r.unmet_ids == ("observation_time",)
    assert r.unmet == (
        "The minimum observation of 120 minutes after the dose is not over: 30 minutes to go.",
    )


@pytest.mark.parametrize(
    ("now", "ready", "left"),
    [(119, False, "1 minute to go"), (119.5, False, "1 minute to go"), (120, True, None)],
)
def test_esketamine_discharge_waits_for_exactly_120_minutes(
    now: float, ready: bool, left: str | None
) -> None:
    r = ready_case(now=at(now))
    assert r.ready is ready
    if left:
        assert left in r.unmet[0]


def test_a_racemic_session_uses_the_clinics_observation_setting() -> None:
    assert ready_case(route="iv_racemic", now=at(60), min_observation_minutes=60).ready
    assert not ready_case(route="iv_racemic", now=at(60)).ready  # default 120


@pytest.mark.parametrize(
    ("changes", "criterion"),
    [
        ({"last_vitals": None}, "vitals_recorded"),
        (
            {"last_vitals": VitalSigns(systolic=150, diastolic=95, heart_rate=80, spo2=98)},
            "vitals_within_thresholds",
        ),
        (
            {"last_vitals": VitalSigns(systolic=120, diastolic=80, heart_rate=80, spo2=93)},
            "vitals_within_thresholds",
        ),
        ({"last_vitals_taken_at": at(-1)}, "vitals_after_dose"),
        ({"last_moaas": None}, "sedation_recorded"),
        ({"last_moaas": 4}, "moaas_5"),
        ({"last_moaas": 3, "require_moaas_5": False}, "moaas_alert"),
        ({"steady_on_feet": False}, "steady_on_feet"),
        ({"nausea_controlled": False}, "nausea_controlled"),
        ({"escort_present": False}, "escort_present"),
        ({"no_driving_acknowledged": False}, "no_driving_acknowledged"),
        ({"open_alerts": ("BP 182/96 at 40 min",)}, "open_alerts"),
    ],
)
def test_each_unmet_criterion_blocks_discharge_with_its_own_reason(
    changes: dict[str, Any], criterion: str
) -> None:
    r = ready_case(**changes)
    assert r.ready is False
    assert r.unmet_ids == (criterion,)
    assert len(r.unmet) == 1
    assert r.unmet[0]


def test_a_moaas_of_4_passes_when_the_clinic_does_not_require_5() -> None:
    assert ready_case(last_moaas=4, require_moaas_5=False).ready


def test_a_discharge_reading_taken_after_the_dose_is_accepted() -> None:
    assert ready_case(last_vitals_taken_at=at(115)).ready


def test_every_open_alert_is_listed_by_name() -> None:
    r = ready_case(open_alerts=["SpO2 89% at 30 min", "MOAA/S 3 at 20 min"])
    assert r.unmet == (
        "An alert is still open: SpO2 89% at 30 min",
        "An alert is still open: MOAA/S 3 at 20 min",
    )


def test_all_unmet_criteria_are_reported_together_not_just_the_first() -> None:
    r = ready_case(
        now=at(30),
        last_vitals=None,
        last_moaas=3,
        escort_present=False,
        no_driving_acknowledged=False,
        steady_on_feet=False,
        nausea_controlled=False,
        open_alerts=("x",),
    )
    assert r.unmet_ids == (
        "observation_time",
        "vitals_recorded",
        "moaas_5",
        "steady_on_feet",
        "nausea_controlled",
        "escort_present",
        "no_driving_acknowledged",
        "open_alerts",
    )


def test_the_no_driving_reason_says_until_the_next_day() -> None:
    (reason,) = ready_case(no_driving_acknowledged=False).unmet
    assert "no driving until the next day" in reason


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"dose_ended_at": at(200)}, r"^dose_ended_at: .* later than now"),
        ({"now": datetime(2025, 3, 4, 11, 0)}, r"^now: must be timezone-aware"),
        ({"open_alerts": "BP high"}, r"^open_alerts: must be a list"),
        ({"last_moaas": 6}, r"^moaas: must be a whole number from 0 to 5"),
        ({"route": "oral"}, r"^route: 'oral' is unknown"),
        ({"min_observation_minutes": 60}, r"^min_observation_minutes: 60 is below"),
    ],
)
def test_discharge_input_that_cannot_be_right_is_refused(
    changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        ready_case(**changes)


@given(
    minutes=st.integers(min_value=0, max_value=600),
    setting=st.none() | st.integers(min_value=120, max_value=480),
    escort=st.booleans(),
    moaas=st.integers(min_value=0, max_value=5),
)
def test_discharge_is_ready_exactly_when_nothing_is_unmet(
    minutes: int, setting: int | None, escort: bool, moaas: int
) -> None:
    r = ready_case(
        now=at(minutes), min_observation_minutes=setting, escort_present=escort, last_moaas=moaas
    )
    assert r.ready is (r.unmet == ())
    assert len(r.unmet) == len(r.unmet_ids)
    if minutes < r.min_observation_minutes:
        assert not r.ready
        assert "observation_time" in r.unmet_ids
    if r.ready:
        assert minutes >= 120
        assert escort
        assert moaas == 5
