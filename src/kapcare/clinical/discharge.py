"""May this patient go home? The discharge criteria, asked in minutes since the dose.

The console knows how long ago the dose ended and what the nurse has recorded;
this module turns that into one answer with every unmet criterion spelled out.
It is a thin front over :func:`kapcare.clinical.monitoring.discharge_readiness`
so there is exactly one implementation of the criteria (observation time,
vitals, MOAA/S, steadiness, nausea, escort, no driving, open alerts), and the
override rule lives here: unmet criteria block unless a prescriber overrides
with a written reason.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final

from kapcare.clinical.monitoring import discharge_readiness
from kapcare.clinical.routes import Route
from kapcare.clinical.vitals import Thresholds, VitalSigns

#: A fixed reference instant: the criteria depend only on elapsed minutes, so
#: the wall clock never enters this module (tests and screens always agree).
_REFERENCE: Final = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class DischargeAssessment:
    """The verdict: ``ready`` only when nothing is unmet.

    ``unmet`` holds sentences a nurse can act on; ``unmet_ids`` lines up with it
    so an override can name what it overrides. ``minutes_remaining`` is the
    observation time still to run (0 when it is over).
    """

    ready: bool
    unmet: tuple[str, ...]
    unmet_ids: tuple[str, ...]
    min_observation_minutes: int
    minutes_remaining: int


def assess_discharge(
    *,
    route: Route | str,
    minutes_since_dose: float,
    last_vitals: VitalSigns | None = None,
    last_moaas: int | None = None,
    escort_present: bool = False,
    no_driving_acknowledged: bool = False,
    steady_on_feet: bool = False,
    nausea_controlled: bool = False,
    open_alerts: Sequence[str] = (),
    minutes_since_last_vitals: float | None = None,
    min_observation_minutes: int | None = None,
    require_moaas_5: bool = True,
    thresholds: Thresholds | None = None,
) -> DischargeAssessment:
    """Check every discharge criterion, defaulting each unrecorded one to unmet.

    Unrecorded means unsafe: a criterion the caller did not pass counts as not
    met, so forgetting to record the escort can never let a patient leave.
    ``minutes_since_last_vitals`` larger than ``minutes_since_dose`` means the
    reading predates the end of the dose and does not count.
    """
    if isinstance(minutes_since_dose, bool) or not isinstance(minutes_since_dose, int | float):
        raise ValueError(f"minutes_since_dose: must be a number, got {minutes_since_dose!r}")
    if not math.isfinite(minutes_since_dose) or minutes_since_dose < 0:
        raise ValueError(f"minutes_since_dose: must be 0 or more, got {minutes_since_dose!r}")
    taken_at = None
    if minutes_since_last_vitals is not None:
        if not math.isfinite(minutes_since_last_vitals) or minutes_since_last_vitals < 0:
            raise ValueError(
                f"minutes_since_last_vitals: must be 0 or more, got {minutes_since_last_vitals!r}"
            )
        taken_at = _REFERENCE - timedelta(minutes=minutes_since_last_vitals)
    dose_ended_at = _REFERENCE - timedelta(minutes=minutes_since_dose)
    r = discharge_readiness(
        route=route,
        dose_ended_at=dose_ended_at,
        now=_REFERENCE,
        last_vitals=last_vitals,
        last_moaas=last_moaas,
        escort_present=escort_present,
        no_driving_acknowledged=no_driving_acknowledged,
        open_alerts=open_alerts,
        steady_on_feet=steady_on_feet,
        nausea_controlled=nausea_controlled,
        min_observation_minutes=min_observation_minutes,
        require_moaas_5=require_moaas_5,
        last_vitals_taken_at=taken_at,
        thresholds=thresholds,
    )
    remaining = max(0, math.ceil((r.observation_ends_at - _REFERENCE) / timedelta(minutes=1)))
    return DischargeAssessment(
        ready=r.ready,
        unmet=r.unmet,
        unmet_ids=r.unmet_ids,
        min_observation_minutes=r.min_observation_minutes,
        minutes_remaining=remaining,
    )


def may_discharge(assessment: DischargeAssessment, *, override_reason: str = "") -> bool:
    """Ready, or every unmet criterion overridden by a prescriber with a written reason."""
    return assessment.ready or bool(override_reason.strip())
