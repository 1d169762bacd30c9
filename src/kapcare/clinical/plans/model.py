"""A treatment plan's content: what is given, how often, with which therapy and measures.

A plan is the prescriber's signed statement of a course of care. Here it is
plain frozen data, so the same plan can be drafted, validated, versioned,
turned into appointments and shown to the patient without any of those steps
changing it. Every number a template ships with carries source keys into
``shared/clinical-reference.md`` §9, or is named in ``local_choices`` as the
clinic's own setting (with a ``note`` saying why).

``validate_plan`` raises ValueError for a plan that cannot be carried out as
written (naming the field and what is allowed) and returns findings for a plan
that can, but deserves a second look.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from decimal import Decimal
from enum import StrEnum
from typing import Final

from kapcare.clinical.dosing import (
    ESKETAMINE_ALLOWED_DOSES_MG,
    ESKETAMINE_DEVICE_MG,
    STUDIED_MG_PER_KG,
)
from kapcare.clinical.findings import Finding, Severity
from kapcare.clinical.instruments.registry import DEFINITIONS as INSTRUMENTS
from kapcare.clinical.outcomes import OUTCOME_DEFINITIONS
from kapcare.clinical.routes import ROUTE_LABELS, Route, parse_route

#: A minimum of 1 day between dosing sessions: two doses on one calendar day are
#: never a plan. The reference's own minimums are longer (IM: 1 week [K5]).
MIN_SPACING_FLOOR_DAYS: Final = 1
#: Longest induction kapcare will lay out in one step (a year of weekly sessions).
MAX_INDUCTION_SESSIONS: Final = 52
#: IM titration sessions are at least a week apart [K5].
IM_TITRATION_MIN_SPACING_DAYS: Final = 7
#: IM titration steps of 0.1 mg/kg [K5].
IM_TITRATION_STEP_MG_PER_KG: Final = Decimal("0.1")
#: The esketamine TRD label starts at 56 mg on day 1; 84 mg from the start is the
#: MDD-with-suicidal-ideation regimen [K13].
ESKETAMINE_DAY1_TRD_MG: Final = 56


class DoseUnit(StrEnum):
    """Weight-based (racemic ketamine) or fixed (esketamine, sublingual tablets) dosing."""

    MG_PER_KG = "mg_per_kg"
    MG = "mg"


class QuestionnaireWhen(StrEnum):
    """When a questionnaire is due, relative to the course."""

    BASELINE = "baseline"
    BEFORE_EACH_DOSE = "before_each_dose"
    AFTER_EACH_DOSE_24H = "after_each_dose_24h"
    EVERY_N_DAYS = "every_n_days"
    END_OF_COURSE = "end_of_course"


@dataclass(frozen=True, slots=True, kw_only=True)
class WeekBlock:
    """A run of label weeks with the same number of dosing sessions per week.

    Weeks are counted from the first dose (week 1 = days 1 to 7).
    """

    first_week: int
    last_week: int
    sessions_per_week: int

    @property
    def sessions(self) -> int:
        """Dosing sessions in the whole block."""
        return (self.last_week - self.first_week + 1) * self.sessions_per_week


@dataclass(frozen=True, slots=True, kw_only=True)
class InductionSchedule:
    """How many dosing sessions, and how far apart (calendar days between dose dates).

    ``weeks`` is for a label week structure (esketamine); when given, its
    sessions must add up to ``sessions`` and ``min_spacing_days`` still applies
    between any two doses. ``max_spacing_days`` None means no upper limit.
    """

    sessions: int
    min_spacing_days: int
    max_spacing_days: int | None = None
    weeks: tuple[WeekBlock, ...] = ()
    sources: tuple[str, ...] = ()
    local_choices: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class DosePlan:
    """Starting dose, titration and caps, all in ``unit`` (course cap: sum over the course).

    ``titration_step`` 0 means no titration. ``infusion_minutes`` is for IV only.
    """

    unit: DoseUnit
    starting: Decimal
    titration_step: Decimal
    per_session_cap: Decimal
    course_cap: Decimal | None = None
    infusion_minutes: int | None = None
    sources: tuple[str, ...] = ()
    local_choices: tuple[str, ...] = ()
    note: str = ""

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "unit", DoseUnit(self.unit))
        except ValueError:
            allowed = ", ".join(u.value for u in DoseUnit)
            raise ValueError(f"dose.unit: {self.unit!r} is unknown; allowed: {allowed}") from None
        # Whole numbers are exact; floats are refused later, naming the field.
        for name in ("starting", "titration_step", "per_session_cap", "course_cap"):
            value = getattr(self, name)
            if isinstance(value, int) and not isinstance(value, bool):
                object.__setattr__(self, name, Decimal(value))


@dataclass(frozen=True, slots=True, kw_only=True)
class TherapySessions:
    """Preparation before the first dose and integration after dosing sessions.

    Integration follows each of the first ``integration_after_first_doses``
    doses, then every ``integration_every_n_doses``-th dose (1 = after each dose;
    None = none beyond the first ones). Field Trip, for example, integrated after
    doses 1 and 2 and then after every 2 doses [K29]: first 2, every 2.
    """

    preparation_sessions: int
    preparation_days_before_first_dose: int
    integration_after_first_doses: int
    integration_every_n_doses: int | None
    integration_days_after_dose: int
    sources: tuple[str, ...] = ()
    local_choices: tuple[str, ...] = ()
    note: str = ""

    def integration_follows(self, dose_number: int) -> bool:
        """True when an integration session follows this dose (counted from 1)."""
        if dose_number <= self.integration_after_first_doses:
            return True
        every = self.integration_every_n_doses
        return every is not None and dose_number % every == 0


@dataclass(frozen=True, slots=True, kw_only=True)
class QuestionnaireItem:
    """One instrument on one occasion (``every_n_days`` only for EVERY_N_DAYS)."""

    instrument: str
    when: QuestionnaireWhen
    every_n_days: int | None = None

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "when", QuestionnaireWhen(self.when))
        except ValueError:
            allowed = ", ".join(w.value for w in QuestionnaireWhen)
            raise ValueError(f"when: {self.when!r} is unknown; allowed: {allowed}") from None


@dataclass(frozen=True, slots=True, kw_only=True)
class QuestionnaireSchedule:
    """The measures a plan asks for, and when."""

    items: tuple[QuestionnaireItem, ...]
    sources: tuple[str, ...] = ()
    local_choices: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class ReassessmentPoint:
    """After which dosing session the course is reassessed, on which instrument."""

    after_sessions: int
    primary_instrument: str
    sources: tuple[str, ...] = ()
    local_choices: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class TreatmentPlan:
    """Everything a prescriber signs. Goals are in the patient's own words."""

    indication: str
    route: Route
    induction: InductionSchedule
    dose: DosePlan
    therapy: TherapySessions
    questionnaires: QuestionnaireSchedule
    reassessment: ReassessmentPoint
    stop_criteria: tuple[str, ...]
    goals: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        object.__setattr__(self, "route", parse_route(self.route))


#: Sections whose numbers need a source or a local-choice mark.
SECTIONS: Final = ("induction", "dose", "therapy", "questionnaires", "reassessment")
_PROVENANCE: Final = frozenset({"sources", "local_choices", "note"})


Section = InductionSchedule | DosePlan | TherapySessions | QuestionnaireSchedule | ReassessmentPoint


def section_fields(section: Section) -> tuple[str, ...]:
    """The content fields of a plan section (everything but its provenance)."""
    return tuple(f.name for f in fields(section) if f.name not in _PROVENANCE)


def validate_plan(plan: TreatmentPlan) -> tuple[Finding, ...]:
    """Check a plan; raise ValueError naming the field for what cannot be carried out.

    Returns findings (most severe first) for what can be carried out but
    deserves a second look.
    """
    if not isinstance(plan, TreatmentPlan):
        raise ValueError(f"plan: must be a TreatmentPlan, got {type(plan).__name__}")
    _text("indication", plan.indication)
    for index, goal in enumerate(plan.goals):
        _text(f"goals[{index}]", goal)
    for index, criterion in enumerate(plan.stop_criteria):
        _text(f"stop_criteria[{index}]", criterion)
    for name in SECTIONS:
        _provenance(name, getattr(plan, name))
    _induction(plan.induction)
    _dose(plan.route, plan.dose)
    _therapy(plan.therapy)
    _questionnaires(plan.questionnaires)
    _reassessment(plan.reassessment, plan.induction.sessions)

    findings = [
        *_dose_findings(plan),
        *_spacing_findings(plan),
        *_measure_findings(plan),
    ]
    if not plan.stop_criteria:
        findings.append(
            Finding(
                rule_id="plans.no_stop_criteria",
                severity=Severity.WARN,
                message="The plan lists no stop criteria.",
                action="Add the conditions under which the course stops before signing.",
            )
        )
    if not plan.goals:
        findings.append(
            Finding(
                rule_id="plans.no_goals",
                severity=Severity.INFO,
                message="No goals yet; the patient writes them in their own words.",
            )
        )
    return tuple(sorted(findings, key=lambda f: f.severity.rank))


# -- structural checks (raise) --------------------------------------------------------


def _text(name: str, value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name}: must be non-empty text, got {value!r}")


def _whole(name: str, value: object, low: int, high: int | None = None) -> int:
    top = "" if high is None else f" to {high}"
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name}: must be a whole number from {low}{top}, got {value!r}")
    if value < low or (high is not None and value > high):
        raise ValueError(f"{name}: {value} is out of range; allowed: {low}{top}")
    return value


def _amount(name: str, value: object, *, zero_ok: bool = False) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal) or not value.is_finite():
        raise ValueError(f"{name}: must be a finite Decimal, got {value!r}")
    if value < 0 or (value == 0 and not zero_ok):
        floor = "0 or more" if zero_ok else "greater than 0"
        raise ValueError(f"{name}: {value} is not allowed; must be {floor}")
    return value


def _provenance(name: str, section: Section) -> None:
    sources, local, note = section.sources, section.local_choices, section.note
    allowed = section_fields(section)
    for choice in local:
        if choice not in allowed:
            raise ValueError(
                f"{name}.local_choices: {choice!r} is not a field of {name}; "
                f"allowed: {', '.join(allowed)}"
            )
    if not sources and not local:
        raise ValueError(
            f"{name}: needs sources (reference keys) or local_choices naming the "
            "clinic-set fields; every number must say where it comes from"
        )
    if local and not note.strip():
        raise ValueError(f"{name}.note: required when local_choices is not empty (say why)")


def _induction(induction: InductionSchedule) -> None:
    sessions = _whole("induction.sessions", induction.sessions, 1, MAX_INDUCTION_SESSIONS)
    low = _whole("induction.min_spacing_days", induction.min_spacing_days, MIN_SPACING_FLOOR_DAYS)
    if induction.max_spacing_days is not None:
        _whole("induction.max_spacing_days", induction.max_spacing_days, low)
    expected_week = 1
    for index, block in enumerate(induction.weeks):
        where = f"induction.weeks[{index}]"
        if block.first_week != expected_week:
            raise ValueError(
                f"{where}.first_week: {block.first_week!r} leaves a gap or overlap; "
                f"allowed: {expected_week} (weeks follow on from week 1)"
            )
        _whole(f"{where}.last_week", block.last_week, block.first_week)
        per_week = _whole(f"{where}.sessions_per_week", block.sessions_per_week, 1, 7)
        if (per_week - 1) * low > 6:
            raise ValueError(
                f"{where}.sessions_per_week: {per_week} sessions cannot fit in 7 days at "
                f"least {low} days apart (induction.min_spacing_days)"
            )
        expected_week = block.last_week + 1
    if induction.weeks:
        total = sum(block.sessions for block in induction.weeks)
        if total != sessions:
            raise ValueError(
                f"induction.sessions: {sessions} does not match the {total} sessions "
                "the week structure (induction.weeks) adds up to"
            )


def _dose(route: Route, dose: DosePlan) -> None:
    if not isinstance(dose.unit, DoseUnit):
        allowed = ", ".join(u.value for u in DoseUnit)
        raise ValueError(f"dose.unit: {dose.unit!r} is unknown; allowed: {allowed}")
    starting = _amount("dose.starting", dose.starting)
    step = _amount("dose.titration_step", dose.titration_step, zero_ok=True)
    cap = _amount("dose.per_session_cap", dose.per_session_cap)
    if cap < starting:
        raise ValueError(
            f"dose.per_session_cap: {cap} is below the starting dose {starting}; "
            f"allowed: {starting} or more"
        )
    if dose.course_cap is not None:
        course = _amount("dose.course_cap", dose.course_cap)
        if course < cap:
            raise ValueError(
                f"dose.course_cap: {course} is below the per-session cap {cap}; "
                f"allowed: {cap} or more"
            )
    if route is Route.IV_RACEMIC:
        _whole("dose.infusion_minutes", dose.infusion_minutes, 1, 240)
    elif dose.infusion_minutes is not None:
        raise ValueError(
            f"dose.infusion_minutes: does not apply to {ROUTE_LABELS[route]}; allowed: none"
        )
    if route is Route.INTRANASAL_ESKETAMINE:
        allowed = ", ".join(str(d) for d in ESKETAMINE_ALLOWED_DOSES_MG)
        if dose.unit is not DoseUnit.MG:
            raise ValueError("dose.unit: esketamine is a fixed dose; allowed: mg")
        for name, value in (("starting", starting), ("per_session_cap", cap)):
            if value not in ESKETAMINE_ALLOWED_DOSES_MG:
                raise ValueError(
                    f"dose.{name}: {value} mg is not a whole number of "
                    f"{ESKETAMINE_DEVICE_MG} mg devices; allowed: {allowed} mg"
                )
        if step % ESKETAMINE_DEVICE_MG != 0:
            raise ValueError(
                f"dose.titration_step: {step} mg is not a whole number of "
                f"{ESKETAMINE_DEVICE_MG} mg devices; allowed: 0, 28 or 56 mg"
            )
    elif route is not Route.SUBLINGUAL_RACEMIC and dose.unit is not DoseUnit.MG_PER_KG:
        raise ValueError(
            f"dose.unit: {ROUTE_LABELS[route]} is dosed by body weight; allowed: mg_per_kg"
        )


def _therapy(therapy: TherapySessions) -> None:
    _whole("therapy.preparation_sessions", therapy.preparation_sessions, 0, 10)
    _whole(
        "therapy.preparation_days_before_first_dose",
        therapy.preparation_days_before_first_dose,
        0,
        90,
    )
    _whole("therapy.integration_after_first_doses", therapy.integration_after_first_doses, 0)
    if therapy.integration_every_n_doses is not None:
        _whole("therapy.integration_every_n_doses", therapy.integration_every_n_doses, 1)
    _whole("therapy.integration_days_after_dose", therapy.integration_days_after_dose, 0, 14)


def _questionnaires(schedule: QuestionnaireSchedule) -> None:
    seen: set[tuple[str, QuestionnaireWhen]] = set()
    for index, item in enumerate(schedule.items):
        where = f"questionnaires.items[{index}]"
        if item.instrument not in INSTRUMENTS:
            raise ValueError(
                f"{where}.instrument: {item.instrument!r} is unknown; "
                f"allowed: {', '.join(INSTRUMENTS)}"
            )
        if not isinstance(item.when, QuestionnaireWhen):
            allowed = ", ".join(w.value for w in QuestionnaireWhen)
            raise ValueError(f"{where}.when: {item.when!r} is unknown; allowed: {allowed}")
        if item.when is QuestionnaireWhen.EVERY_N_DAYS:
            _whole(f"{where}.every_n_days", item.every_n_days, 1, 365)
        elif item.every_n_days is not None:
            raise ValueError(
                f"{where}.every_n_days: only for when = every_n_days; allowed: none here"
            )
        key = (item.instrument, item.when)
        if key in seen:
            raise ValueError(f"{where}: {item.instrument} {item.when.value} is listed twice")
        seen.add(key)


def _reassessment(point: ReassessmentPoint, sessions: int) -> None:
    _whole("reassessment.after_sessions", point.after_sessions, 1, sessions)
    if point.primary_instrument not in OUTCOME_DEFINITIONS:
        raise ValueError(
            f"reassessment.primary_instrument: {point.primary_instrument!r} has no response "
            f"or change definitions; allowed: {', '.join(OUTCOME_DEFINITIONS)}"
        )


# -- findings (second look) -----------------------------------------------------------


def _dose_findings(plan: TreatmentPlan) -> list[Finding]:
    dose, route = plan.dose, plan.route
    findings: list[Finding] = []
    studied = STUDIED_MG_PER_KG.get(route)
    if studied is not None and dose.unit is DoseUnit.MG_PER_KG:
        for name, value in (
            ("starting dose", dose.starting),
            ("per-session cap", dose.per_session_cap),
        ):
            if not studied.low_mg_per_kg <= value <= studied.high_mg_per_kg:
                findings.append(
                    Finding(
                        rule_id="plans.dose_outside_studied_range",
                        severity=Severity.WARN,
                        message=(
                            f"The {name} of {value} mg/kg is outside the "
                            f"{studied.low_mg_per_kg} to {studied.high_mg_per_kg} mg/kg "
                            f"reported for {ROUTE_LABELS[route]}."
                        ),
                        action="Check the plan's units and numbers with the prescriber.",
                        sources=studied.sources,
                    )
                )
    if route is Route.IM_RACEMIC and dose.titration_step > IM_TITRATION_STEP_MG_PER_KG:
        findings.append(
            Finding(
                rule_id="plans.im_step_above_reference",
                severity=Severity.WARN,
                message=(
                    f"The IM titration step of {dose.titration_step} mg/kg is larger than "
                    f"the {IM_TITRATION_STEP_MG_PER_KG} mg/kg steps reported."
                ),
                action="Confirm the larger step with the prescriber.",
                sources=("K5",),
            )
        )
    if route is Route.INTRANASAL_ESKETAMINE and dose.starting != ESKETAMINE_DAY1_TRD_MG:
        findings.append(
            Finding(
                rule_id="plans.esketamine_day1_not_56",
                severity=Severity.WARN,
                message=(
                    f"The label starts treatment-resistant depression at "
                    f"{ESKETAMINE_DAY1_TRD_MG} mg on day 1; this plan starts at "
                    f"{dose.starting} mg (84 mg from the start is the regimen for major "
                    "depression with suicidal ideation)."
                ),
                action="Confirm the indication and starting dose with the prescriber.",
                sources=("K13",),
            )
        )
    if dose.course_cap is not None:
        needed = dose.starting * plan.induction.sessions
        if dose.course_cap < needed:
            findings.append(
                Finding(
                    rule_id="plans.course_cap_below_induction",
                    severity=Severity.WARN,
                    message=(
                        f"The course cap of {dose.course_cap} {dose.unit.value} is reached "
                        f"before the {plan.induction.sessions} planned sessions, even at the "
                        f"starting dose ({needed} {dose.unit.value})."
                    ),
                    action="Raise the course cap or plan fewer sessions.",
                    local_choice=True,
                )
            )
    return findings


def _spacing_findings(plan: TreatmentPlan) -> list[Finding]:
    if (
        plan.route is Route.IM_RACEMIC
        and plan.dose.titration_step > 0
        and plan.induction.min_spacing_days < IM_TITRATION_MIN_SPACING_DAYS
    ):
        return [
            Finding(
                rule_id="plans.im_titration_spacing_below_reference",
                severity=Severity.WARN,
                message=(
                    f"IM titration sessions are {plan.induction.min_spacing_days} days apart; "
                    f"the reported titration kept them at least "
                    f"{IM_TITRATION_MIN_SPACING_DAYS} days apart."
                ),
                action="Confirm the shorter spacing with the prescriber.",
                sources=("K5",),
            )
        ]
    return []


def _measure_findings(plan: TreatmentPlan) -> list[Finding]:
    primary = plan.reassessment.primary_instrument
    has_baseline = any(
        item.instrument == primary and item.when is QuestionnaireWhen.BASELINE
        for item in plan.questionnaires.items
    )
    if has_baseline:
        return []
    return [
        Finding(
            rule_id="plans.no_baseline_for_reassessment",
            severity=Severity.WARN,
            message=(
                f"The reassessment compares {primary} with its baseline, but the plan "
                f"does not schedule a baseline {primary}."
            ),
            action=f"Add {primary} at baseline to the questionnaire schedule.",
        )
    ]
