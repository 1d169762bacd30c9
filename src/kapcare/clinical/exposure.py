"""Cumulative ketamine exposure per patient, and when the bladder check is next due.

The clinical reference suggests tracking "mg and mg/kg per session; cumulative
mg/week" (§5 "Dose tracking", a suggestion) and notes that lower urinary tract
and bladder symptoms and cystitis occur with chronic use or abuse [K16d]. It
gives no verified cumulative limit and no check interval, so every limit and
interval here is the clinic's own setting: ``None`` means the clinic has not
set one and nothing is compared. Findings say the number is the clinic's.

Windows are rolling, counted in whole days of the clinic's time zone: "the last
7 days" is today and the 6 days before it, from local midnight. A calendar week
would reset every Monday, so doses on a Sunday and the next Monday would never
add up against a weekly limit; a rolling window is "any 7 days". Whole local
days keep the window the same all day long, so a dose does not drop out of
"the last 7 days" at the hour of day it was given. The same holds for 30 days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Final
from zoneinfo import ZoneInfo

from kapcare.clinical.findings import Finding, Severity

WEEK_DAYS: Final = 7
MONTH_DAYS: Final = 30
#: why the bladder check exists, and the only source behind it
BLADDER_SOURCES: Final = ("K16d",)
_MG_PER_KG_PLACES: Final = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Dose:
    """One administration: when, how much, and the weight of the session it belongs to."""

    session: Hashable
    given_at: dt.datetime
    mg: Decimal
    weight_kg: Decimal | None = None
    route: str = ""

    def __post_init__(self) -> None:
        if self.given_at.tzinfo is None:
            raise ValueError("given_at: must carry a time zone")
        if self.mg < 0:
            raise ValueError("mg: must not be negative")
        if self.weight_kg is not None and self.weight_kg <= 0:
            raise ValueError("weight_kg: must be above 0")


@dataclass(frozen=True, slots=True)
class ExposureLimits:
    """The clinic's limits; ``None`` is "not set": no warning for that total."""

    week_mg: Decimal | None = None
    month_mg: Decimal | None = None
    course_mg: Decimal | None = None
    session_mg_per_kg: Decimal | None = None


@dataclass(frozen=True, slots=True)
class SessionExposure:
    """What one session gave: its first dose time, total mg and mg/kg (when weighed)."""

    session: Hashable
    started_at: dt.datetime
    route: str
    mg: Decimal
    weight_kg: Decimal | None
    in_course: bool

    @property
    def mg_per_kg(self) -> Decimal | None:
        if self.weight_kg is None:
            return None
        return (self.mg / self.weight_kg).quantize(_MG_PER_KG_PLACES, ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class Exposure:
    """Totals up to ``now``; each window's start is given so the screen can say it."""

    now: dt.datetime
    week_from: dt.datetime
    week_mg: Decimal
    month_from: dt.datetime
    month_mg: Decimal
    course_from: dt.datetime | None
    course_mg: Decimal
    course_sessions: int
    sessions: tuple[SessionExposure, ...]
    findings: tuple[Finding, ...]


def window_start(now: dt.datetime, days: int, tz: ZoneInfo) -> dt.datetime:
    """Local midnight ``days - 1`` days before today (clinic time): the rolling window's start."""
    if days < 1:
        raise ValueError("days: must be at least 1")
    today = now.astimezone(tz).date()
    first = today - dt.timedelta(days=days - 1)
    return dt.datetime.combine(first, dt.time(0), tzinfo=tz)


def _total(doses: Sequence[Dose], start: dt.datetime | None, now: dt.datetime) -> Decimal:
    return sum(
        (d.mg for d in doses if (start is None or d.given_at >= start) and d.given_at <= now),
        Decimal(0),
    )


def _mg(value: Decimal) -> str:
    return f"{value.normalize():f}"


def summarise_exposure(
    doses: Sequence[Dose],
    *,
    now: dt.datetime,
    tz: ZoneInfo,
    course_start: dt.datetime | None,
    limits: ExposureLimits = ExposureLimits(),
) -> Exposure:
    """Totals for the last 7 and 30 days and the course, per-session mg and mg/kg, findings.

    Doses after ``now`` are not counted. ``course_start`` ``None`` means no course:
    the course total is 0. A total warns only when it is above the clinic's limit.
    """
    if now.tzinfo is None:
        raise ValueError("now: must carry a time zone")
    week_from = window_start(now, WEEK_DAYS, tz)
    month_from = window_start(now, MONTH_DAYS, tz)
    given = [d for d in doses if d.given_at <= now]
    course = [d for d in given if course_start is not None and d.given_at >= course_start]
    sessions = _sessions(given, course_start)
    totals = {
        "week": (_total(given, week_from, now), limits.week_mg, "in the last 7 days", "weekly"),
        "month": (_total(given, month_from, now), limits.month_mg, "in the last 30 days", "30-day"),
        "course": (
            sum((d.mg for d in course), Decimal(0)),
            limits.course_mg,
            "this course",
            "course",
        ),
    }
    findings = [
        _over_limit(key, total, limit, where, name)
        for key, (total, limit, where, name) in totals.items()
        if limit is not None and total > limit
    ]
    if limits.session_mg_per_kg is not None:
        findings += [
            _session_over(s, limits.session_mg_per_kg)
            for s in sessions
            if s.in_course
            and s.weight_kg is not None
            and s.mg > limits.session_mg_per_kg * s.weight_kg
        ]
    return Exposure(
        now=now,
        week_from=week_from,
        week_mg=totals["week"][0],
        month_from=month_from,
        month_mg=totals["month"][0],
        course_from=course_start,
        course_mg=totals["course"][0],
        course_sessions=len({d.session for d in course}),
        sessions=tuple(sorted(sessions, key=lambda s: s.started_at, reverse=True)),
        findings=tuple(findings),
    )


def _sessions(doses: Sequence[Dose], course_start: dt.datetime | None) -> list[SessionExposure]:
    grouped: dict[Hashable, list[Dose]] = {}
    for dose in doses:
        grouped.setdefault(dose.session, []).append(dose)
    result = []
    for key, group in grouped.items():
        first = min(d.given_at for d in group)
        weights = [d.weight_kg for d in group if d.weight_kg is not None]
        result.append(
            SessionExposure(
                session=key,
                started_at=first,
                route=group[0].route,
                mg=sum((d.mg for d in group), Decimal(0)),
                weight_kg=weights[0] if weights else None,
                in_course=course_start is not None and first >= course_start,
            )
        )
    return result


def _over_limit(key: str, total: Decimal, limit: Decimal, where: str, name: str) -> Finding:
    return Finding(
        rule_id=f"exposure.{key}_mg_above_clinic_limit",
        severity=Severity.WARN,
        message=(
            f"{_mg(total)} mg {where} is above the clinic's {name} limit of {_mg(limit)} mg "
            "(a limit your clinic set, not a published one)."
        ),
        action="Review the dosing plan with the prescriber before the next dose.",
        local_choice=True,
    )


def _session_over(session: SessionExposure, limit: Decimal) -> Finding:
    return Finding(
        rule_id="exposure.session_mg_per_kg_above_clinic_notice",
        severity=Severity.WARN,
        message=(
            f"The session of {session.started_at:%Y-%m-%d} gave {session.mg_per_kg} mg/kg, "
            f"above the clinic's per-session notice level of {_mg(limit)} mg/kg "
            "(a level your clinic set, not a published one)."
        ),
        action="Check the order and the recorded weight.",
        local_choice=True,
    )


# The bladder and urinary symptom check -----------------------------------------


class CheckDue(StrEnum):
    """Where the periodic bladder check stands."""

    OFF = "off"  # the clinic set no interval
    NOT_YET = "not_yet"
    DUE = "due"
    OVERDUE = "overdue"


@dataclass(frozen=True, slots=True)
class BladderCheckDue:
    status: CheckDue
    reasons: tuple[str, ...]
    due_on: dt.date | None = None
    sessions_since_check: int = 0


def bladder_check_due(
    *,
    course_start: dt.datetime | None,
    last_check: dt.datetime | None,
    session_starts: Sequence[dt.datetime],
    every_weeks: int | None,
    every_sessions: int | None,
    now: dt.datetime,
    tz: ZoneInfo,
) -> BladderCheckDue:
    """Whether the clinic's periodic bladder check is due, from its own intervals [K16d].

    ``session_starts``: the dosing sessions of the course (those before
    ``course_start`` are ignored). The clock starts at the last check of the
    course, or at the course start when there is none.

    * every N weeks: due from N weeks after that day; overdue once a dosing
      session went ahead on or after the due day without a check.
    * every N sessions: due once N sessions were given since; overdue once
      more than N were (a session went ahead while the check was due).

    With both set, the more urgent answer wins.
    """
    if every_weeks is None and every_sessions is None:
        return BladderCheckDue(CheckDue.OFF, ("Your clinic has not set a check interval.",))
    if (every_weeks is not None and every_weeks < 1) or (
        every_sessions is not None and every_sessions < 1
    ):
        raise ValueError("every_weeks, every_sessions: must be at least 1 when set")
    if course_start is None:
        return BladderCheckDue(CheckDue.NOT_YET, ("No dosing course has started.",))
    checked = last_check is not None and last_check >= course_start
    anchor = last_check if checked and last_check is not None else course_start
    since = [s for s in session_starts if s >= course_start and s > anchor and s <= now]
    answers: list[tuple[CheckDue, str, dt.date | None]] = []
    if every_weeks is not None:
        answers.append(_by_weeks(anchor, since, every_weeks, now, tz))
    if every_sessions is not None:
        answers.append(_by_sessions(len(since), every_sessions, checked))
    rank = [CheckDue.NOT_YET, CheckDue.DUE, CheckDue.OVERDUE]
    worst = max((a[0] for a in answers), key=rank.index)
    reasons = tuple(a[1] for a in answers if a[0] is worst)
    due_on = next((a[2] for a in answers if a[2] is not None), None)
    return BladderCheckDue(worst, reasons, due_on, len(since))


def _by_weeks(
    anchor: dt.datetime,
    since: Sequence[dt.datetime],
    weeks: int,
    now: dt.datetime,
    tz: ZoneInfo,
) -> tuple[CheckDue, str, dt.date]:
    due_on = anchor.astimezone(tz).date() + dt.timedelta(weeks=weeks)
    every = f"(your clinic checks every {weeks} week{'s' if weeks != 1 else ''} of a course)"
    if now.astimezone(tz).date() < due_on:
        return CheckDue.NOT_YET, f"Next due on {due_on:%d %b %Y} {every}.", due_on
    if any(s.astimezone(tz).date() >= due_on for s in since):
        return (
            CheckDue.OVERDUE,
            f"Due since {due_on:%d %b %Y} and a dosing session went ahead without it {every}.",
            due_on,
        )
    return CheckDue.DUE, f"Due since {due_on:%d %b %Y} {every}.", due_on


def _by_sessions(count: int, every: int, checked: bool) -> tuple[CheckDue, str, None]:
    interval = f"(your clinic checks every {every} dosing session{'s' if every != 1 else ''})"
    since = "since the last check" if checked else "since the course started"
    done = f"{count} dosing session{'s' if count != 1 else ''} {since}"
    if count < every:
        return CheckDue.NOT_YET, f"{done.capitalize()} {interval}.", None
    if count == every:
        return CheckDue.DUE, f"Due before the next dosing session: {done} {interval}.", None
    return CheckDue.OVERDUE, f"Overdue: {done} {interval}.", None
