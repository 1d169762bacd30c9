"""Laying a course of sessions onto a clinic's calendar, in UTC, without a database.

A plan says "6 infusions, 2 to 4 days apart"; a clinic is open some weekdays,
closed on some dates, and lives in a time zone with daylight-saving changes.
This module turns the one into the other: dates that respect the spacing,
skip closed days and keep the patient's 09:00 at 09:00 local time through a
clock change. Times go out as aware UTC datetimes (what the database stores).

Decisions, stated once:

- Spacing is counted in calendar days between local dates, never in hours, so
  a clock change cannot make two sessions "closer" than the minimum.
- Every session is placed on the first open day on or after the earliest day
  the minimum spacing allows. The minimum is never broken. When closures
  push a gap past the maximum, the session is still booked on that first
  open day and a ``warn`` finding names the sessions and the gap, because a
  person must decide (move it earlier by hand, accept it, or change the
  plan); refusing the whole series would help nobody.
- If no open day exists within ``SEARCH_HORIZON_DAYS`` of where a session is
  due, the series stops there and a ``block`` finding says how many of the
  requested sessions were placed and why. A result is therefore always as
  long as requested, or carries a finding that explains the shortfall.
- A local time that does not exist (02:30 on a spring-forward day) is moved
  forward by the length of the gap (to 03:30) and reported; a local time that
  happens twice (01:30 on a fall-back day) takes the first occurrence and is
  reported. Both are ``info`` findings, so staff see the shifted time.
- The end of an appointment is its start plus ``duration_minutes`` of real
  elapsed time, so a session across a clock change lasts exactly as long.

Nothing here reads the system clock.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from types import MappingProxyType
from typing import Final, overload
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kapcare.clinical.dosing import ESKETAMINE_ALLOWED_DOSES_MG, ESKETAMINE_DEVICE_INTERVAL_MINUTES
from kapcare.clinical.findings import Finding, Severity
from kapcare.clinical.monitoring import minimum_observation_minutes
from kapcare.clinical.plans.model import TreatmentPlan, WeekBlock, validate_plan
from kapcare.clinical.routes import ROUTE_LABELS, Route, parse_route

#: How far past a session's earliest day to look for an open day before giving up.
SEARCH_HORIZON_DAYS: Final = 366
#: Longest appointment kapcare lays out (a full clinic day).
MAX_DURATION_MINUTES: Final = 12 * 60

#: The esketamine label's week structure: twice weekly in weeks 1-4, once weekly
#: in weeks 5-8 [K13].
ESKETAMINE_LABEL_WEEKS: Final = (
    WeekBlock(first_week=1, last_week=4, sessions_per_week=2),
    WeekBlock(first_week=5, last_week=8, sessions_per_week=1),
)
#: Days between the two weekly esketamine doses. The reference is silent on a
#: minimum gap; 2 days is kapcare's default (local choice, clinic-editable).
ESKETAMINE_DEFAULT_MIN_SPACING_DAYS: Final = 2

Slot = tuple[datetime, datetime]


@dataclass(frozen=True, slots=True)
class Series:
    """Appointment slots (start, end) in UTC, plus what the caller must know about them.

    Iterates, indexes and measures like the tuple of slots it holds, so
    ``for start, end in series`` and ``len(series)`` work directly.
    """

    slots: tuple[Slot, ...]
    findings: tuple[Finding, ...]
    requested: int

    def __iter__(self) -> Iterator[Slot]:
        return iter(self.slots)

    def __len__(self) -> int:
        return len(self.slots)

    @overload
    def __getitem__(self, index: int) -> Slot: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[Slot, ...]: ...
    def __getitem__(self, index: int | slice) -> Slot | tuple[Slot, ...]:
        return self.slots[index]

    @property
    def complete(self) -> bool:
        """True when every requested session was placed."""
        return len(self.slots) == self.requested


# -- calendar arithmetic ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Calendar:
    open_weekdays: frozenset[int]
    closed_dates: frozenset[date]
    preferred_time: time
    zone: ZoneInfo
    duration: timedelta

    def is_open(self, day: date) -> bool:
        return day.weekday() in self.open_weekdays and day not in self.closed_dates

    def first_open(self, earliest: date, latest: date | None = None) -> date | None:
        """The first open day from ``earliest`` (up to ``latest`` or the search horizon)."""
        last = earliest + timedelta(days=SEARCH_HORIZON_DAYS) if latest is None else latest
        day = earliest
        while day <= last:
            if self.is_open(day):
                return day
            day += timedelta(days=1)
        return None

    def slot(self, day: date, label: str, at: time | None = None) -> tuple[Slot, list[Finding]]:
        return local_slot(
            day, self.preferred_time if at is None else at, self.zone, self.duration, label
        )


def local_slot(
    day: date, at: time, zone: ZoneInfo, duration: timedelta, label: str = "The appointment"
) -> tuple[Slot, list[Finding]]:
    """(start, end) in UTC for a local wall-clock time, with findings for a clock change.

    A nonexistent time moves forward by the gap; an ambiguous one takes its
    first occurrence. See the module docstring.
    """
    wall = datetime.combine(day, at)
    first = wall.replace(tzinfo=zone, fold=0)
    second = wall.replace(tzinfo=zone, fold=1)
    findings: list[Finding] = []
    start = first.astimezone(UTC)
    if first.utcoffset() != second.utcoffset():
        shown = start.astimezone(zone)
        if shown.replace(tzinfo=None) != wall:
            findings.append(
                Finding(
                    rule_id="scheduling.nonexistent_local_time",
                    severity=Severity.INFO,
                    message=(
                        f"{label} on {day.isoformat()} at {at:%H:%M} falls in the clock change "
                        f"(that time does not exist in {zone.key}); it is moved forward to "
                        f"{shown:%H:%M}."
                    ),
                    action="Check the time with the patient, or pick another time.",
                )
            )
        else:
            findings.append(
                Finding(
                    rule_id="scheduling.ambiguous_local_time",
                    severity=Severity.INFO,
                    message=(
                        f"{label} on {day.isoformat()} at {at:%H:%M} happens twice when the "
                        f"clocks go back in {zone.key}; the first {at:%H:%M} "
                        f"({shown:%Z}) is booked."
                    ),
                    action="Tell the patient which one, or pick another time.",
                )
            )
    return (start, start + duration), findings


def _calendar(
    *,
    open_weekdays: frozenset[int],
    closed_dates: frozenset[date],
    preferred_time: time,
    time_zone: str,
    duration_minutes: int,
) -> _Calendar:
    if not isinstance(open_weekdays, frozenset | set) or not open_weekdays:
        raise ValueError(
            "open_weekdays: must be a non-empty set of weekdays; allowed: 0 (Monday) to 6 (Sunday)"
        )
    for day in open_weekdays:
        if isinstance(day, bool) or not isinstance(day, int) or not 0 <= day <= 6:
            raise ValueError(
                f"open_weekdays: {day!r} is not a weekday; allowed: 0 (Monday) to 6 (Sunday)"
            )
    for closed in closed_dates:
        if isinstance(closed, datetime) or not isinstance(closed, date):
            raise ValueError(f"closed_dates: {closed!r} is not a date (a day, without a time)")
    if not isinstance(preferred_time, time):
        raise ValueError(f"preferred_time: must be a time, got {preferred_time!r}")
    if preferred_time.tzinfo is not None:
        raise ValueError(
            "preferred_time: must be a local wall-clock time without a time zone "
            "(the zone is time_zone)"
        )
    _whole("duration_minutes", duration_minutes, 1, MAX_DURATION_MINUTES)
    return _Calendar(
        open_weekdays=frozenset(open_weekdays),
        closed_dates=frozenset(closed_dates),
        preferred_time=preferred_time.replace(fold=0),
        zone=zone_info(time_zone),
        duration=timedelta(minutes=duration_minutes),
    )


def zone_info(time_zone: str) -> ZoneInfo:
    """The IANA zone, or ValueError naming ``time_zone``."""
    if not isinstance(time_zone, str) or not time_zone:
        raise ValueError(
            f"time_zone: must be an IANA zone name such as 'Europe/London', got {time_zone!r}"
        )
    try:
        return ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"time_zone: {time_zone!r} is not a known IANA zone name "
            "(for example 'America/Denver' or 'Europe/London')"
        ) from None


def _whole(name: str, value: object, low: int, high: int | None = None) -> int:
    top = "" if high is None else f" to {high}"
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name}: must be a whole number from {low}{top}, got {value!r}")
    if value < low or (high is not None and value > high):
        raise ValueError(f"{name}: {value} is out of range; allowed: {low}{top}")
    return value


def _start_date(start: object) -> date:
    if isinstance(start, datetime) or not isinstance(start, date):
        raise ValueError(f"start: must be a date (a day, without a time), got {start!r}")
    return start


def _no_open_day(placed: int, requested: int, due: date) -> Finding:
    return Finding(
        rule_id="scheduling.no_open_day",
        severity=Severity.BLOCK,
        message=(
            f"Only {placed} of {requested} sessions could be placed: there is no open day "
            f"within {SEARCH_HORIZON_DAYS} days of {due.isoformat()}."
        ),
        action="Check the clinic's open weekdays and closed dates, then book the rest by hand.",
    )


# -- plain spacing ------------------------------------------------------------------------


def generate_series(
    *,
    start: date,
    sessions: int,
    min_spacing_days: int,
    max_spacing_days: int | None,
    open_weekdays: frozenset[int],
    closed_dates: frozenset[date],
    preferred_time: time,
    time_zone: str,
    duration_minutes: int,
) -> Series:
    """Dosing sessions from ``start``, each on the first open day the minimum spacing allows.

    Raises ValueError naming the argument for input that cannot describe a
    calendar; reports a too-long gap, a shortfall and clock-change shifts as
    findings (see the module docstring).
    """
    first_day = _start_date(start)
    count = _whole("sessions", sessions, 1, 366)
    low = _whole("min_spacing_days", min_spacing_days, 1, 366)
    high = (
        None if max_spacing_days is None else _whole("max_spacing_days", max_spacing_days, low, 366)
    )
    calendar = _calendar(
        open_weekdays=open_weekdays,
        closed_dates=closed_dates,
        preferred_time=preferred_time,
        time_zone=time_zone,
        duration_minutes=duration_minutes,
    )
    days: list[date] = []
    findings: list[Finding] = []
    due = first_day
    while len(days) < count:
        day = calendar.first_open(due)
        if day is None:
            findings.append(_no_open_day(len(days), count, due))
            break
        if days and high is not None and (day - days[-1]).days > high:
            findings.append(_gap_too_long(len(days), days[-1], day, high))
        days.append(day)
        due = day + timedelta(days=low)
    return _series(calendar, days, findings, count)


def _gap_too_long(previous_number: int, previous: date, day: date, high: int) -> Finding:
    gap = (day - previous).days
    return Finding(
        rule_id="scheduling.max_spacing_exceeded",
        severity=Severity.WARN,
        message=(
            f"Sessions {previous_number} and {previous_number + 1} are {gap} days apart "
            f"({previous.isoformat()} to {day.isoformat()}), more than the plan's "
            f"{high}-day maximum, because the clinic is closed in between."
        ),
        action="Move a session by hand, or accept the longer gap and note why.",
    )


def _series(
    calendar: _Calendar, days: Sequence[date], findings: list[Finding], requested: int
) -> Series:
    slots: list[Slot] = []
    for number, day in enumerate(days, start=1):
        slot, shifted = calendar.slot(day, f"Session {number}")
        slots.append(slot)
        findings.extend(shifted)
    ordered = tuple(sorted(findings, key=lambda f: f.severity.rank))
    return Series(slots=tuple(slots), findings=ordered, requested=requested)


# -- label week structure -----------------------------------------------------------------


def generate_weekly_series(
    *,
    start: date,
    weeks: Sequence[WeekBlock],
    min_spacing_days: int,
    open_weekdays: frozenset[int],
    closed_dates: frozenset[date],
    preferred_time: time,
    time_zone: str,
    duration_minutes: int,
) -> Series:
    """Sessions by week, counted from the first dose (week 1 = its day and the next 6).

    Day 1 is the first open day on or after ``start``. Within a week the
    sessions aim to spread evenly (twice weekly: week days 1 and 4), each on
    the first open day from its target that keeps ``min_spacing_days`` from
    the previous dose, else the latest earlier open day that does. A session
    is never moved into another week: the label counts doses per week, so a
    week the clinic cannot fill gets a ``warn`` finding naming it and the
    series is that much shorter.
    """
    first_day = _start_date(start)
    low = _whole("min_spacing_days", min_spacing_days, 1, 7)
    if not weeks:
        raise ValueError("weeks: must list at least one week block")
    expected = 1
    for index, block in enumerate(weeks):
        if block.first_week != expected or block.last_week < block.first_week:
            raise ValueError(
                f"weeks[{index}]: weeks {block.first_week}-{block.last_week} leave a gap "
                f"or overlap; the next block must start at week {expected}"
            )
        _whole(f"weeks[{index}].sessions_per_week", block.sessions_per_week, 1, 7)
        expected = block.last_week + 1
    calendar = _calendar(
        open_weekdays=open_weekdays,
        closed_dates=closed_dates,
        preferred_time=preferred_time,
        time_zone=time_zone,
        duration_minutes=duration_minutes,
    )
    requested = sum(block.sessions for block in weeks)
    day_one = calendar.first_open(first_day)
    if day_one is None:
        return Series(
            slots=(), findings=(_no_open_day(0, requested, first_day),), requested=requested
        )

    days: list[date] = []
    findings: list[Finding] = []
    for block in weeks:
        per_week = block.sessions_per_week
        for week in range(block.first_week, block.last_week + 1):
            week_start = day_one + timedelta(days=7 * (week - 1))
            week_end = week_start + timedelta(days=6)
            placed = 0
            for i in range(per_week):
                target = week_start + timedelta(days=(7 * i) // per_week)
                earliest = (
                    week_start if not days else max(week_start, days[-1] + timedelta(days=low))
                )
                day = _pick(calendar, earliest, max(target, earliest), week_end)
                if day is None:
                    break
                days.append(day)
                placed += 1
            if placed < per_week:
                findings.append(
                    Finding(
                        rule_id="scheduling.week_not_filled",
                        severity=Severity.WARN,
                        message=(
                            f"Week {week} ({week_start.isoformat()} to {week_end.isoformat()}) "
                            f"needs {per_week} session{'s' if per_week != 1 else ''} at least "
                            f"{low} days apart, but only {placed} fit the clinic's open days."
                        ),
                        action="Book the missing session by hand or open an extra day.",
                        sources=("K13",),
                    )
                )
    return _series(calendar, days, findings, requested)


def _pick(calendar: _Calendar, earliest: date, target: date, last: date) -> date | None:
    """First open day from target to last, else the latest open day from earliest to target."""
    day = calendar.first_open(target, last)
    if day is not None:
        return day
    day = target - timedelta(days=1)
    while day >= earliest:
        if calendar.is_open(day):
            return day
        day -= timedelta(days=1)
    return None


def esketamine_label_series(
    start: date,
    *,
    open_weekdays: frozenset[int],
    closed_dates: frozenset[date],
    preferred_time: time,
    time_zone: str,
    duration_minutes: int | None = None,
    min_spacing_days: int = ESKETAMINE_DEFAULT_MIN_SPACING_DAYS,
) -> Series:
    """The esketamine label's 8 weeks: twice weekly in weeks 1-4, weekly in 5-8 [K13].

    12 dosing sessions. ``duration_minutes`` defaults to the esketamine dosing
    slot (``dosing_duration``), which holds the label's 2-hour observation.
    """
    minutes = (
        dosing_duration(Route.INTRANASAL_ESKETAMINE).total_minutes
        if duration_minutes is None
        else duration_minutes
    )
    return generate_weekly_series(
        start=start,
        weeks=ESKETAMINE_LABEL_WEEKS,
        min_spacing_days=min_spacing_days,
        open_weekdays=open_weekdays,
        closed_dates=closed_dates,
        preferred_time=preferred_time,
        time_zone=time_zone,
        duration_minutes=minutes,
    )


# -- appointment types and durations ------------------------------------------------------


class AppointmentType(StrEnum):
    """The kinds of appointment a plan and a clinic book."""

    DOSING = "dosing"
    PREPARATION = "preparation"
    INTEGRATION = "integration"
    CONSULTATION = "consultation"
    FOLLOW_UP = "follow_up"


@dataclass(frozen=True, slots=True)
class DurationPart:
    """One step of an appointment and its minutes, with where the number comes from."""

    label: str
    minutes: int
    sources: tuple[str, ...] = ()
    local_choice: bool = False


@dataclass(frozen=True, slots=True)
class DurationBreakdown:
    """How long an appointment is, step by step, so the arithmetic can be shown."""

    parts: tuple[DurationPart, ...]

    @property
    def total_minutes(self) -> int:
        return sum(part.minutes for part in self.parts)


#: Arrival, check-in, pre-dose vital signs and readiness checks (local choice).
CHECK_IN_MINUTES: Final = 15
#: IV cannula placement on top of check-in (local choice).
IV_LINE_MINUTES: Final = 10
#: An IM injection (local choice).
IM_INJECTION_MINUTES: Final = 5
#: Holding sublingual tablets until dissolved: not in the reference (local choice).
SUBLINGUAL_DISSOLVE_MINUTES: Final = 15
#: IV infusion over 40 minutes is the standard [K1].
IV_INFUSION_MINUTES: Final = 40
#: Discharge assessment and handover to the escort (local choice).
DISCHARGE_MINUTES: Final = 10

#: Non-dosing appointments: none of these is in the reference (all local choices).
#: 60 minutes is a usual therapy hour; Mindbloom's guide calls were 30 minutes
#: [K8b], so a follow-up is 30.
NON_DOSING_MINUTES: Final[Mapping[AppointmentType, int]] = MappingProxyType(
    {
        AppointmentType.PREPARATION: 60,
        AppointmentType.INTEGRATION: 60,
        AppointmentType.CONSULTATION: 60,
        AppointmentType.FOLLOW_UP: 30,
    }
)


def dosing_duration(
    route: Route | str,
    *,
    observation_minutes: int | None = None,
    infusion_minutes: int | None = None,
) -> DurationBreakdown:
    """A dosing slot long enough for the route's observation period.

    check-in + administration + minimum observation + discharge, where the
    observation comes from ``monitoring.minimum_observation_minutes`` (esketamine
    at least 120 minutes [K10b][K11][K14]; racemic 120 minutes by default, a
    clinic setting [K16b]) and starts when the dose ends. Defaults:

    - IV: 15 + 10 (line) + 40 (infusion [K1]) + 120 + 10 = 195 minutes
    - IM: 15 + 5 (injection) + 120 + 10 = 150 minutes
    - sublingual: 15 + 15 (dissolving) + 120 + 10 = 160 minutes
    - esketamine: 15 + 10 (three 28 mg devices, 5 minutes apart [K13b]) + 120 + 10 = 155 minutes
    """
    r = parse_route(route)
    observation = minimum_observation_minutes(r, observation_minutes)
    parts = [DurationPart("Check-in and pre-dose checks", CHECK_IN_MINUTES, local_choice=True)]
    if r is Route.IV_RACEMIC:
        infusion = (
            IV_INFUSION_MINUTES
            if infusion_minutes is None
            else _whole("infusion_minutes", infusion_minutes, 1, 240)
        )
        parts.append(DurationPart("IV line", IV_LINE_MINUTES, local_choice=True))
        parts.append(
            DurationPart(
                f"Infusion over {infusion} minutes",
                infusion,
                sources=("K1",),
                local_choice=infusion_minutes is not None,
            )
        )
    else:
        if infusion_minutes is not None:
            raise ValueError(
                f"infusion_minutes: does not apply to {ROUTE_LABELS[r]}; allowed: none"
            )
        if r is Route.IM_RACEMIC:
            parts.append(DurationPart("IM injection", IM_INJECTION_MINUTES, local_choice=True))
        elif r is Route.SUBLINGUAL_RACEMIC:
            parts.append(
                DurationPart("Tablets dissolving", SUBLINGUAL_DISSOLVE_MINUTES, local_choice=True)
            )
        else:
            devices = max(ESKETAMINE_ALLOWED_DOSES_MG) // 28
            parts.append(
                DurationPart(
                    f"Up to {devices} nasal devices, {ESKETAMINE_DEVICE_INTERVAL_MINUTES} "
                    "minutes apart",
                    (devices - 1) * ESKETAMINE_DEVICE_INTERVAL_MINUTES,
                    sources=("K13b",),
                )
            )
    esketamine = r is Route.INTRANASAL_ESKETAMINE
    parts.append(
        DurationPart(
            f"Observation, at least {observation} minutes after the dose",
            observation,
            sources=("K10b", "K11", "K14") if esketamine else ("K16b",),
            local_choice=not esketamine or observation_minutes is not None,
        )
    )
    parts.append(DurationPart("Discharge assessment", DISCHARGE_MINUTES, local_choice=True))
    return DurationBreakdown(parts=tuple(parts))


def default_duration_minutes(kind: AppointmentType | str, route: Route | str) -> int:
    """Default minutes for an appointment of ``kind`` in a course on ``route``."""
    try:
        appointment = AppointmentType(kind)
    except ValueError:
        allowed = ", ".join(t.value for t in AppointmentType)
        raise ValueError(f"kind: {kind!r} is unknown; allowed: {allowed}") from None
    if appointment is AppointmentType.DOSING:
        return dosing_duration(route).total_minutes
    parse_route(route)
    return NON_DOSING_MINUTES[appointment]


# -- a whole plan -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Appointment:
    """One generated appointment; ``dose_number`` links integration to its dose."""

    kind: AppointmentType
    number: int
    start: datetime
    end: datetime
    dose_number: int | None = None


@dataclass(frozen=True, slots=True)
class PlanSchedule:
    """Every appointment a plan generates, in time order, and what staff must check."""

    appointments: tuple[Appointment, ...]
    findings: tuple[Finding, ...]

    def of_kind(self, kind: AppointmentType) -> tuple[Appointment, ...]:
        return tuple(a for a in self.appointments if a.kind is kind)


def generate_plan_appointments(
    plan: TreatmentPlan,
    *,
    start: date,
    open_weekdays: frozenset[int],
    closed_dates: frozenset[date],
    preferred_time: time,
    time_zone: str,
    durations: Mapping[AppointmentType, int] | None = None,
    observation_minutes: int | None = None,
) -> PlanSchedule:
    """Preparation, dosing and integration appointments for a plan, from ``start``.

    The plan is validated first (ValueError for one that cannot be carried
    out). Preparation sessions come first, on open days from ``start``, at
    least ``preparation_days_before_first_dose`` days apart (and at least a
    day); the first dose is at least that many days after the last of them.
    Dosing follows the plan's spacing or week structure. Integration for a
    dose is on the first open day ``integration_days_after_dose`` days after
    it (0: the same day, right after the dosing slot ends). ``durations``
    overrides the default minutes per appointment type.
    """
    validate_plan(plan)
    first_day = _start_date(start)
    given = {} if durations is None else dict(durations)
    for kind, minutes in given.items():
        _whole(f"durations[{AppointmentType(kind).value}]", minutes, 1, MAX_DURATION_MINUTES)

    def minutes_for(kind: AppointmentType) -> int:
        if kind in given:
            return given[kind]
        if kind is AppointmentType.DOSING:
            return dosing_duration(
                plan.route,
                observation_minutes=observation_minutes,
                infusion_minutes=plan.dose.infusion_minutes,
            ).total_minutes
        return NON_DOSING_MINUTES[kind]

    def calendar_for(kind: AppointmentType) -> _Calendar:
        return _calendar(
            open_weekdays=open_weekdays,
            closed_dates=closed_dates,
            preferred_time=preferred_time,
            time_zone=time_zone,
            duration_minutes=minutes_for(kind),
        )

    therapy = plan.therapy
    findings: list[Finding] = []
    appointments: list[Appointment] = []

    prep_calendar = calendar_for(AppointmentType.PREPARATION)
    lead = timedelta(days=therapy.preparation_days_before_first_dose)
    due = first_day
    for number in range(1, therapy.preparation_sessions + 1):
        day = prep_calendar.first_open(due)
        if day is None:
            findings.append(_no_open_day(number - 1, therapy.preparation_sessions, due))
            return PlanSchedule(tuple(appointments), _ordered(findings))
        (begin, end), shifted = prep_calendar.slot(day, f"Preparation session {number}")
        findings.extend(shifted)
        appointments.append(Appointment(AppointmentType.PREPARATION, number, begin, end))
        due = day + max(lead, timedelta(days=1))
    dosing_start = due if therapy.preparation_sessions else first_day

    dosing_minutes = minutes_for(AppointmentType.DOSING)
    induction = plan.induction
    if induction.weeks:
        series = generate_weekly_series(
            start=dosing_start,
            weeks=induction.weeks,
            min_spacing_days=induction.min_spacing_days,
            open_weekdays=open_weekdays,
            closed_dates=closed_dates,
            preferred_time=preferred_time,
            time_zone=time_zone,
            duration_minutes=dosing_minutes,
        )
    else:
        series = generate_series(
            start=dosing_start,
            sessions=induction.sessions,
            min_spacing_days=induction.min_spacing_days,
            max_spacing_days=induction.max_spacing_days,
            open_weekdays=open_weekdays,
            closed_dates=closed_dates,
            preferred_time=preferred_time,
            time_zone=time_zone,
            duration_minutes=dosing_minutes,
        )
    findings.extend(series.findings)
    doses = [
        Appointment(AppointmentType.DOSING, number, begin, end, dose_number=number)
        for number, (begin, end) in enumerate(series, start=1)
    ]
    appointments.extend(doses)

    integration_calendar = calendar_for(AppointmentType.INTEGRATION)
    zone = integration_calendar.zone
    number = 0
    for dose in doses:
        if not therapy.integration_follows(dose.number):
            continue
        number += 1
        label = f"Integration after dose {dose.number}"
        if therapy.integration_days_after_dose == 0:
            begin = dose.end
            end = begin + integration_calendar.duration
        else:
            dose_day = dose.start.astimezone(zone).date()
            earliest = dose_day + timedelta(days=therapy.integration_days_after_dose)
            day = integration_calendar.first_open(earliest)
            if day is None:
                findings.append(
                    Finding(
                        rule_id="scheduling.no_open_day",
                        severity=Severity.BLOCK,
                        message=(
                            f"{label}: there is no open day within {SEARCH_HORIZON_DAYS} days "
                            f"of {earliest.isoformat()}; no later integration session was placed."
                        ),
                        action="Check the clinic's open days, then book integration by hand.",
                    )
                )
                break
            (begin, end), shifted = integration_calendar.slot(day, label)
            findings.extend(shifted)
        findings.extend(_integration_clashes(label, begin, end, doses, dose.number))
        appointments.append(
            Appointment(AppointmentType.INTEGRATION, number, begin, end, dose_number=dose.number)
        )
    appointments.sort(key=lambda a: (a.start, a.kind.value))
    return PlanSchedule(tuple(appointments), _ordered(findings))


def _integration_clashes(
    label: str, begin: datetime, end: datetime, doses: Sequence[Appointment], after: int
) -> list[Finding]:
    """An integration slot that overlaps a dose (warn) or comes after the next dose (info)."""
    for dose in doses:
        if begin < dose.end and dose.start < end:
            return [
                Finding(
                    rule_id="scheduling.integration_overlaps_dose",
                    severity=Severity.WARN,
                    message=f"{label} overlaps dose {dose.number}; the patient cannot be at both.",
                    action="Move the integration session by hand.",
                )
            ]
    following = next((d for d in doses if d.number == after + 1), None)
    if following is not None and begin >= following.start:
        return [
            Finding(
                rule_id="scheduling.integration_after_next_dose",
                severity=Severity.INFO,
                message=(
                    f"{label} comes after dose {following.number}: the first open day for it "
                    "is the next dose's day or later."
                ),
                action="Move the integration session earlier by hand if it matters.",
            )
        ]
    return []


def _ordered(findings: list[Finding]) -> tuple[Finding, ...]:
    return tuple(sorted(findings, key=lambda f: f.severity.rank))
