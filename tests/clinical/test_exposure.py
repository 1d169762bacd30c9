"""Cumulative exposure: rolling-window totals, the course, per-session mg/kg, clinic limits."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kapcare.clinical.exposure import (
    Dose,
    ExposureLimits,
    summarise_exposure,
    window_start,
)

DENVER = ZoneInfo("America/Denver")
UTC = dt.UTC
#: Thursday 3 December 2026, 10:00 in Denver (17:00 UTC)
NOW = dt.datetime(2026, 12, 3, 10, 0, tzinfo=DENVER)


def at(day: int, hour: int = 9, month: int = 12) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, 0, tzinfo=DENVER)


def dose(when: dt.datetime, mg: str, session: int = 1, weight: str | None = None) -> Dose:
    return Dose(
        session=session,
        given_at=when,
        mg=Decimal(mg),
        weight_kg=Decimal(weight) if weight else None,
        route="intravenous",
    )


NOV_1 = at(1, 0, 11)


@pytest.mark.parametrize(
    ("doses", "course_start", "week", "month", "course"),
    [
        ([], NOV_1, "0", "0", "0"),
        ([dose(at(3, 8), "35")], NOV_1, "35", "35", "35"),
        # Friday 27 Nov is the first day of "the last 7 days" (today and the 6 before it)
        ([dose(at(27, 0, 11), "40"), dose(at(26, 23, 11), "30", 2)], NOV_1, "40", "70", "70"),
        # 4 Nov is the first of the last 30 days; 3 Nov is before it
        ([dose(at(4, 0, 11), "50"), dose(at(3, 23, 11), "50", 2)], NOV_1, "0", "50", "100"),
        # a dose later today (after "now") is not counted
        ([dose(at(3, 8), "35"), dose(at(3, 11), "35", 2)], NOV_1, "35", "35", "35"),
        # a dose before the course counts in the windows but not in the course
        ([dose(at(30, 12, 11), "60"), dose(at(2, 9), "20", 2)], at(1, 0), "80", "80", "20"),
    ],
    ids=["nothing", "today", "week-boundary", "month-boundary", "future", "before-course"],
)
def test_totals_for_the_week_the_30_days_and_the_course(
    doses: list[Dose], course_start: dt.datetime, week: str, month: str, course: str
) -> None:
    result = summarise_exposure(doses, now=NOW, tz=DENVER, course_start=course_start)
    assert (result.week_mg, result.month_mg, result.course_mg) == (
        Decimal(week),
        Decimal(month),
        Decimal(course),
    )


def test_the_windows_start_at_local_midnight_in_the_clinics_time_zone() -> None:
    assert window_start(NOW, 7, DENVER) == dt.datetime(2026, 11, 27, 0, 0, tzinfo=DENVER)
    assert window_start(NOW, 30, DENVER) == dt.datetime(2026, 11, 4, 0, 0, tzinfo=DENVER)
    # 01:00 UTC on 4 Dec is still 3 Dec in Denver: the same window
    late = dt.datetime(2026, 12, 4, 1, 0, tzinfo=UTC)
    assert window_start(late, 7, DENVER) == window_start(NOW, 7, DENVER)


def test_without_a_course_the_course_total_is_zero() -> None:
    result = summarise_exposure([dose(at(2), "50")], now=NOW, tz=DENVER, course_start=None)
    assert result.course_mg == 0
    assert result.course_sessions == 0
    assert result.week_mg == Decimal(50)


def test_each_session_adds_its_doses_and_gives_mg_per_kg_from_its_weight() -> None:
    doses = [
        dose(at(1, 9), "28", 1),
        dose(at(1, 9) + dt.timedelta(minutes=5), "28", 1),
        dose(at(2, 9), "40", 2, weight="80"),
        dose(at(2, 9) + dt.timedelta(minutes=20), "12.5", 2, weight="80"),
    ]
    result = summarise_exposure(doses, now=NOW, tz=DENVER, course_start=at(1, 0))
    newest, oldest = result.sessions
    assert (newest.session, newest.mg, newest.mg_per_kg) == (2, Decimal("52.5"), Decimal("0.66"))
    assert (oldest.session, oldest.mg, oldest.mg_per_kg) == (1, Decimal(56), None)
    assert result.course_sessions == 2


@pytest.mark.parametrize(
    ("limits", "rule_ids"),
    [
        (ExposureLimits(), []),
        (ExposureLimits(week_mg=Decimal(100)), []),  # at the limit is not above it
        (ExposureLimits(week_mg=Decimal(99)), ["exposure.week_mg_above_clinic_limit"]),
        (ExposureLimits(month_mg=Decimal(150)), ["exposure.month_mg_above_clinic_limit"]),
        (ExposureLimits(course_mg=Decimal(199)), ["exposure.course_mg_above_clinic_limit"]),
        (
            ExposureLimits(session_mg_per_kg=Decimal("0.5")),
            ["exposure.session_mg_per_kg_above_clinic_notice"],
        ),
        (ExposureLimits(session_mg_per_kg=Decimal("0.75")), []),  # 60 mg / 80 kg = 0.75
    ],
)
def test_a_total_above_a_clinic_limit_is_a_warning(
    limits: ExposureLimits, rule_ids: list[str]
) -> None:
    doses = [
        dose(at(2), "60", 1, weight="80"),
        dose(at(30, 9, 11), "40", 2),
        dose(at(10, 9, 11), "100", 3),
    ]
    result = summarise_exposure(doses, now=NOW, tz=DENVER, course_start=at(1, 0, 11), limits=limits)
    assert [f.rule_id for f in result.findings] == rule_ids
    for finding in result.findings:
        assert finding.severity == "warn"
        assert finding.local_choice
        assert "your clinic set, not a published one" in finding.message


def test_the_warning_names_the_total_and_the_clinics_limit() -> None:
    result = summarise_exposure(
        [dose(at(2), "120")],
        now=NOW,
        tz=DENVER,
        course_start=at(1, 0),
        limits=ExposureLimits(week_mg=Decimal("100.0")),
    )
    assert result.findings[0].message.startswith(
        "120 mg in the last 7 days is above the clinic's weekly limit of 100 mg"
    )


def test_a_dose_without_a_time_zone_or_below_zero_is_refused() -> None:
    with pytest.raises(ValueError, match="given_at"):
        Dose(session=1, given_at=dt.datetime(2026, 1, 1), mg=Decimal(1))
    with pytest.raises(ValueError, match="mg"):
        Dose(session=1, given_at=NOW, mg=Decimal(-1))


# Properties ------------------------------------------------------------------


def dose_from(when: dt.datetime, mg: Decimal, session: int) -> Dose:
    return Dose(session=session, given_at=when, mg=mg)


instants = st.datetimes(
    min_value=dt.datetime(2026, 9, 1), max_value=dt.datetime(2026, 12, 3, 16, 59)
).map(lambda d: d.replace(tzinfo=UTC))
amounts = st.decimals(min_value=0, max_value=500, places=2)
doses_strategy = st.lists(
    st.builds(
        dose_from,
        instants,
        amounts,
        st.integers(1, 8),
    ),
    max_size=25,
)


@given(doses_strategy)
def test_each_total_is_the_sum_of_the_doses_in_its_window(doses: list[Dose]) -> None:
    start = dt.datetime(2026, 10, 15, tzinfo=UTC)
    result = summarise_exposure(doses, now=NOW, tz=DENVER, course_start=start)
    week = window_start(NOW, 7, DENVER)
    month = window_start(NOW, 30, DENVER)
    assert result.week_mg == sum((d.mg for d in doses if week <= d.given_at <= NOW), Decimal(0))
    assert result.month_mg == sum((d.mg for d in doses if month <= d.given_at <= NOW), Decimal(0))
    assert result.course_mg == sum((d.mg for d in doses if start <= d.given_at <= NOW), Decimal(0))
    assert sum((s.mg for s in result.sessions), Decimal(0)) == sum(
        (d.mg for d in doses), Decimal(0)
    )
    assert result.week_mg <= result.month_mg


@given(doses_strategy, instants, amounts)
def test_adding_a_dose_never_lowers_a_total(
    doses: list[Dose], when: dt.datetime, mg: Decimal
) -> None:
    start = dt.datetime(2026, 10, 15, tzinfo=UTC)
    before = summarise_exposure(doses, now=NOW, tz=DENVER, course_start=start)
    after = summarise_exposure(
        [*doses, Dose(session=99, given_at=when, mg=mg)], now=NOW, tz=DENVER, course_start=start
    )
    assert after.week_mg >= before.week_mg
    assert after.month_mg >= before.month_mg
    assert after.course_mg >= before.course_mg


@given(st.integers(1, 60), amounts)
def test_the_window_boundary_is_exact_to_the_microsecond(days: int, mg: Decimal) -> None:
    start = window_start(NOW, days, DENVER)
    inside = summarise_exposure([dose_from(start, mg, 1)], now=NOW, tz=DENVER, course_start=start)
    outside = summarise_exposure(
        [dose_from(start - dt.timedelta(microseconds=1), mg, 1)],
        now=NOW,
        tz=DENVER,
        course_start=start,
    )
    if days == 7:
        assert (inside.week_mg, outside.week_mg) == (mg, 0)
    if days == 30:
        assert (inside.month_mg, outside.month_mg) == (mg, 0)
    assert (inside.course_mg, outside.course_mg) == (mg, 0)
