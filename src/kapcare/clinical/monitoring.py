"""When the next vital signs are due, and whether a patient may go home.

A nurse watching several chairs needs a countdown she can trust, and a patient
must not leave before the route's observation time, while still sedated, or
without an escort. Both answers are worked out here from times passed in by the
caller (a clock seam: nothing here reads the system clock), so the console,
the clinic board and the tests all agree. Numbers come from
``shared/clinical-reference.md`` §3 with their source keys.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise
from types import MappingProxyType
from typing import Final

from kapcare.clinical.findings import Finding, Severity
from kapcare.clinical.routes import Route, parse_route
from kapcare.clinical.vitals import Phase, Thresholds, VitalSigns, assess, assess_sedation


@dataclass(frozen=True, slots=True)
class VitalsSchedule:
    """Planned post-dose readings for one route, in minutes after the dose starts.

    After the last planned reading, one every ``repeat_every_minutes`` until
    discharge (always a clinic setting). A reading up to
    ``early_tolerance_minutes`` before a slot counts for it, so a nurse who is a
    little early is not told she is late.
    """

    offsets_minutes: tuple[int, ...]
    offsets_sources: tuple[str, ...]
    offsets_local_choice: bool
    repeat_every_minutes: int | None
    early_tolerance_minutes: int
    note: str

    def __post_init__(self) -> None:
        offsets = self.offsets_minutes
        if not offsets or offsets[0] < 0:
            raise ValueError("offsets_minutes: need at least one offset, none below 0")
        gaps = [b - a for a, b in pairwise(offsets)]
        if any(g <= 0 for g in gaps):
            raise ValueError("offsets_minutes: must be strictly increasing")
        if self.repeat_every_minutes is not None:
            gaps.append(self.repeat_every_minutes)
        if self.early_tolerance_minutes < 0 or any(g <= self.early_tolerance_minutes for g in gaps):
            raise ValueError(
                "early_tolerance_minutes: must be at least 0 and shorter than every gap "
                "between readings"
            )

    def offset(self, index: int) -> int | None:
        """Minutes after dose start of the ``index``-th reading, or None if there is none."""
        if index < len(self.offsets_minutes):
            return self.offsets_minutes[index]
        if self.repeat_every_minutes is None:
            return None
        extra = index - len(self.offsets_minutes) + 1
        return self.offsets_minutes[-1] + extra * self.repeat_every_minutes

    def slot_for(self, minutes_after_start: float) -> int | None:
        """Index of the latest slot a reading taken at this time can count for."""
        opens = [o - self.early_tolerance_minutes for o in self.offsets_minutes]
        index: int | None = None
        for i, start in enumerate(opens):
            if minutes_after_start >= start:
                index = i
        last = len(self.offsets_minutes) - 1
        if index == last and self.repeat_every_minutes is not None:
            since = minutes_after_start - opens[-1]
            index += math.floor(since / self.repeat_every_minutes)
        return index


#: IV protocol readings at 0, 15, 30, 45, 60 and 90 min [K18]; the esketamine
#: label asks for a check at about 40 min, then as warranted [K10][K12]. Racemic
#: IM and sublingual have no sourced schedule: the IV protocol is kapcare's
#: default there. Repeats after the plan, and the 5-minute tolerance, are
#: kapcare's defaults for every route (local choices).
DEFAULT_SCHEDULES: Final[Mapping[Route, VitalsSchedule]] = MappingProxyType(
    {
        Route.INTRANASAL_ESKETAMINE: VitalsSchedule(
            offsets_minutes=(40,),
            offsets_sources=("K10", "K12"),
            offsets_local_choice=False,
            repeat_every_minutes=30,
            early_tolerance_minutes=5,
            note="Label: before the dose and about 40 minutes after, then as warranted.",
        ),
        Route.IV_RACEMIC: VitalsSchedule(
            offsets_minutes=(0, 15, 30, 45, 60, 90),
            offsets_sources=("K18",),
            offsets_local_choice=False,
            repeat_every_minutes=30,
            early_tolerance_minutes=5,
            note="Study protocol: 0, 15, 30, 45, 60 and 90 minutes.",
        ),
        Route.IM_RACEMIC: VitalsSchedule(
            offsets_minutes=(0, 15, 30, 45, 60, 90),
            offsets_sources=("K18",),
            offsets_local_choice=True,
            repeat_every_minutes=30,
            early_tolerance_minutes=5,
            note="No sourced IM schedule; the IV study protocol is used as the clinic default.",
        ),
        Route.SUBLINGUAL_RACEMIC: VitalsSchedule(
            offsets_minutes=(0, 15, 30, 45, 60, 90),
            offsets_sources=("K18",),
            offsets_local_choice=True,
            repeat_every_minutes=30,
            early_tolerance_minutes=5,
            note=(
                "No sourced sublingual schedule; the IV study protocol is used as the "
                "clinic default."
            ),
        ),
    }
)

#: Esketamine: at least 2 hours at every session (label and REMS), a floor no
#: clinic setting may lower [K10b][K11][K14].
ESKETAMINE_MIN_OBSERVATION_MINUTES: Final = 120
#: Racemic ketamine: the Ketalar SmPC says only "until fully recovered" [K16b],
#: so this is a clinic setting; kapcare's default mirrors esketamine (local choice).
RACEMIC_DEFAULT_OBSERVATION_MINUTES: Final = 120


@dataclass(frozen=True, slots=True)
class NextVitals:
    """The next reading to take: when, which one, and whether it is late."""

    due_at: datetime
    offset_minutes: int | None
    label: str
    overdue: bool
    missed_offsets_minutes: tuple[int, ...]
    sources: tuple[str, ...]
    local_choice: bool


def next_vitals_due(
    route: Route | str,
    dose_started_at: datetime | None,
    readings_taken_at: Sequence[datetime],
    now: datetime,
    *,
    schedule: VitalsSchedule | None = None,
) -> NextVitals | None:
    """The next reading on the route's schedule, or None when none is planned.

    Before the dose starts, a pre-dose reading is due at once until one exists.
    After it, each reading counts for the latest slot it can cover, so a late
    reading moves the countdown on and the slots it skipped are listed as missed.
    """
    plan = DEFAULT_SCHEDULES[parse_route(route)] if schedule is None else schedule
    _aware("now", now)
    for taken in readings_taken_at:
        _aware("readings_taken_at", taken)
        if taken > now:
            raise ValueError(f"readings_taken_at: {taken.isoformat()} is later than now")
    if dose_started_at is None:
        if readings_taken_at:
            return None
        return NextVitals(
            due_at=now,
            offset_minutes=None,
            label="Pre-dose vital signs",
            overdue=False,
            missed_offsets_minutes=(),
            sources=(),
            local_choice=False,
        )
    _aware("dose_started_at", dose_started_at)
    if dose_started_at > now:
        raise ValueError(f"dose_started_at: {dose_started_at.isoformat()} is later than now")

    covered: set[int] = set()
    for taken in readings_taken_at:
        slot = plan.slot_for((taken - dose_started_at) / timedelta(minutes=1))
        if slot is not None:
            covered.add(slot)
    latest = max(covered, default=-1)
    offset = plan.offset(latest + 1)
    if offset is None:
        return None
    missed = tuple(
        o for i in range(latest) if i not in covered and (o := plan.offset(i)) is not None
    )
    planned = latest + 1 < len(plan.offsets_minutes)
    due_at = dose_started_at + timedelta(minutes=offset)
    return NextVitals(
        due_at=due_at,
        offset_minutes=offset,
        label=f"{offset} minutes after the dose started",
        overdue=now > due_at,
        missed_offsets_minutes=missed,
        sources=plan.offsets_sources if planned else (),
        local_choice=plan.offsets_local_choice or not planned,
    )


def minimum_observation_minutes(route: Route | str, setting: int | None = None) -> int:
    """The route's minimum observation after the dose, with a clinic setting applied.

    Raises ValueError if the setting would fall below what the esketamine label
    requires.
    """
    r = parse_route(route)
    if setting is not None and (
        isinstance(setting, bool) or not isinstance(setting, int) or setting <= 0
    ):
        raise ValueError(
            f"min_observation_minutes: must be a whole number above 0, got {setting!r}"
        )
    if r is Route.INTRANASAL_ESKETAMINE:
        if setting is not None and setting < ESKETAMINE_MIN_OBSERVATION_MINUTES:
            raise ValueError(
                f"min_observation_minutes: {setting} is below the "
                f"{ESKETAMINE_MIN_OBSERVATION_MINUTES} minutes the esketamine label requires"
            )
        return ESKETAMINE_MIN_OBSERVATION_MINUTES if setting is None else setting
    return RACEMIC_DEFAULT_OBSERVATION_MINUTES if setting is None else setting


@dataclass(frozen=True, slots=True)
class DischargeReadiness:
    """Whether the patient may leave; if not, every reason, in words a nurse can act on.

    ``unmet_ids`` lines up with ``unmet`` so an override can name the criterion
    it overrides.
    """

    ready: bool
    unmet: tuple[str, ...]
    unmet_ids: tuple[str, ...]
    observation_ends_at: datetime
    min_observation_minutes: int


def discharge_readiness(
    *,
    route: Route | str,
    dose_ended_at: datetime,
    now: datetime,
    last_vitals: VitalSigns | None,
    last_moaas: int | None,
    escort_present: bool,
    no_driving_acknowledged: bool,
    open_alerts: Sequence[str],
    steady_on_feet: bool,
    nausea_controlled: bool,
    min_observation_minutes: int | None = None,
    require_moaas_5: bool = True,
    last_vitals_taken_at: datetime | None = None,
    thresholds: Thresholds | None = None,
) -> DischargeReadiness:
    """Check every discharge criterion; none is skipped because an earlier one failed.

    Criteria: the route's minimum observation [K10b][K11][K14]; vital signs
    taken after the dose and within the discharge thresholds; MOAA/S back to 5
    (``require_moaas_5``, a clinic setting: the label asks only for clinical
    stability [S1]; when off, any score of 4 or more passes); steady on their
    feet; nausea controlled; an escort [K10c][K16b]; no driving until the next
    day acknowledged [K10c]; no open alerts.
    """
    r = parse_route(route)
    _aware("dose_ended_at", dose_ended_at)
    _aware("now", now)
    if dose_ended_at > now:
        raise ValueError(f"dose_ended_at: {dose_ended_at.isoformat()} is later than now")
    if isinstance(open_alerts, str):
        raise ValueError("open_alerts: must be a list of alert descriptions, not one string")
    minutes = minimum_observation_minutes(r, min_observation_minutes)
    ends_at = dose_ended_at + timedelta(minutes=minutes)

    unmet: list[tuple[str, str]] = []
    if now < ends_at:
        left = math.ceil((ends_at - now) / timedelta(minutes=1))
        unmet.append(
            (
                "observation_time",
                f"The minimum observation of {minutes} minutes after the dose is not over: "
                f"{left} minute{'s' if left != 1 else ''} to go.",
            )
        )
    unmet.extend(_vitals_unmet(r, dose_ended_at, last_vitals, last_vitals_taken_at, thresholds))
    unmet.extend(_sedation_unmet(last_moaas, require_moaas_5=require_moaas_5))
    if not steady_on_feet:
        unmet.append(("steady_on_feet", "The patient is not yet steady on their feet."))
    if not nausea_controlled:
        unmet.append(("nausea_controlled", "Nausea is not yet controlled."))
    if not escort_present:
        unmet.append(("escort_present", "No escort is present to take the patient home."))
    if not no_driving_acknowledged:
        unmet.append(
            (
                "no_driving_acknowledged",
                "The patient has not acknowledged: no driving until the next day, "
                "after a restful sleep.",
            )
        )
    unmet.extend(("open_alerts", f"An alert is still open: {text}") for text in open_alerts)

    return DischargeReadiness(
        ready=not unmet,
        unmet=tuple(reason for _, reason in unmet),
        unmet_ids=tuple(rule for rule, _ in unmet),
        observation_ends_at=ends_at,
        min_observation_minutes=minutes,
    )


def _vitals_unmet(
    route: Route,
    dose_ended_at: datetime,
    vitals: VitalSigns | None,
    taken_at: datetime | None,
    thresholds: Thresholds | None,
) -> list[tuple[str, str]]:
    if vitals is None:
        return [("vitals_recorded", "No vital signs have been recorded after the dose.")]
    unmet: list[tuple[str, str]] = []
    if taken_at is not None:
        _aware("last_vitals_taken_at", taken_at)
        if taken_at < dose_ended_at:
            unmet.append(
                (
                    "vitals_after_dose",
                    "The latest vital signs were taken before the dose ended; take a "
                    "discharge reading.",
                )
            )
    findings = assess(vitals, phase=Phase.DISCHARGE, route=route, thresholds=thresholds)
    unmet.extend(
        ("vitals_within_thresholds", f"Vital signs not back within limits: {f.message}")
        for f in findings
        if f.severity is not Severity.INFO
    )
    return unmet


def _sedation_unmet(moaas: int | None, *, require_moaas_5: bool) -> list[tuple[str, str]]:
    if moaas is None:
        return [("sedation_recorded", "Sedation (MOAA/S) has not been scored since the dose.")]
    findings: tuple[Finding, ...] = assess_sedation(moaas)
    if require_moaas_5 and moaas < 5:
        return [
            (
                "moaas_5",
                f"MOAA/S is {moaas}; the patient must be fully alert (MOAA/S 5) to leave.",
            )
        ]
    if any(f.severity is Severity.BLOCK for f in findings):
        return [("moaas_alert", f"MOAA/S is {moaas}: the patient is still sedated.")]
    return []


def _aware(name: str, moment: datetime) -> None:
    """Naive datetimes are refused: a clinic's local time and UTC must never be mixed up."""
    if not isinstance(moment, datetime):
        raise ValueError(f"{name}: must be a datetime, got {moment!r}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name}: must be timezone-aware (for example in UTC)")
