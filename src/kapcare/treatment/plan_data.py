"""A plan's content as JSON for the database, and back, without losing a Decimal.

The pure ``TreatmentPlan`` is the only shape of a plan kapcare reasons about;
the database keeps it as a JSON document so a signed plan is stored exactly as
the prescriber signed it, whatever the plan model gains later.
"""

from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal
from typing import Any

from kapcare.clinical.plans import (
    DosePlan,
    InductionSchedule,
    QuestionnaireItem,
    QuestionnaireSchedule,
    ReassessmentPoint,
    TherapySessions,
    TreatmentPlan,
    WeekBlock,
)

_DECIMALS = ("starting", "titration_step", "per_session_cap", "course_cap")


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "value") and isinstance(value.value, str):
        return value.value
    return value


def plan_to_json(plan: TreatmentPlan) -> dict[str, Any]:
    """A JSON-safe dict (Decimals as strings, enums as their values)."""
    data: dict[str, Any] = _plain(asdict(plan))
    data["route"] = plan.route.value
    return data


def _tuple(data: dict[str, Any], *names: str) -> dict[str, Any]:
    out = dict(data)
    for name in names:
        out[name] = tuple(out.get(name, ()))
    return out


def plan_from_json(data: dict[str, Any]) -> TreatmentPlan:
    """The plan a ``plan_to_json`` document describes."""
    induction = _tuple(data["induction"], "sources", "local_choices")
    induction["weeks"] = tuple(WeekBlock(**w) for w in induction.get("weeks", ()))
    dose = _tuple(data["dose"], "sources", "local_choices")
    for name in _DECIMALS:
        if dose.get(name) is not None:
            dose[name] = Decimal(dose[name])
    questionnaires = _tuple(data["questionnaires"], "sources", "local_choices")
    questionnaires["items"] = tuple(QuestionnaireItem(**i) for i in questionnaires["items"])
    return TreatmentPlan(
        indication=data["indication"],
        route=data["route"],
        induction=InductionSchedule(**induction),
        dose=DosePlan(**dose),
        therapy=TherapySessions(**_tuple(data["therapy"], "sources", "local_choices")),
        questionnaires=QuestionnaireSchedule(**questionnaires),
        reassessment=ReassessmentPoint(**_tuple(data["reassessment"], "sources", "local_choices")),
        stop_criteria=tuple(data.get("stop_criteria", ())),
        goals=tuple(data.get("goals", ())),
    )
