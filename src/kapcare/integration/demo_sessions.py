"""Demo: Jordan's two finished dosing sessions (15 and 8 days ago) and what followed them.

The journal entries and the integration note of the integration demo name these
sessions; each has its next-day reflection answered, the later one a one-week
reflection due now, and the first an answered check-in. Casey promises to escort
Jordan to their next booked session. Safe to run twice: rows are found before made.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.utils import timezone

from kapcare.accounts.actors import PATIENT_ROLE, SUPPORT_ROLE, Actor
from kapcare.accounts.models import Membership, User
from kapcare.dosing.models import DosingSession
from kapcare.integration import followup
from kapcare.integration.models import FollowUpLink, IntegrationNote, JournalEntry
from kapcare.integration.reflections import INSTRUMENT, ONE_WEEK_DUE, ONE_WEEK_OPENS
from kapcare.measures.models import Assignment, ScheduleKind
from kapcare.measures.services import AFTER_SESSION_DUE, AFTER_SESSION_OPENS, response_submit
from kapcare.patients.models import Patient
from kapcare.support import services as support_services
from kapcare.support.models import SupportRelationship
from kapcare.support.sessions import escort_views
from kapcare.treatment.models import Appointment, AppointmentStatus, PlanStatus, TreatmentPlanRecord

#: days ago, hour of the dose (clinic time), the patient's reflection answers
PAST = (
    (15, 9, {"1": 8, "2": 9, "3": 9, "4": "I was in my grandmother's kitchen. I felt safe."}),
    (8, 9, {"1": 5, "2": 7, "3": 10, "4": "Less imagery, more letting go."}),
)
WEEK_LATER = {"1": 6, "2": 9, "3": 9, "4": "A week on I am kinder to myself."}


def _session(
    jordan: Patient, nurse: Membership, plan: TreatmentPlanRecord, start: dt.datetime
) -> DosingSession:
    existing = DosingSession.objects.filter(patient=jordan, appointment__start=start).first()
    if existing is not None:
        return existing
    appointment = Appointment.objects.create(
        clinic=jordan.clinic,
        patient=jordan,
        plan=plan,
        kind="dosing",
        start=start,
        end=start + dt.timedelta(hours=3),
        status=AppointmentStatus.COMPLETED,
        staff=nurse,
        created_by=nurse.user,
    )
    return DosingSession.objects.create(
        clinic=jordan.clinic,
        patient=jordan,
        appointment=appointment,
        route=plan.route,
        state="discharged",
        checked_in_at=start,
        ready_at=start + dt.timedelta(minutes=20),
        dose_started_at=start + dt.timedelta(minutes=30),
        recovery_at=start + dt.timedelta(minutes=70),
        discharged_at=start + dt.timedelta(minutes=150),
        version=6,
    )


def _reflect(me: Actor, nurse: Actor, session: DosingSession, answers: dict[str, object]) -> None:
    start = session.appointment.start
    standing = Assignment.objects.filter(
        patient=session.patient, instrument=INSTRUMENT, due_at__isnull=True
    ).first()
    next_day, made = Assignment.objects.get_or_create(
        patient=session.patient,
        instrument=INSTRUMENT,
        schedule=ScheduleKind.AFTER_SESSION,
        opens_at=start + AFTER_SESSION_OPENS,
        defaults={
            "clinic": session.clinic,
            "due_at": start + AFTER_SESSION_DUE,
            "follows": standing,
            "created_by": nurse.user,
        },
    )
    if made:
        response_submit(
            actor=me,
            patient=session.patient,
            instrument=INSTRUMENT,
            assignment=next_day,
            answers=answers,
            answered_at=start + dt.timedelta(hours=30),
        )
    week, made = Assignment.objects.get_or_create(
        patient=session.patient,
        instrument=INSTRUMENT,
        schedule=ScheduleKind.ONCE,
        follows=next_day,
        defaults={
            "clinic": session.clinic,
            "opens_at": start + ONE_WEEK_OPENS,
            "due_at": start + ONE_WEEK_DUE,
            "created_by": nurse.user,
        },
    )
    if made and start + ONE_WEEK_DUE < timezone.now() - dt.timedelta(days=1):
        response_submit(
            actor=me,
            patient=session.patient,
            instrument=INSTRUMENT,
            assignment=week,
            answers=WEEK_LATER,
            answered_at=start + dt.timedelta(days=7, hours=5),
        )


def seed_sessions(jordan: Patient) -> list[DosingSession]:
    """The finished sessions, their links and reflections; Casey's next escort duty."""
    nurse = (
        Membership.objects.select_related("user").filter(user__email="nurse@example.com").first()
    )
    plan = TreatmentPlanRecord.objects.filter(patient=jordan, status=PlanStatus.SIGNED).first()
    if nurse is None or plan is None or jordan.user is None:
        return []
    zone = zoneinfo.ZoneInfo(jordan.clinic.time_zone)
    today = timezone.localdate(timezone=zone)
    me = Actor(user=jordan.user, clinic=jordan.clinic, role=PATIENT_ROLE, patient=jordan)
    staff = Actor(user=nurse.user, clinic=nurse.clinic, role=nurse.role, membership=nurse)
    sessions = []
    for days, hour, answers in PAST:
        day = today - dt.timedelta(days=days)
        start = dt.datetime.combine(day, dt.time(hour), tzinfo=zone)
        session = _session(jordan, nurse, plan, start)
        sessions.append(session)
        for model in (JournalEntry, IntegrationNote, FollowUpLink):
            model.objects.filter(patient=jordan, session_date=day, session__isnull=True).update(
                session=session
            )
        _reflect(me, staff, session, answers)
    first = sessions[0]
    if not FollowUpLink.objects.filter(session=first).exists():
        link, _ = followup.followup_link_issue(
            actor=staff,
            patient=jordan,
            session=first,
            session_date=first.appointment.start.astimezone(zone).date(),
        )
        followup.checkin_submit(
            link=link,
            feeling="good",
            harm_thoughts=False,
            side_effects=["drowsiness"],
            worrying="Nothing much; I slept a lot.",
        )
    _escort_next(jordan)
    return sessions


def _escort_next(jordan: Patient) -> None:
    """Casey confirms escort duty for Jordan's next booked dosing session."""
    casey = User.objects.filter(email="support@example.com").first()
    link = (
        SupportRelationship.objects.select_related("patient__clinic")
        .filter(patient=jordan, user=casey, revoked_at__isnull=True)
        .first()
    )
    if casey is None or link is None:
        return
    upcoming = escort_views([link], timezone.now()).get(jordan.pk)
    if upcoming is None or upcoming.upcoming is None:
        return
    support_services.escort_confirm(
        actor=Actor(user=casey, clinic=None, role=SUPPORT_ROLE),
        link=link,
        appointment=upcoming.upcoming,
    )
