"""Writes for questionnaires: assigning, saving drafts, submitting and correcting responses.

Each function is keyword-only and atomic and writes its audit rows in the same
transaction. A submission creates the response, its score and its safety alerts
in one transaction; emails go out only after it commits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kapcare.accounts.actors import Actor
from kapcare.audit.models import Action
from kapcare.audit.services import record
from kapcare.clinical.instruments import DEFINITIONS, UnknownInstrumentError, get_definition
from kapcare.clinical.instruments.phq9 import SUICIDAL_IDEATION
from kapcare.measures import alerts
from kapcare.measures.models import (
    RECURRING,
    SESSION_LINKED,
    Assignment,
    AssignmentStatus,
    QuestionnaireResponse,
    ResponseDraft,
    SafetyAlert,
    ScheduleKind,
)
from kapcare.measures.progress import OFF_TRACK_INSTRUMENT, refresh_progress
from kapcare.measures.scoring import score_answers
from kapcare.measures.selectors import settings_for
from kapcare.patients.models import Patient

#: a questionnaire opens this long before it is due (less for short repeats)
OPEN_WINDOW = dt.timedelta(days=3)
#: before a dosing session: opens two days before, due when the session starts
BEFORE_SESSION_OPENS = dt.timedelta(days=2)
#: after a dosing session: opens 24 hours after it started, due a day later
AFTER_SESSION_OPENS = dt.timedelta(hours=24)
AFTER_SESSION_DUE = dt.timedelta(hours=48)
#: how far ahead of the server's clock a device's "answered at" may be
CLOCK_SKEW = dt.timedelta(minutes=5)
#: the most a draft may hold, so that a script cannot fill the database through it
DRAFT_MAX_CHARS = 20_000


class AlreadyCompleted(Exception):
    """The questionnaire is closed: submitted already (a double tap, a second device) or
    cancelled meanwhile."""


@dataclass(frozen=True)
class Submission:
    response: QuestionnaireResponse
    alerts: list[SafetyAlert]

    @property
    def needs_crisis_message(self) -> bool:
        return SUICIDAL_IDEATION in self.response.flags


def _instrument(key: str) -> str:
    try:
        return get_definition(key).key
    except UnknownInstrumentError:
        known = ", ".join(DEFINITIONS)
        raise ValidationError({"instrument": [f"Choose one of: {known}."]}) from None


# Assignments -----------------------------------------------------------------


@transaction.atomic
def assignment_create(
    *,
    actor: Actor,
    patient: Patient,
    instrument: str,
    schedule: str,
    due_at: dt.datetime | None = None,
    interval: int | None = None,
    now: dt.datetime | None = None,
) -> Assignment:
    """Ask the patient to complete ``instrument`` once or on a schedule.

    Session-linked schedules wait without a due date until a dosing session is booked
    (``session_questionnaires_create``); every other kind needs ``due_at``.
    """
    now = now or timezone.now()
    instrument = _instrument(instrument)
    if schedule not in ScheduleKind.values:
        raise ValidationError({"schedule": [f"Choose one of: {', '.join(ScheduleKind.labels)}."]})
    kind = ScheduleKind(schedule)
    if kind in RECURRING and not (interval and 1 <= interval <= 365):
        raise ValidationError({"interval": ["Enter how often, a whole number from 1 to 365."]})
    if kind not in RECURRING:
        interval = None
    if kind in SESSION_LINKED:
        due_at = opens_at = None
    elif due_at is None:
        raise ValidationError({"due_date": ["Enter the date it is due."]})
    else:
        opens_at = max(now, due_at - OPEN_WINDOW)
    assignment = Assignment.objects.create(
        clinic=patient.clinic,
        patient=patient,
        instrument=instrument,
        schedule=kind,
        interval=interval,
        opens_at=opens_at,
        due_at=due_at,
        created_by=actor.user,
        created_at=now,
    )
    record(
        Action.CREATE,
        actor=actor,
        patient=patient,
        obj=assignment,
        detail={"instrument": instrument, "schedule": kind.value, "interval": interval},
    )
    return assignment


@transaction.atomic
def assignment_cancel(
    *, actor: Actor, assignment: Assignment, now: dt.datetime | None = None
) -> None:
    now = now or timezone.now()
    cancelled = Assignment.objects.filter(pk=assignment.pk, status=AssignmentStatus.OPEN).update(
        status=AssignmentStatus.CANCELLED, cancelled_at=now, cancelled_by=actor.user
    )
    if not cancelled:
        raise ValidationError("This questionnaire is no longer open, so it cannot be cancelled.")
    ResponseDraft.objects.filter(assignment=assignment).delete()
    record(
        Action.UPDATE,
        actor=actor,
        patient=assignment.patient,
        obj=assignment,
        detail={"status": AssignmentStatus.CANCELLED.value},
    )


@transaction.atomic
def session_questionnaires_create(
    *, actor: Actor, patient: Patient, session_starts_at: dt.datetime
) -> list[Assignment]:
    """Make the before- and after-session questionnaires for one booked dosing session.

    Called by the dosing feature when it books a session (it does not exist yet); each
    open standing order of the patient yields one questionnaire for that session.
    """
    made = []
    standing = Assignment.objects.select_for_update().filter(
        patient=patient,
        status=AssignmentStatus.OPEN,
        schedule__in=SESSION_LINKED,
        due_at__isnull=True,
    )
    for order in standing:
        opens_at, due_at = _session_window(order.schedule, session_starts_at)
        made.append(
            Assignment.objects.create(
                clinic=patient.clinic,
                patient=patient,
                instrument=order.instrument,
                schedule=order.schedule,
                opens_at=opens_at,
                due_at=due_at,
                follows=order,
                created_by=actor.user,
            )
        )
        record(
            Action.CREATE, actor=actor, patient=patient, obj=made[-1], detail={"follows": order.pk}
        )
    return made


def _session_window(
    schedule: str, session_starts_at: dt.datetime
) -> tuple[dt.datetime, dt.datetime]:
    """When a questionnaire for the session starting then opens and is due."""
    if schedule == ScheduleKind.BEFORE_SESSION:
        return session_starts_at - BEFORE_SESSION_OPENS, session_starts_at
    return session_starts_at + AFTER_SESSION_OPENS, session_starts_at + AFTER_SESSION_DUE


def _open_for_session(patient: Patient, session_starts_at: dt.datetime) -> list[Assignment]:
    """The open questionnaires made for the session starting then, locked.

    They are found by the times they were given: they carry no link to the appointment,
    which belongs to the booking app built on top of this one. A patient has one session
    at a time, so the times name one session's questionnaires.
    """
    return list(
        Assignment.objects.select_for_update()
        .filter(patient=patient, status=AssignmentStatus.OPEN, follows__isnull=False)
        .filter(
            Q(
                schedule=ScheduleKind.BEFORE_SESSION,
                due_at=_session_window(ScheduleKind.BEFORE_SESSION, session_starts_at)[1],
            )
            | Q(
                schedule=ScheduleKind.AFTER_SESSION,
                due_at=_session_window(ScheduleKind.AFTER_SESSION, session_starts_at)[1],
            )
        )
        .order_by("pk")
    )


@transaction.atomic
def session_questionnaires_cancel(
    *, actor: Actor, patient: Patient, session_starts_at: dt.datetime, why: str
) -> list[Assignment]:
    """The session will not take place (cancelled, or the patient did not come): its open
    questionnaires are withdrawn, so the patient is not asked about a session that never
    was and they do not sit overdue on the worklist for ever."""
    now = timezone.now()
    withdrawn = _open_for_session(patient, session_starts_at)
    for assignment in withdrawn:
        Assignment.objects.filter(pk=assignment.pk).update(
            status=AssignmentStatus.CANCELLED, cancelled_at=now, cancelled_by=actor.user
        )
        ResponseDraft.objects.filter(assignment=assignment).delete()
        record(
            Action.UPDATE,
            actor=actor,
            patient=patient,
            obj=assignment,
            detail={"status": AssignmentStatus.CANCELLED.value, "why": why},
        )
    return withdrawn


@transaction.atomic
def session_questionnaires_move(
    *, actor: Actor, patient: Patient, moved_from: dt.datetime, moved_to: dt.datetime
) -> list[Assignment]:
    """The session moved: its open questionnaires open and fall due around the new time,
    and their reminders go out again for it."""
    moved = _open_for_session(patient, moved_from)
    for assignment in moved:
        opens_at, due_at = _session_window(assignment.schedule, moved_to)
        Assignment.objects.filter(pk=assignment.pk).update(
            opens_at=opens_at, due_at=due_at, reminded_at=None, overdue_reminded_at=None
        )
        record(
            Action.UPDATE,
            actor=actor,
            patient=patient,
            obj=assignment,
            detail={
                "due_at": {
                    "from": assignment.due_at.isoformat() if assignment.due_at else None,
                    "to": due_at.isoformat(),
                }
            },
        )
    return moved


def _next_in_series(assignment: Assignment, now: dt.datetime) -> Assignment | None:
    step = assignment.repeat_every
    if step is None or assignment.due_at is None:
        return None
    due_at = assignment.due_at + step
    while due_at <= now:  # a late answer does not leave a trail of missed copies behind
        due_at += step
    return Assignment.objects.create(
        clinic=assignment.clinic,
        patient=assignment.patient,
        instrument=assignment.instrument,
        schedule=assignment.schedule,
        interval=assignment.interval,
        opens_at=max(now, due_at - min(OPEN_WINDOW, step / 2)),
        due_at=due_at,
        follows=assignment,
        created_by=assignment.created_by,
        created_at=now,
    )


# Drafts ----------------------------------------------------------------------


def _draft_answers(assignment: Assignment, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Keep only answers to this instrument's items, as the strings the form sent."""
    keys = set(assignment.definition.item_keys)
    kept: dict[str, Any] = {}
    for key, value in answers.items():
        if key not in keys:
            continue
        if isinstance(value, list | tuple):
            kept[key] = [str(v) for v in value]
        elif value not in (None, ""):
            kept[key] = str(value)
    if sum(len(str(v)) for v in kept.values()) > DRAFT_MAX_CHARS:
        raise ValidationError("The answers are too long to save.")
    return kept


@transaction.atomic
def draft_save(
    *,
    actor: Actor,
    assignment: Assignment,
    answers: Mapping[str, Any],
    now: dt.datetime | None = None,
) -> ResponseDraft:
    """Save what the patient has answered so far; nothing is scored or alerted until submit."""
    if assignment.status != AssignmentStatus.OPEN:
        raise AlreadyCompleted("This questionnaire is closed.")
    draft, _ = ResponseDraft.objects.update_or_create(
        assignment=assignment,
        defaults={
            "clinic": assignment.clinic,
            "patient": assignment.patient,
            "answers": _draft_answers(assignment, answers),
            "updated_at": now or timezone.now(),
        },
    )
    record(
        Action.UPDATE,
        actor=actor,
        patient=assignment.patient,
        obj=draft,
        detail={"assignment": assignment.pk, "answered": len(draft.answers)},
    )
    return draft


# Responses ---------------------------------------------------------------------


@transaction.atomic
def response_submit(
    *,
    actor: Actor,
    patient: Patient,
    instrument: str,
    answers: Mapping[str, object],
    assignment: Assignment | None = None,
    on_behalf: bool = False,
    answered_at: dt.datetime | None = None,
    corrects: QuestionnaireResponse | None = None,
    correction_reason: str = "",
    now: dt.datetime | None = None,
) -> Submission:
    """Validate, score, store and alert, all in this one transaction.

    Raises InvalidResponse (naming the item) for answers the instrument does not
    allow, AlreadyCompleted when the assignment was submitted meanwhile, and
    ValidationError for an assignment or correction that does not fit.
    """
    now = now or timezone.now()
    definition = get_definition(_instrument(instrument))
    if answered_at is not None and answered_at > now + CLOCK_SKEW:
        raise ValidationError({"answered_at": ["The date answered cannot be in the future."]})
    if assignment is not None:
        assignment = _lock_open_assignment(assignment, patient, definition.key)
    clinic_settings = settings_for(patient.clinic)
    scored = score_answers(definition, answers, pcl5_cutoff=clinic_settings.pcl5_cutoff)
    response = QuestionnaireResponse.objects.create(
        clinic=patient.clinic,
        patient=patient,
        assignment=assignment,
        instrument=definition.key,
        definition_version=scored.version,
        answers=scored.answers,
        total=scored.total,
        band=scored.band,
        subscales=scored.subscales,
        flags=scored.flags,
        entered_by=actor.user,
        entered_on_behalf=on_behalf,
        answered_at=answered_at or now,
        submitted_at=now,
        corrects=corrects,
        correction_reason=correction_reason.strip(),
    )
    if assignment is not None:
        Assignment.objects.filter(pk=assignment.pk).update(
            status=AssignmentStatus.COMPLETED, completed_at=now
        )
        ResponseDraft.objects.filter(assignment=assignment).delete()
        _next_in_series(assignment, now)
    record(
        Action.CREATE,
        actor=actor,
        patient=patient,
        obj=response,
        detail={
            "instrument": definition.key,
            "version": scored.version,
            "flags": scored.flags,
            "on_behalf": on_behalf,
            "corrects": corrects.pk if corrects else None,
        },
    )
    if definition.key == OFF_TRACK_INSTRUMENT:
        refresh_progress([patient.pk])  # the worklist's off-track list reads it
    raised = alerts.raise_for_response(actor=actor, response=response, now=now)
    return Submission(response=response, alerts=raised)


def _lock_open_assignment(assignment: Assignment, patient: Patient, instrument: str) -> Assignment:
    locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if locked.patient_id != patient.pk or locked.instrument != instrument:
        raise ValidationError("This questionnaire belongs to another patient or instrument.")
    if locked.status == AssignmentStatus.COMPLETED:
        raise AlreadyCompleted("This questionnaire has already been submitted.")
    if locked.status != AssignmentStatus.OPEN or locked.due_at is None:
        raise ValidationError("This questionnaire is not open.")
    return locked


@transaction.atomic
def response_correct(
    *,
    actor: Actor,
    original: QuestionnaireResponse,
    answers: Mapping[str, object],
    reason: str,
    now: dt.datetime | None = None,
) -> Submission:
    """Record corrected answers as a new response that points at the original.

    The original stays as it was (and leaves the trajectory); alerts it raised stay
    open until acknowledged, and the correction raises its own.
    """
    if not reason.strip():
        raise ValidationError({"reason": ["Say why the answers are being corrected."]})
    # Locked, so that two people correcting the same response at once make one correction.
    QuestionnaireResponse.objects.select_for_update().filter(pk=original.pk).get()
    if original.corrections.exists():
        raise ValidationError(
            "This response has already been corrected; correct the latest version instead."
        )
    return response_submit(
        actor=actor,
        patient=original.patient,
        instrument=original.instrument,
        answers=answers,
        on_behalf=True,
        answered_at=original.answered_at,
        corrects=original,
        correction_reason=reason,
        now=now,
    )
