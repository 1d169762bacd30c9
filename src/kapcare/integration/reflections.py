"""The next-day and one-week post-session reflections of each dosing session.

The next-day reflection is measurement-based care's after-session questionnaire of the
``post_session_reflection`` instrument, made when the dosing appointment is booked
(``measures.services.session_questionnaires_create``: opens 24 hours after the start).
The one-week reflection is made here at discharge, only when the next-day one exists
(the clinic asked for reflections in the plan): a once-only questionnaire that
``follows`` the next-day one, which is how it is found again. Its timing is the issue's
"a week after the session" (a product choice, not a clinical number): it opens seven
days after the session started and is due a day later, like the next-day one.

Reading is by session, for many sessions at once, in two queries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Prefetch

from kapcare.accounts.actors import Actor
from kapcare.audit.models import Action
from kapcare.audit.services import record
from kapcare.clinical.instruments import get_definition
from kapcare.clinical.instruments.model import ItemKind
from kapcare.dosing.models import DosingSession
from kapcare.measures.models import (
    Assignment,
    AssignmentState,
    AssignmentStatus,
    QuestionnaireResponse,
    ScheduleKind,
)
from kapcare.measures.services import AFTER_SESSION_OPENS

INSTRUMENT = "post_session_reflection"
ONE_WEEK_OPENS = dt.timedelta(days=7)
ONE_WEEK_DUE = dt.timedelta(days=8)
#: a next-day reflection opening this close to start + 24 h belongs to the session
MATCH_WINDOW = dt.timedelta(hours=12)


@dataclass(frozen=True)
class Answer:
    question: str
    answer: str


@dataclass(frozen=True)
class Reflection:
    """One reflection of one session, as the patient and therapist see it."""

    label: str
    assignment: Assignment
    state: AssignmentState
    answers: tuple[Answer, ...] = ()

    @property
    def is_open(self) -> bool:
        return self.state in (AssignmentState.DUE, AssignmentState.OVERDUE)


@dataclass
class SessionReflections:
    session: DosingSession
    reflections: list[Reflection] = field(default_factory=list)


def _answers(response: QuestionnaireResponse | None) -> tuple[Answer, ...]:
    if response is None:
        return ()
    definition = get_definition(response.instrument)
    shown = []
    for item in definition.items:
        value = response.answers.get(item.key)
        if value in (None, ""):
            continue
        if item.kind is ItemKind.CHOICE and item.options:
            top = max(o.value for o in item.options)
            shown.append(Answer(item.text, f"{value} of {top}"))
        else:
            shown.append(Answer(item.text, str(value)))
    return tuple(shown)


def _next_day_of(session: DosingSession, candidates: list[Assignment]) -> Assignment | None:
    expected = session.appointment.start + AFTER_SESSION_OPENS
    near = [
        a
        for a in candidates
        if a.patient_id == session.patient_id
        and a.opens_at is not None
        and abs(a.opens_at - expected) <= MATCH_WINDOW
    ]
    return min(near, key=lambda a: abs(a.opens_at - expected)) if near else None  # type: ignore[operator]


def _reflection(label: str, assignment: Assignment, now: dt.datetime) -> Reflection:
    responses = list(assignment.responses.all())
    return Reflection(
        label=label,
        assignment=assignment,
        state=assignment.state_at(now),
        answers=_answers(responses[-1] if responses else None),
    )


def reflections_for(
    sessions: Sequence[DosingSession], now: dt.datetime
) -> dict[int, SessionReflections]:
    """Each session's reflections (next day, then one week), in two queries whatever the count.

    ``sessions`` need ``appointment`` loaded.
    """
    found = {s.pk: SessionReflections(s) for s in sessions}
    if not sessions:
        return found
    starts = [s.appointment.start for s in sessions]
    assignments = list(
        Assignment.objects.filter(
            patient_id__in={s.patient_id for s in sessions},
            instrument=INSTRUMENT,
            schedule__in=[ScheduleKind.AFTER_SESSION, ScheduleKind.ONCE],
            due_at__isnull=False,
            opens_at__gte=min(starts),
            opens_at__lte=max(starts) + ONE_WEEK_DUE,
        )
        .exclude(status=AssignmentStatus.CANCELLED)
        .prefetch_related(
            Prefetch(
                "responses",
                queryset=QuestionnaireResponse.objects.order_by("submitted_at", "pk"),
            )
        )
    )
    next_days = [a for a in assignments if a.schedule == ScheduleKind.AFTER_SESSION]
    followers = {a.follows_id: a for a in assignments if a.schedule == ScheduleKind.ONCE}
    for session in sessions:
        next_day = _next_day_of(session, next_days)
        if next_day is None:
            continue
        entry = found[session.pk]
        entry.reflections.append(_reflection("Next-day reflection", next_day, now))
        week = followers.get(next_day.pk)
        if week is not None:
            entry.reflections.append(_reflection("One-week reflection", week, now))
    return found


def one_week_reflection_create(*, actor: Actor, session: DosingSession) -> Assignment | None:
    """Make the session's one-week reflection beside its next-day one (once); audited.

    Runs inside the discharge transaction. Nothing is made when the patient has no
    next-day reflection for this session (reflections are not in their plan).
    """
    start = session.appointment.start
    next_day = _next_day_of(
        session,
        list(
            Assignment.objects.filter(
                patient_id=session.patient_id,
                instrument=INSTRUMENT,
                schedule=ScheduleKind.AFTER_SESSION,
                opens_at__gte=start,
                opens_at__lte=start + AFTER_SESSION_OPENS + MATCH_WINDOW,
            ).exclude(status=AssignmentStatus.CANCELLED)
        ),
    )
    if next_day is None or Assignment.objects.filter(follows=next_day).exists():
        return None
    week = Assignment.objects.create(
        clinic_id=session.clinic_id,
        patient_id=session.patient_id,
        instrument=INSTRUMENT,
        schedule=ScheduleKind.ONCE,
        opens_at=start + ONE_WEEK_OPENS,
        due_at=start + ONE_WEEK_DUE,
        follows=next_day,
        created_by=actor.user,
    )
    record(
        Action.CREATE,
        actor=actor,
        patient=session.patient,
        obj=week,
        detail={"follows": next_day.pk, "session": session.pk, "reflection": "one_week"},
    )
    return week
