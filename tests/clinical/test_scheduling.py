"""Schedule generation: spacing, closed days, clock changes, label weeks and slot lengths."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kapcare.clinical.findings import Severity
from kapcare.clinical.plans import load_templates
from kapcare.clinical.scheduling import (
    ESKETAMINE_LABEL_WEEKS,
    AppointmentType,
    Series,
    default_duration_minutes,
    dosing_duration,
    esketamine_label_series,
    generate_plan_appointments,
    generate_series,
)

MON_WED_FRI = frozenset({0, 2, 4})
WEEKDAYS = frozenset(range(5))
DENVER = "America/Denver"
LONDON = "Europe/London"
NINE = time(9, 0)


def series(**overrides: Any) -> Series:
    arguments: dict[str, Any] = {
        "start": date(2026, 3, 2),
        "sessions": 6,
        "min_spacing_days": 2,
        "max_spacing_days": 4,
        "open_weekdays": MON_WED_FRI,
        "closed_dates": frozenset(),
        "preferred_time": NINE,
        "time_zone": DENVER,
        "duration_minutes": 195,
    }
    arguments.update(overrides)
    return generate_series(**arguments)


def local_days(result: Series, zone: str) -> list[date]:
    return [start.astimezone(ZoneInfo(zone)).date() for start, _ in result]


def rule_ids(result: Series) -> set[str]:
    return {f.rule_id for f in result.findings}


# -- the reference's schedules ----------------------------------------------------------------


def test_six_iv_infusions_three_times_a_week_take_twelve_days() -> None:
    result = series()
    days = local_days(result, DENVER)
    assert days == [date(2026, 3, d) for d in (2, 4, 6, 9, 11, 13)]
    assert (days[-1] - days[0]).days + 1 == 12
    assert result.complete
    assert result.findings == ()


def test_weekly_im_titration_sessions_are_a_week_apart() -> None:
    result = series(sessions=5, min_spacing_days=7, max_spacing_days=None, open_weekdays=WEEKDAYS)
    days = local_days(result, DENVER)
    assert [(b - a).days for a, b in pairwise(days)] == [7, 7, 7, 7]


def test_the_esketamine_label_series_is_twice_weekly_for_4_weeks_then_weekly_for_4() -> None:
    result = esketamine_label_series(
        date(2026, 3, 2),
        open_weekdays=WEEKDAYS,
        closed_dates=frozenset(),
        preferred_time=NINE,
        time_zone=LONDON,
    )
    days = local_days(result, LONDON)
    assert len(result) == 12
    assert result.findings == ()
    day_one = days[0]
    per_week = [sum(1 for d in days if (d - day_one).days // 7 == w) for w in range(8)]
    assert per_week == [2, 2, 2, 2, 1, 1, 1, 1]
    assert days[:2] == [date(2026, 3, 2), date(2026, 3, 5)]


def test_the_esketamine_label_week_structure_adds_up_to_12_doses() -> None:
    assert sum(block.sessions for block in ESKETAMINE_LABEL_WEEKS) == 12


def test_esketamine_slots_are_long_enough_for_two_hours_of_observation() -> None:
    result = esketamine_label_series(
        date(2026, 3, 2),
        open_weekdays=WEEKDAYS,
        closed_dates=frozenset(),
        preferred_time=NINE,
        time_zone=LONDON,
    )
    assert all(end - start == timedelta(minutes=155) for start, end in result)


def test_an_esketamine_week_the_clinic_cannot_fill_is_reported_not_moved() -> None:
    closed = frozenset(date(2026, 3, d) for d in (10, 11, 12, 13))
    result = esketamine_label_series(
        date(2026, 3, 2),
        open_weekdays=WEEKDAYS,
        closed_dates=closed,
        preferred_time=NINE,
        time_zone=LONDON,
    )
    assert len(result) == 11
    assert not result.complete
    [finding] = result.findings
    assert finding.rule_id == "scheduling.week_not_filled"
    assert "Week 2" in finding.message
    assert finding.sources == ("K13",)


# -- daylight saving --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "day", "utc_hour"),
    [
        (DENVER, date(2026, 3, 6), 16),  # MST, UTC-7
        (DENVER, date(2026, 3, 9), 15),  # MDT, UTC-6 (clocks went forward on 8 March)
        (DENVER, date(2026, 10, 30), 15),
        (DENVER, date(2026, 11, 2), 16),  # back to MST on 1 November
        (LONDON, date(2026, 3, 27), 9),  # GMT
        (LONDON, date(2026, 3, 30), 8),  # BST (clocks went forward on 29 March)
        (LONDON, date(2026, 10, 23), 8),
        (LONDON, date(2026, 10, 26), 9),  # back to GMT on 25 October
    ],
)
def test_a_nine_oclock_appointment_stays_at_nine_local_across_the_clock_change(
    zone: str, day: date, utc_hour: int
) -> None:
    result = series(start=day, sessions=1, time_zone=zone, open_weekdays=frozenset(range(7)))
    [(start, end)] = result
    assert start == datetime(day.year, day.month, day.day, utc_hour, tzinfo=UTC)
    assert start.astimezone(ZoneInfo(zone)).time() == NINE
    assert end - start == timedelta(minutes=195)


@pytest.mark.parametrize(
    ("zone", "day", "asked", "utc", "local"),
    [
        (
            DENVER,
            date(2026, 3, 8),
            time(2, 30),
            datetime(2026, 3, 8, 9, 30, tzinfo=UTC),
            time(3, 30),
        ),
        (
            LONDON,
            date(2026, 3, 29),
            time(1, 30),
            datetime(2026, 3, 29, 1, 30, tzinfo=UTC),
            time(2, 30),
        ),
    ],
)
def test_a_time_lost_when_clocks_go_forward_moves_forward_and_is_reported(
    zone: str, day: date, asked: time, utc: datetime, local: time
) -> None:
    result = series(
        start=day, sessions=1, time_zone=zone, preferred_time=asked, open_weekdays=frozenset({6})
    )
    [(start, _)] = result
    assert start == utc
    assert start.astimezone(ZoneInfo(zone)).time() == local
    [finding] = result.findings
    assert finding.rule_id == "scheduling.nonexistent_local_time"
    assert finding.severity is Severity.INFO
    assert local.strftime("%H:%M") in finding.message


@pytest.mark.parametrize(
    ("zone", "day", "asked", "utc"),
    [
        (DENVER, date(2026, 11, 1), time(1, 30), datetime(2026, 11, 1, 7, 30, tzinfo=UTC)),
        (LONDON, date(2026, 10, 25), time(1, 30), datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
    ],
)
def test_a_time_that_happens_twice_when_clocks_go_back_takes_the_first_and_is_reported(
    zone: str, day: date, asked: time, utc: datetime
) -> None:
    result = series(
        start=day, sessions=1, time_zone=zone, preferred_time=asked, open_weekdays=frozenset({6})
    )
    [(start, _)] = result
    assert start == utc
    assert [f.rule_id for f in result.findings] == ["scheduling.ambiguous_local_time"]


def test_an_appointment_across_the_clock_change_lasts_its_real_duration() -> None:
    result = series(
        start=date(2026, 3, 8),
        sessions=1,
        preferred_time=time(1, 0),
        open_weekdays=frozenset({6}),
        duration_minutes=120,
    )
    [(start, end)] = result
    assert end - start == timedelta(minutes=120)
    assert end.astimezone(ZoneInfo(DENVER)).time() == time(4, 0)


# -- closures and spacing ---------------------------------------------------------------------


def test_a_closed_date_moves_the_session_to_the_next_open_day() -> None:
    result = series(closed_dates=frozenset({date(2026, 3, 4)}))
    assert local_days(result, DENVER)[:3] == [date(2026, 3, 2), date(2026, 3, 6), date(2026, 3, 9)]


def test_a_gap_longer_than_the_maximum_is_booked_and_reported() -> None:
    result = series(closed_dates=frozenset({date(2026, 3, 9)}))
    days = local_days(result, DENVER)
    assert days[3] == date(2026, 3, 11)
    assert len(result) == 6
    [finding] = result.findings
    assert finding.rule_id == "scheduling.max_spacing_exceeded"
    assert finding.severity is Severity.WARN
    assert "Sessions 3 and 4 are 5 days apart" in finding.message


def test_a_series_with_no_open_day_left_stops_with_a_blocking_finding() -> None:
    mondays = frozenset(date(2026, 3, 9) + timedelta(weeks=w) for w in range(60))
    result = series(open_weekdays=frozenset({0}), closed_dates=mondays, max_spacing_days=None)
    assert len(result) == 1
    assert not result.complete
    [finding] = result.findings
    assert finding.rule_id == "scheduling.no_open_day"
    assert finding.severity is Severity.BLOCK
    assert "Only 1 of 6" in finding.message


def test_a_series_behaves_like_a_tuple_of_utc_slots() -> None:
    result = series()
    first_start, first_end = result[0]
    assert result[-1] == result.slots[-1]
    assert result[:2] == result.slots[:2]
    assert first_start.tzinfo is UTC
    assert first_end > first_start


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"start": datetime(2026, 3, 2, 9, tzinfo=UTC)}, r"start: must be a date"),
        ({"sessions": 0}, r"sessions: 0 is out of range"),
        ({"min_spacing_days": 0}, r"min_spacing_days: 0 is out of range"),
        ({"min_spacing_days": -1}, r"min_spacing_days: -1 is out of range"),
        ({"max_spacing_days": 1}, r"max_spacing_days: 1 is out of range; allowed: 2"),
        ({"open_weekdays": frozenset()}, r"open_weekdays: must be a non-empty set"),
        ({"open_weekdays": frozenset({7})}, r"open_weekdays: 7 is not a weekday"),
        ({"closed_dates": frozenset({datetime(2026, 3, 4, tzinfo=UTC)})}, r"closed_dates"),
        ({"preferred_time": time(9, tzinfo=UTC)}, r"preferred_time: must be a local"),
        ({"time_zone": "Mountain"}, r"time_zone: 'Mountain' is not a known IANA zone"),
        ({"duration_minutes": 0}, r"duration_minutes: 0 is out of range"),
        ({"sessions": True}, r"sessions: must be a whole number"),
    ],
)
def test_input_that_cannot_describe_a_calendar_is_refused_naming_the_argument(
    overrides: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        series(**overrides)


# -- appointment durations --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("route", "minutes", "observation_sources"),
    [
        ("iv_racemic", 15 + 10 + 40 + 120 + 10, ("K16b",)),
        ("im_racemic", 15 + 5 + 120 + 10, ("K16b",)),
        ("sublingual_racemic", 15 + 15 + 120 + 10, ("K16b",)),
        ("intranasal_esketamine", 15 + 10 + 120 + 10, ("K10b", "K11", "K14")),
    ],
)
def test_a_dosing_slot_adds_check_in_dose_observation_and_discharge(
    route: str, minutes: int, observation_sources: tuple[str, ...]
) -> None:
    breakdown = dosing_duration(route)
    assert breakdown.total_minutes == minutes
    observation = next(p for p in breakdown.parts if p.label.startswith("Observation"))
    assert observation.minutes == 120
    assert observation.sources == observation_sources
    assert observation.local_choice is (route != "intranasal_esketamine")


def test_the_iv_infusion_part_is_the_sourced_40_minutes() -> None:
    infusion = next(p for p in dosing_duration("iv_racemic").parts if "Infusion" in p.label)
    assert (infusion.minutes, infusion.sources, infusion.local_choice) == (40, ("K1",), False)


def test_a_longer_clinic_observation_lengthens_the_dosing_slot() -> None:
    assert dosing_duration("im_racemic", observation_minutes=180).total_minutes == 210


def test_an_esketamine_observation_below_two_hours_is_refused() -> None:
    with pytest.raises(ValueError, match="below the 120 minutes"):
        dosing_duration("intranasal_esketamine", observation_minutes=90)


def test_infusion_minutes_only_apply_to_iv() -> None:
    with pytest.raises(ValueError, match="infusion_minutes: does not apply"):
        dosing_duration("im_racemic", infusion_minutes=40)


@pytest.mark.parametrize(
    ("kind", "minutes"),
    [("preparation", 60), ("integration", 60), ("consultation", 60), ("follow_up", 30)],
)
def test_non_dosing_appointments_have_clinic_default_lengths(kind: str, minutes: int) -> None:
    assert default_duration_minutes(kind, "iv_racemic") == minutes


def test_an_unknown_appointment_type_is_refused_with_the_allowed_types() -> None:
    with pytest.raises(ValueError, match="allowed: dosing, preparation"):
        default_duration_minutes("massage", "iv_racemic")


# -- a whole plan ------------------------------------------------------------------------------


@pytest.mark.parametrize("template_id", sorted(load_templates()))
def test_a_plan_generates_preparation_then_dosing_then_integration(template_id: str) -> None:
    plan = load_templates()[template_id].plan
    result = generate_plan_appointments(
        plan,
        start=date(2026, 3, 2),
        open_weekdays=WEEKDAYS,
        closed_dates=frozenset(),
        preferred_time=NINE,
        time_zone=LONDON,
    )
    prep = result.of_kind(AppointmentType.PREPARATION)
    doses = result.of_kind(AppointmentType.DOSING)
    integration = result.of_kind(AppointmentType.INTEGRATION)
    assert len(prep) == plan.therapy.preparation_sessions
    assert len(doses) == plan.induction.sessions
    expected = [n for n in range(1, len(doses) + 1) if plan.therapy.integration_follows(n)]
    assert [a.dose_number for a in integration] == expected
    first_dose_day = doses[0].start.date()
    lead = plan.therapy.preparation_days_before_first_dose
    assert all((first_dose_day - p.start.date()).days >= lead for p in prep)
    for session in integration:
        dose = doses[session.dose_number - 1]  # type: ignore[operator]
        assert session.start >= dose.end
    assert all(
        a.end - a.start == timedelta(minutes=dosing_duration(plan.route).total_minutes)
        for a in doses
    )
    assert [a.start for a in result.appointments] == sorted(a.start for a in result.appointments)


def test_an_integration_session_that_lands_on_a_dosing_slot_is_reported() -> None:
    plan = load_templates()["iv_racemic_induction"].plan
    result = generate_plan_appointments(
        plan,
        start=date(2026, 3, 2),
        open_weekdays=WEEKDAYS,
        closed_dates=frozenset(),
        preferred_time=NINE,
        time_zone=LONDON,
    )
    assert "scheduling.integration_overlaps_dose" in {f.rule_id for f in result.findings}


def test_same_day_integration_starts_when_the_dosing_slot_ends() -> None:
    plan = load_templates()["sublingual_kap"].plan
    plan = dataclasses.replace(
        plan, therapy=dataclasses.replace(plan.therapy, integration_days_after_dose=0)
    )
    result = generate_plan_appointments(
        plan,
        start=date(2026, 3, 2),
        open_weekdays=WEEKDAYS,
        closed_dates=frozenset(),
        preferred_time=NINE,
        time_zone=LONDON,
        durations={AppointmentType.INTEGRATION: 45},
    )
    doses = result.of_kind(AppointmentType.DOSING)
    for session in result.of_kind(AppointmentType.INTEGRATION):
        dose = doses[session.dose_number - 1]  # type: ignore[operator]
        assert session.start == dose.end
        assert session.end - session.start == timedelta(minutes=45)
    assert result.findings == ()


# -- properties --------------------------------------------------------------------------------

zones = st.sampled_from([DENVER, LONDON])
starts = st.dates(min_value=date(2026, 1, 1), max_value=date(2027, 12, 31))
weekdays = st.frozensets(st.integers(0, 6), min_size=1)
closures = st.frozensets(
    st.dates(min_value=date(2026, 1, 1), max_value=date(2028, 12, 31)), max_size=40
)
times = st.times().map(lambda t: t.replace(second=0, microsecond=0))


@st.composite
def spacing(draw: st.DrawFn) -> tuple[int, int | None]:
    low = draw(st.integers(1, 10))
    high = draw(st.one_of(st.none(), st.integers(low, low + 10)))
    return low, high


@settings(max_examples=150, deadline=None)
@given(
    start=starts,
    sessions=st.integers(1, 15),
    gaps=spacing(),
    open_days=weekdays,
    closed=closures,
    at=times,
    zone=zones,
    minutes=st.integers(1, 300),
)
def test_generated_series_always_keep_every_promise(
    start: date,
    sessions: int,
    gaps: tuple[int, int | None],
    open_days: frozenset[int],
    closed: frozenset[date],
    at: time,
    zone: str,
    minutes: int,
) -> None:
    low, high = gaps
    arguments: dict[str, Any] = {
        "start": start,
        "sessions": sessions,
        "min_spacing_days": low,
        "max_spacing_days": high,
        "open_weekdays": open_days,
        "closed_dates": closed,
        "preferred_time": at,
        "time_zone": zone,
        "duration_minutes": minutes,
    }
    result = generate_series(**arguments)
    days = local_days(result, zone)
    ids = rule_ids(result)

    # deterministic
    assert generate_series(**arguments) == result
    # length equals sessions requested, or a finding explains why
    assert len(result) == sessions or "scheduling.no_open_day" in ids
    # no session on a closed day or a closed weekday, none before start
    assert all(d.weekday() in open_days and d not in closed and d >= start for d in days)
    # spacing never below the minimum, in local calendar days
    assert all((b - a).days >= low for a, b in pairwise(days))
    # every gap beyond the maximum is reported
    too_long = sum(1 for a, b in pairwise(days) if high is not None and (b - a).days > high)
    assert sum(f.rule_id == "scheduling.max_spacing_exceeded" for f in result.findings) == too_long
    # UTC out, real duration, wall-clock time kept unless the clock change is reported
    local_zone = ZoneInfo(zone)
    for start_utc, end_utc in result:
        assert start_utc.tzinfo is UTC
        assert end_utc - start_utc == timedelta(minutes=minutes)
        local = start_utc.astimezone(local_zone)
        if local.time() != at:
            assert "scheduling.nonexistent_local_time" in ids
            assert any(local.date().isoformat() in f.message for f in result.findings)


@settings(max_examples=100, deadline=None)
@given(start=starts, open_days=weekdays, closed=closures, at=times, zone=zones)
def test_esketamine_label_series_keep_the_label_weeks_and_spacing(
    start: date, open_days: frozenset[int], closed: frozenset[date], at: time, zone: str
) -> None:
    arguments: dict[str, Any] = {
        "open_weekdays": open_days,
        "closed_dates": closed,
        "preferred_time": at,
        "time_zone": zone,
    }
    result = esketamine_label_series(start, **arguments)
    assert esketamine_label_series(start, **arguments) == result
    days = local_days(result, zone)
    ids = rule_ids(result)
    assert all(d.weekday() in open_days and d not in closed for d in days)
    assert all((b - a).days >= 2 for a, b in pairwise(days))
    if days:
        per_week = [sum(1 for d in days if (d - days[0]).days // 7 == w) for w in range(8)]
        assert all(n <= cap for n, cap in zip(per_week, [2, 2, 2, 2, 1, 1, 1, 1], strict=True))
        assert all((d - days[0]).days < 56 for d in days)
    unfilled = sum(1 for f in result.findings if f.rule_id == "scheduling.week_not_filled")
    assert len(result) == 12 or unfilled or "scheduling.no_open_day" in ids
    for start_utc, _ in result:
        if start_utc.astimezone(ZoneInfo(zone)).time() != at:
            assert "scheduling.nonexistent_local_time" in ids


@settings(max_examples=60, deadline=None)
@given(
    template_id=st.sampled_from(sorted(load_templates())),
    start=starts,
    open_days=weekdays,
    closed=closures,
    zone=zones,
)
def test_plan_appointments_overlap_only_when_a_finding_says_so(
    template_id: str, start: date, open_days: frozenset[int], closed: frozenset[date], zone: str
) -> None:
    result = generate_plan_appointments(
        load_templates()[template_id].plan,
        start=start,
        open_weekdays=open_days,
        closed_dates=closed,
        preferred_time=NINE,
        time_zone=zone,
    )
    ordered = sorted(result.appointments, key=lambda a: a.start)
    overlaps = [(a, b) for a, b in pairwise(ordered) if b.start < a.end]
    if overlaps:
        assert "scheduling.integration_overlaps_dose" in {f.rule_id for f in result.findings}
    for a, b in overlaps:
        assert AppointmentType.INTEGRATION in (a.kind, b.kind)


TRANSITIONS = {
    DENVER: (date(2026, 3, 8), date(2026, 11, 1), date(2027, 3, 14), date(2027, 11, 7)),
    LONDON: (date(2026, 3, 29), date(2026, 10, 25), date(2027, 3, 28), date(2027, 10, 31)),
}


@st.composite
def near_a_clock_change(draw: st.DrawFn) -> tuple[str, date, time]:
    zone = draw(zones)
    change = draw(st.sampled_from(TRANSITIONS[zone]))
    start = change - timedelta(days=draw(st.integers(0, 10)))
    hour = draw(st.sampled_from([0, 1, 2, 3, 9, 23]))
    return zone, start, time(hour, draw(st.sampled_from([0, 15, 30, 59])))


@settings(max_examples=200, deadline=None)
@given(case=near_a_clock_change(), spacing_days=st.integers(1, 3))
def test_daily_series_through_a_clock_change_keep_local_time_or_report_the_shift(
    case: tuple[str, date, time], spacing_days: int
) -> None:
    zone, start, at = case
    result = series(
        start=start,
        sessions=12,
        min_spacing_days=spacing_days,
        max_spacing_days=None,
        open_weekdays=frozenset(range(7)),
        time_zone=zone,
        preferred_time=at,
    )
    assert len(result) == 12
    shifted = {f.message for f in result.findings if f.rule_id.endswith("_local_time")}
    local_zone = ZoneInfo(zone)
    for start_utc, _ in result:
        local = start_utc.astimezone(local_zone)
        day = local.date().isoformat()
        if local.time() != at:
            assert local.time() > at
            assert any(day in m and "moved forward" in m for m in shifted)
        if local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset():
            assert any(day in m and "happens twice" in m for m in shifted)
