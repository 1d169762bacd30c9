"""The REMS monitoring form's data from a session's readings, and its due date."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kapcare.clinical.rems import Reading, form_due, is_overdue, summarise
from kapcare.clinical.vitals import Thresholds

DOSE = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)


def reading(
    minutes: int, bp: tuple[int, int], spo2: int = 98, rr: int | None = 14, moaas: int | None = None
) -> Reading:
    return Reading(DOSE + timedelta(minutes=minutes), minutes < 0, bp[0], bp[1], spo2, rr, moaas)


def test_the_summary_gathers_sedation_breathing_blood_pressure_and_observation_time() -> None:
    summary = summarise(
        [
            reading(-20, (128, 80)),
            reading(40, (172, 98), moaas=3),
            reading(90, (150, 90), spo2=92, rr=9, moaas=4),
            reading(130, (132, 84), moaas=5),
        ],
        other_moaas=[(DOSE + timedelta(minutes=20), 4)],
        dose_started_at=DOSE,
        observation_ended_at=DOSE + timedelta(minutes=135),
        thresholds=Thresholds(),
    )
    assert [m for _, m in summary.sedation] == [4, 3, 4, 5]
    assert summary.lowest_moaas == 3
    assert summary.pre_dose_bp == (128, 80)
    assert summary.highest_bp == (172, 98)
    assert (summary.systolic_rise, summary.diastolic_rise) == (44, 18)
    assert summary.last_bp == (132, 84)
    assert summary.lowest_spo2 == 92
    # SpO2 below 94 and RR below 10 (the clinic's limits), at the 90-minute reading
    assert [(f.measure, f.value, f.limit) for f in summary.respiratory_findings] == [
        ("SpO2", 92, 94),
        ("Respiratory rate", 9, 10),
    ]
    assert summary.observation_minutes == 135
    assert summary.observation_long_enough is True  # at least 120 minutes [K10b][K14]


def test_a_short_observation_is_flagged() -> None:
    summary = summarise(
        [reading(30, (130, 80))],
        dose_started_at=DOSE,
        observation_ended_at=DOSE + timedelta(minutes=119),
        thresholds=Thresholds(),
    )
    assert summary.observation_long_enough is False


def test_nothing_recorded_gives_no_answers_rather_than_zeros() -> None:
    summary = summarise(
        [], dose_started_at=None, observation_ended_at=None, thresholds=Thresholds()
    )
    assert summary.lowest_moaas is None and summary.highest_bp is None
    assert summary.observation_minutes is None and summary.systolic_rise is None


@pytest.mark.parametrize(
    ("discharged", "days", "due", "overdue_on"),
    [
        (date(2026, 3, 4), 7, date(2026, 3, 11), date(2026, 3, 12)),
        (date(2026, 2, 26), 7, date(2026, 3, 5), date(2026, 3, 6)),
        (date(2026, 12, 30), 3, date(2027, 1, 2), date(2027, 1, 3)),
    ],
)
def test_the_form_is_due_days_after_discharge_and_overdue_the_day_after(
    discharged: date, days: int, due: date, overdue_on: date
) -> None:
    assert form_due(discharged, days) == due
    assert not is_overdue(due, due)
    assert is_overdue(due, overdue_on)


def test_a_nonsense_number_of_days_is_refused() -> None:
    with pytest.raises(ValueError, match="days"):
        form_due(date(2026, 3, 4), 0)


@given(
    st.lists(st.tuples(st.integers(1, 300), st.integers(90, 250), st.integers(40, 89)), min_size=1)
)
def test_the_highest_reading_is_at_least_every_other_reading(
    rows: list[tuple[int, int, int]],
) -> None:
    readings = [reading(m, (s, d)) for m, s, d in rows]
    summary = summarise(
        readings, dose_started_at=DOSE, observation_ended_at=None, thresholds=Thresholds()
    )
    assert summary.highest_bp is not None
    assert all((r.systolic, r.diastolic) <= summary.highest_bp for r in readings)
