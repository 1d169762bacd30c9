"""Reassessment after induction: baseline against current scores, a suggestion, a decision.

The comparison and the suggestion come from ``kapcare.clinical.reassessment``;
this module gathers the scores from measurement-based care, records what the
clinician decided and why, and moves the patient's journey to match.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kapcare.accounts.actors import Actor
from kapcare.audit.models import Action
from kapcare.audit.services import record
from kapcare.clinical.outcomes import OUTCOME_DEFINITIONS
from kapcare.clinical.reassessment import (
    ReassessmentDecision,
    RecordedDecision,
    Scores,
    Suggestion,
    suggest,
)
from kapcare.measures.models import QuestionnaireResponse
from kapcare.measures.selectors import current_responses, first_and_latest_of_each_instrument
from kapcare.patients import services as patient_services
from kapcare.patients.models import Patient
from kapcare.treatment.models import (
    Appointment,
    AppointmentStatus,
    ReassessmentRecord,
    TreatmentPlanRecord,
)
from kapcare.treatment.plan_data import plan_from_json


@dataclass(frozen=True)
class Review:
    """What the reassessment page shows; ``problem`` says why there is no suggestion."""

    scores: list[Scores]
    sessions_given: int
    sessions_planned: int
    primary: str
    suggestion: Suggestion | None
    problem: str


def scores_of(patient: Patient) -> list[Scores]:
    """First and latest current total per instrument that has outcome definitions.

    One query and at most two rows per instrument, however long the patient's history.
    """
    scored = current_responses(
        QuestionnaireResponse.objects.filter(
            patient=patient, clinic_id=patient.clinic_id, total__isnull=False
        )
    )
    ends = first_and_latest_of_each_instrument(scored, set(OUTCOME_DEFINITIONS))
    return [
        Scores(name, _whole_if_whole(first.total), _whole_if_whole(latest.total))
        for name, (first, latest) in ends.items()
    ]


def _whole_if_whole(total: float | None) -> float:
    """A total as the comparison shows it: 12 rather than 12.0, 4.5 as it is."""
    assert total is not None  # only responses with a total are read
    return int(total) if float(total).is_integer() else total


def sessions_given(plan: TreatmentPlanRecord, now: dt.datetime) -> int:
    """Dosing appointments of the plan that have taken place (until the console records doses)."""
    return Appointment.objects.filter(
        plan__patient=plan.patient,
        kind="dosing",
        end__lte=now,
        status__in=[AppointmentStatus.BOOKED, AppointmentStatus.COMPLETED],
    ).count()


def review(plan: TreatmentPlanRecord, now: dt.datetime) -> Review:
    content = plan_from_json(plan.content)
    primary = content.reassessment.primary_instrument
    scores = scores_of(plan.patient)
    given = sessions_given(plan, now)
    planned = content.induction.sessions
    try:
        suggestion = suggest(
            route=content.route,
            primary=primary,
            scores=scores,
            sessions_given=given,
            sessions_planned=planned,
        )
        problem = ""
    except ValueError as error:
        suggestion, problem = None, str(error)
    return Review(scores, given, planned, primary, suggestion, problem)


def reassessment_record(
    *,
    actor: Actor,
    plan: TreatmentPlanRecord,
    decision: str,
    reason: str,
    maintenance_spacing_days: int | None,
    now: dt.datetime | None = None,
) -> ReassessmentRecord:
    """Record the decision and move the journey: maintenance, completed or discontinued."""
    now = now or timezone.now()
    shown = review(plan, now)
    suggested = shown.suggestion.decision if shown.suggestion else None
    try:
        chosen = ReassessmentDecision(decision)
    except ValueError:
        allowed = ", ".join(d.value for d in ReassessmentDecision)
        raise ValidationError(
            {"decision": [f"{decision!r} is unknown; allowed: {allowed}"]}
        ) from None
    try:
        recorded = RecordedDecision(
            decision=chosen,
            reason=reason,
            maintenance_spacing_days=maintenance_spacing_days,
            suggested=suggested,
        )
    except ValueError as error:
        field = str(error).split(":", 1)[0]
        raise ValidationError({field: [str(error)]}) from None
    patient = plan.patient
    with transaction.atomic():
        saved = ReassessmentRecord.objects.create(
            clinic=patient.clinic,
            patient=patient,
            plan=plan,
            decision=recorded.decision.value,
            reason=recorded.reason.strip(),
            maintenance_spacing_days=recorded.maintenance_spacing_days,
            suggested=suggested.value if suggested else "",
            scores=[
                {"instrument": s.instrument, "baseline": s.baseline, "current": s.current}
                for s in shown.scores
            ],
            sessions_given=shown.sessions_given,
            decided_by=actor.user,
            decided_at=now,
        )
        record(
            Action.CREATE,
            actor=actor,
            patient=patient,
            obj=saved,
            detail={
                "decision": saved.decision,
                "suggested": saved.suggested,
                "follows_suggestion": recorded.follows_suggestion,
            },
        )
        _move_journey(actor, patient, recorded)
    return saved


def _move_journey(actor: Actor, patient: Patient, recorded: RecordedDecision) -> None:
    status = patient.status
    if recorded.decision is ReassessmentDecision.MAINTENANCE and status == "active":
        patient_services.move_to_maintenance(actor=actor, patient=patient)
    elif recorded.decision is ReassessmentDecision.COMPLETE and status in ("active", "maintenance"):
        patient_services.complete_course(actor=actor, patient=patient)
    elif recorded.decision is ReassessmentDecision.STOP and status in ("active", "maintenance"):
        patient_services.discontinue(actor=actor, patient=patient, reason=recorded.reason)
