"""After induction: how the scores moved, and what the course might do next.

This module suggests; it never decides. A clinician reads the suggestion,
its reasons and the alternatives, then records a decision in their own words
(``RecordedDecision``), which may differ from the suggestion. Changes are
worked out by ``outcomes.classify_change`` (response, remission, meaningful
change with their source keys); the mapping from those to a suggestion is
kapcare's default reading, stated here in full:

1. Any stop criterion the clinician marks as met: suggest **stop**.
2. Meaningful worsening on the primary questionnaire: suggest **stop**.
3. Response (or remission) on the primary questionnaire: if planned induction
   sessions remain, suggest **continue** to the end of the planned course;
   otherwise suggest **maintenance** (relapse after a course is common: median
   18 days after 6 IV infusions [K3]; sustained response without maintenance
   about 80% at 4 weeks and 60% at 8 weeks [K26]), with **complete** as the
   alternative, or **complete** when the clinic offers no maintenance.
4. Meaningful improvement short of response: suggest **continue**.
5. No meaningful change: suggest **stop**, with **continue** as the alternative.

Worsening on a secondary questionnaire does not change the suggestion but
comes back as a ``warn`` finding.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from kapcare.clinical.findings import Finding, Severity
from kapcare.clinical.outcomes import OUTCOME_DEFINITIONS, Change, classify_change
from kapcare.clinical.routes import Route, parse_route


class ReassessmentDecision(StrEnum):
    """What can be decided at reassessment; nothing else can be recorded."""

    CONTINUE = "continue"
    MAINTENANCE = "maintenance"
    COMPLETE = "complete"
    STOP = "stop"


DECISION_LABELS: Final[Mapping[ReassessmentDecision, str]] = MappingProxyType(
    {
        ReassessmentDecision.CONTINUE: "Continue the course",
        ReassessmentDecision.MAINTENANCE: "Move to maintenance",
        ReassessmentDecision.COMPLETE: "Complete the course",
        ReassessmentDecision.STOP: "Stop treatment",
    }
)


@dataclass(frozen=True, slots=True)
class MaintenanceSpacing:
    """Days between maintenance sessions: the labelled options, and the clinic default."""

    options_days: tuple[int, ...]
    default_days: int
    sources: tuple[str, ...]
    local_choice: bool
    note: str


#: Esketamine from week 9: every 2 weeks or weekly [K13]; starting at every
#: 2 weeks is kapcare's default. Racemic ketamine: individualised, dosing "a
#: little before the effect of the previous session is expected to wear off"
#: [K1]; the 14-day default (shorter than the 18-day median time to relapse
#: [K3]) is a clinic setting.
MAINTENANCE_SPACING: Final[Mapping[Route, MaintenanceSpacing]] = MappingProxyType(
    {
        Route.INTRANASAL_ESKETAMINE: MaintenanceSpacing(
            options_days=(7, 14),
            default_days=14,
            sources=("K13",),
            local_choice=True,
            note="Label: every 2 weeks or weekly from week 9; which one is the prescriber's call.",
        ),
        **{
            route: MaintenanceSpacing(
                options_days=(),
                default_days=14,
                sources=("K1", "K3"),
                local_choice=True,
                note=(
                    "Individualise: dose a little before the previous session's effect is "
                    "expected to wear off [K1]. The 14-day start is a clinic setting, shorter "
                    "than the 18-day median time to relapse after 6 IV infusions [K3]."
                ),
            )
            for route in (Route.IV_RACEMIC, Route.IM_RACEMIC, Route.SUBLINGUAL_RACEMIC)
        },
    }
)

#: Bounds for a recorded maintenance interval (local choice: weekly to quarterly).
MAINTENANCE_DAYS_RANGE: Final = (1, 90)


@dataclass(frozen=True, slots=True)
class Scores:
    """A baseline and a current total on one instrument."""

    instrument: str
    baseline: float
    current: float


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A suggested decision with its reasons, never a decision itself."""

    decision: ReassessmentDecision
    alternatives: tuple[ReassessmentDecision, ...]
    reasons: tuple[str, ...]
    changes: tuple[Change, ...]
    findings: tuple[Finding, ...]
    maintenance: MaintenanceSpacing | None
    sources: tuple[str, ...]


def suggest(
    *,
    route: Route | str,
    primary: str,
    scores: Sequence[Scores],
    sessions_given: int,
    sessions_planned: int,
    stop_criteria_met: Sequence[str] = (),
    maintenance_offered: bool = True,
) -> Suggestion:
    """Compare every instrument's scores and suggest the next step (see the module rules).

    Raises ValueError naming the argument when the primary instrument has no
    scores, an instrument appears twice, or a count is impossible.
    """
    r = parse_route(route)
    given = _count("sessions_given", sessions_given, 0)
    planned = _count("sessions_planned", sessions_planned, 1)
    if isinstance(stop_criteria_met, str):
        raise ValueError("stop_criteria_met: must be a list of criteria, not one string")
    instruments = [s.instrument for s in scores]
    if len(set(instruments)) != len(instruments):
        raise ValueError("scores: an instrument is listed twice; give one pair per instrument")
    if primary not in instruments:
        known = ", ".join(instruments) or "none"
        raise ValueError(f"primary: no scores for {primary!r}; scores were given for: {known}")
    changes = {
        s.instrument: classify_change(s.instrument, baseline=s.baseline, current=s.current)
        for s in scores
    }
    main = changes[primary]
    definition = OUTCOME_DEFINITIONS[primary]
    remaining = max(planned - given, 0)
    sources: list[str] = []
    reasons: list[str] = []
    findings = _secondary_findings(primary, changes)
    maintenance: MaintenanceSpacing | None = None
    decision: ReassessmentDecision
    alternatives: tuple[ReassessmentDecision, ...]

    if main.response is None:
        findings.append(
            Finding(
                rule_id="reassessment.baseline_zero",
                severity=Severity.INFO,
                message=f"The {primary} baseline is 0, so response cannot be judged.",
            )
        )

    if stop_criteria_met:
        decision, alternatives = ReassessmentDecision.STOP, ()
        reasons.extend(f"Stop criterion met: {text}" for text in stop_criteria_met)
    elif main.meaningful_worsening:
        decision, alternatives = ReassessmentDecision.STOP, (ReassessmentDecision.CONTINUE,)
        reasons.append(
            f"{primary} worsened from {main.baseline} to {main.current}. "
            + definition.meaningful_change.text
        )
        sources.extend(definition.meaningful_change.source_keys)
    elif main.response:
        reasons.append(_response_reason(main))
        sources.extend(definition.response.source_keys)
        if main.remission and definition.remission is not None:
            reasons.append(definition.remission.text)
            sources.extend(definition.remission.source_keys)
        if remaining:
            decision, alternatives = (
                ReassessmentDecision.CONTINUE,
                (ReassessmentDecision.MAINTENANCE,),
            )
            reasons.append(f"{remaining} planned induction session(s) remain.")
        elif maintenance_offered:
            decision, alternatives = (
                ReassessmentDecision.MAINTENANCE,
                (ReassessmentDecision.COMPLETE,),
            )
            maintenance = MAINTENANCE_SPACING[r]
            reasons.append(
                "Relapse after a course is common: median 18 days after 6 IV infusions; "
                "about 80% kept their response at 4 weeks and 60% at 8 weeks without "
                "maintenance."
            )
            sources.extend(("K3", "K26", *maintenance.sources))
        else:
            decision, alternatives = ReassessmentDecision.COMPLETE, ()
            reasons.append("The clinic offers no maintenance for this course.")
    elif main.meaningful_improvement:
        decision, alternatives = (
            ReassessmentDecision.CONTINUE,
            (ReassessmentDecision.STOP, ReassessmentDecision.MAINTENANCE),
        )
        reasons.append(
            f"{primary} improved from {main.baseline} to {main.current}, a meaningful change "
            "but short of response."
        )
        sources.extend(definition.meaningful_change.source_keys)
    else:
        decision, alternatives = ReassessmentDecision.STOP, (ReassessmentDecision.CONTINUE,)
        reasons.append(
            f"No meaningful change in {primary} after {given} session(s) "
            f"({main.baseline} to {main.current}). " + definition.meaningful_change.text
        )
        sources.extend(definition.meaningful_change.source_keys)

    return Suggestion(
        decision=decision,
        alternatives=alternatives,
        reasons=tuple(reasons),
        changes=tuple(changes.values()),
        findings=tuple(sorted(findings, key=lambda f: f.severity.rank)),
        maintenance=maintenance,
        sources=tuple(dict.fromkeys(sources)),
    )


def _response_reason(change: Change) -> str:
    assert change.percent_change is not None
    return (
        f"{change.instrument} fell from {change.baseline} to {change.current} "
        f"({-change.percent_change:.0f}% lower): a response."
    )


def _secondary_findings(primary: str, changes: Mapping[str, Change]) -> list[Finding]:
    return [
        Finding(
            rule_id="reassessment.secondary_worsening",
            severity=Severity.WARN,
            message=(f"{name} worsened meaningfully, from {change.baseline} to {change.current}."),
            action="Discuss it with the patient before deciding.",
            sources=OUTCOME_DEFINITIONS[name].meaningful_change.source_keys,
        )
        for name, change in changes.items()
        if name != primary and change.meaningful_worsening
    ]


def _count(name: str, value: object, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ValueError(f"{name}: must be a whole number from {low}, got {value!r}")
    return value


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordedDecision:
    """What the clinician decided, and why; maintenance needs its spacing in days."""

    decision: ReassessmentDecision
    reason: str
    maintenance_spacing_days: int | None = None
    suggested: ReassessmentDecision | None = None

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "decision", ReassessmentDecision(self.decision))
        except ValueError:
            allowed = ", ".join(d.value for d in ReassessmentDecision)
            raise ValueError(
                f"decision: {self.decision!r} is unknown; allowed: {allowed}"
            ) from None
        if self.suggested is not None:
            object.__setattr__(self, "suggested", ReassessmentDecision(self.suggested))
        if not isinstance(self.reason, str) or not self.reason.strip():
            raise ValueError("reason: must say why, in words")
        low, high = MAINTENANCE_DAYS_RANGE
        days = self.maintenance_spacing_days
        if self.decision is ReassessmentDecision.MAINTENANCE:
            if isinstance(days, bool) or not isinstance(days, int) or not low <= days <= high:
                raise ValueError(
                    f"maintenance_spacing_days: required for maintenance; allowed: whole days "
                    f"from {low} to {high}, got {days!r}"
                )
        elif days is not None:
            raise ValueError(
                f"maintenance_spacing_days: only for maintenance; allowed: none for "
                f"{self.decision.value}"
            )

    @property
    def follows_suggestion(self) -> bool | None:
        """Whether the clinician chose what was suggested (None if nothing was suggested)."""
        return None if self.suggested is None else self.decision is self.suggested
