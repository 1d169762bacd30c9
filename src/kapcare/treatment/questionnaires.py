"""A signed plan's questionnaire schedule, handed to measurement-based care (issue 4).

Signing turns each plan item into the measures app's own assignments: baselines
and repeating ones get a due date, per-dose ones become standing orders that
``measures.services.session_questionnaires_create`` expands for every booked
dosing session, and the end-of-course one is due the day after the last dose
once the plan's appointments are booked. Nothing is assigned twice: an open
assignment of the same instrument and kind is left as it is.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from kapcare.accounts.actors import Actor
from kapcare.clinical.plans import QuestionnaireWhen
from kapcare.measures import services as measures
from kapcare.measures.models import Assignment, AssignmentStatus, ScheduleKind
from kapcare.patients.models import Patient
from kapcare.treatment.models import TreatmentPlanRecord
from kapcare.treatment.plan_data import plan_from_json

#: how long the patient has for a baseline questionnaire (local choice)
BASELINE_DUE = dt.timedelta(days=7)
KINDS = {
    QuestionnaireWhen.BASELINE: ScheduleKind.BASELINE,
    QuestionnaireWhen.BEFORE_EACH_DOSE: ScheduleKind.BEFORE_SESSION,
    QuestionnaireWhen.AFTER_EACH_DOSE_24H: ScheduleKind.AFTER_SESSION,
    QuestionnaireWhen.EVERY_N_DAYS: ScheduleKind.EVERY_N_DAYS,
    QuestionnaireWhen.END_OF_COURSE: ScheduleKind.END_OF_COURSE,
}


def _open(patient: Patient, instrument: str, kind: ScheduleKind) -> bool:
    return Assignment.objects.filter(
        patient=patient, instrument=instrument, schedule=kind, status=AssignmentStatus.OPEN
    ).exists()


def attach_on_signing(*, actor: Actor, plan: TreatmentPlanRecord) -> list[Assignment]:
    """Assign every item that does not wait for booked dates (all but end of course)."""
    now = timezone.now()
    made = []
    for item in plan_from_json(plan.content).questionnaires.items:
        kind = KINDS[item.when]
        if kind is ScheduleKind.END_OF_COURSE or _open(plan.patient, item.instrument, kind):
            continue
        if (
            kind is ScheduleKind.BASELINE
            and plan.patient.responses.filter(instrument=item.instrument).exists()
        ):
            continue  # a baseline already exists; reassessment compares against it
        due = None
        if kind is ScheduleKind.BASELINE:
            due = now + BASELINE_DUE
        elif kind is ScheduleKind.EVERY_N_DAYS:
            due = now + dt.timedelta(days=item.every_n_days or 1)
        made.append(
            measures.assignment_create(
                actor=actor,
                patient=plan.patient,
                instrument=item.instrument,
                schedule=kind.value,
                due_at=due,
                interval=item.every_n_days,
                now=now,
            )
        )
    return made


def attach_end_of_course(
    *, actor: Actor, plan: TreatmentPlanRecord, last_dose_end: dt.datetime
) -> list[Assignment]:
    """End-of-course questionnaires, due the day after the last booked dose."""
    made = []
    for item in plan_from_json(plan.content).questionnaires.items:
        if item.when is not QuestionnaireWhen.END_OF_COURSE:
            continue
        if _open(plan.patient, item.instrument, ScheduleKind.END_OF_COURSE):
            continue
        made.append(
            measures.assignment_create(
                actor=actor,
                patient=plan.patient,
                instrument=item.instrument,
                schedule=ScheduleKind.END_OF_COURSE.value,
                due_at=last_dose_end + dt.timedelta(days=1),
            )
        )
    return made
