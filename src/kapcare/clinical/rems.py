"""What the esketamine REMS patient monitoring form asks about one session, from its record.

Esketamine is used only in REMS-certified settings [K14]; after each session the
setting files a monitoring form on the REMS portal. This module gathers what
that form needs from the session's readings: sedation (MOAA/S over time)
[S1][K10b], respiratory depression, which the boxed warning includes [K11][K13c]
(SpO2 and respiratory rate below the clinic's limits), blood-pressure changes
before, after and at the highest [K10][K12], and the observation time, at least
2 hours [K10b][K11][K14]. The form's filing deadline is not in the clinical
reference: the number of days is a clinic setting the clinic must confirm.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Final

from kapcare.clinical.monitoring import ESKETAMINE_MIN_OBSERVATION_MINUTES
from kapcare.clinical.vitals import Thresholds

#: kapcare's default for days from discharge to file the form (local choice, not sourced)
DEFAULT_FORM_DUE_DAYS: Final = 7


@dataclass(frozen=True, slots=True)
class Reading:
    taken_at: datetime
    pre_dose: bool
    systolic: int
    diastolic: int
    spo2: int
    respiratory_rate: int | None
    moaas: int | None


@dataclass(frozen=True, slots=True)
class RespiratoryFinding:
    """A post-dose reading below the clinic's warning limit (SpO2 or respiratory rate)."""

    taken_at: datetime
    measure: str
    value: int
    limit: int
    unit: str


@dataclass(frozen=True, slots=True)
class MonitoringSummary:
    """The form's answers; ``None`` where nothing was recorded."""

    sedation: tuple[tuple[datetime, int], ...]
    lowest_moaas: int | None
    respiratory_findings: tuple[RespiratoryFinding, ...]
    lowest_spo2: int | None
    pre_dose_bp: tuple[int, int] | None
    last_bp: tuple[int, int] | None
    highest_bp: tuple[int, int] | None
    highest_bp_at: datetime | None
    systolic_rise: int | None
    diastolic_rise: int | None
    observation_minutes: int | None
    observation_long_enough: bool | None


def summarise(
    readings: Sequence[Reading],
    *,
    other_moaas: Sequence[tuple[datetime, int]] = (),
    dose_started_at: datetime | None,
    observation_ended_at: datetime | None,
    thresholds: Thresholds,
) -> MonitoringSummary:
    """The monitoring form's data from the readings, in time order.

    ``other_moaas`` are sedation scores recorded outside a vital-signs reading
    (a clinician's observation); they join the sedation timeline.
    """
    ordered = sorted(readings, key=lambda r: r.taken_at)
    pre = [r for r in ordered if r.pre_dose]
    post = [r for r in ordered if not r.pre_dose]
    sedation = tuple(
        sorted(
            [(r.taken_at, r.moaas) for r in post if r.moaas is not None] + list(other_moaas),
            key=lambda pair: pair[0],
        )
    )
    respiratory: list[RespiratoryFinding] = []
    for r in post:
        if r.spo2 < thresholds.spo2_warn_below:
            respiratory.append(
                RespiratoryFinding(r.taken_at, "SpO2", r.spo2, thresholds.spo2_warn_below, "%")
            )
        rr = r.respiratory_rate
        if rr is not None and rr < thresholds.respiratory_rate_warn_below:
            respiratory.append(
                RespiratoryFinding(
                    r.taken_at,
                    "Respiratory rate",
                    rr,
                    thresholds.respiratory_rate_warn_below,
                    "/min",
                )
            )
    baseline = (pre[-1].systolic, pre[-1].diastolic) if pre else None
    highest = max(post, key=lambda r: (r.systolic, r.diastolic), default=None)
    minutes = None
    if dose_started_at is not None and observation_ended_at is not None:
        minutes = max(
            0, math.floor((observation_ended_at - dose_started_at) / timedelta(minutes=1))
        )
    return MonitoringSummary(
        sedation=sedation,
        lowest_moaas=min((m for _, m in sedation), default=None),
        respiratory_findings=tuple(respiratory),
        lowest_spo2=min((r.spo2 for r in post), default=None),
        pre_dose_bp=baseline,
        last_bp=(post[-1].systolic, post[-1].diastolic) if post else None,
        highest_bp=(highest.systolic, highest.diastolic) if highest else None,
        highest_bp_at=highest.taken_at if highest else None,
        systolic_rise=(highest.systolic - baseline[0]) if highest and baseline else None,
        diastolic_rise=(
            max(r.diastolic for r in post) - baseline[1] if post and baseline else None
        ),
        observation_minutes=minutes,
        observation_long_enough=(
            None if minutes is None else minutes >= ESKETAMINE_MIN_OBSERVATION_MINUTES
        ),
    )


def form_due(discharged_on: date, days: int = DEFAULT_FORM_DUE_DAYS) -> date:
    """The day the monitoring form should be filed by."""
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise ValueError(f"days: must be a whole number of 1 or more, got {days!r}")
    return discharged_on + timedelta(days=days)


def is_overdue(due: date, today: date) -> bool:
    """Overdue from the day after the due date."""
    return today > due
