"""Booking, rescheduling and cancelling appointments, without double-booking anyone.

The conflict check and the insert happen in one transaction that first locks
the patient, staff member and room rows (``select_for_update``, in a fixed
order so two bookings cannot deadlock). A second booking for any of them waits
for the first to commit, then sees it. SQLite takes its writer lock at the
start of the transaction (``transaction_mode = IMMEDIATE``), which serialises
bookings the same way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from kapcare.accounts.actors import Actor
from kapcare.accounts.models import Membership
from kapcare.audit.models import Action
from kapcare.audit.services import record
from kapcare.clinical.findings import Finding, Severity
from kapcare.clinical.scheduling import AppointmentType, generate_plan_appointments
from kapcare.measures.services import (
    session_questionnaires_cancel,
    session_questionnaires_create,
    session_questionnaires_move,
)
from kapcare.patients.models import Patient
from kapcare.treatment.models import (
    Appointment,
    AppointmentStatus,
    PlanStatus,
    Room,
    TreatmentPlanRecord,
)
from kapcare.treatment.plan_data import plan_from_json
from kapcare.treatment.preparation import checklist_create
from kapcare.treatment.questionnaires import attach_end_of_course
from kapcare.treatment.schedule_settings import schedule_of

#: cancelling less than this before the start counts as a late cancellation (local choice)
LATE_CANCELLATION = dt.timedelta(hours=24)


@dataclass(frozen=True)
class Slot:
    kind: str
    start: dt.datetime
    end: dt.datetime
    dose_number: int | None = None


def _lock(patient: Patient, staff: Membership | None, room: Room | None) -> None:
    Patient.objects.select_for_update().filter(pk=patient.pk).first()
    if staff is not None:
        Membership.objects.select_for_update().filter(pk=staff.pk).first()
    if room is not None:
        Room.objects.select_for_update().filter(pk=room.pk).first()


def _when(start: dt.datetime, end: dt.datetime, patient: Patient) -> str:
    zone = ZoneInfo(patient.clinic.time_zone)
    return f"{start.astimezone(zone):%a %d %b %H:%M}–{end.astimezone(zone):%H:%M}"


def conflicts(
    *,
    patient: Patient,
    staff: Membership | None,
    room: Room | None,
    start: dt.datetime,
    end: dt.datetime,
    ignore: int | None = None,
) -> list[str]:
    """Messages naming each booked appointment that overlaps (empty: free)."""
    who = Q(patient=patient)
    if staff is not None:
        who |= Q(staff=staff)
    if room is not None:
        who |= Q(room=room)
    clashes = (
        Appointment.objects.filter(
            who, status=AppointmentStatus.BOOKED, start__lt=end, end__gt=start
        )
        .exclude(pk=ignore or 0)
        .select_related("room", "staff__user")
    )
    messages = []
    for other in clashes:
        when = _when(other.start, other.end, patient)
        if other.patient_id == patient.pk:
            messages.append(f"{patient.display_name} already has an appointment {when}.")
        if staff is not None and other.staff_id == staff.pk:
            messages.append(f"{staff.user.full_name} is already booked {when}.")
        if room is not None and other.room_id == room.pk:
            messages.append(f"{room.name} is already booked {when}.")
    return messages


def _check_people(patient: Patient, staff: Membership | None, room: Room | None) -> None:
    if staff is not None and (staff.clinic_id != patient.clinic_id or not staff.is_active):
        raise ValidationError({"staff": ["Choose an active staff member of this clinic."]})
    if room is not None and (room.clinic_id != patient.clinic_id or not room.is_active):
        raise ValidationError({"room": ["Choose an active room of this clinic."]})


def appointment_book(
    *,
    actor: Actor,
    patient: Patient,
    kind: str,
    start: dt.datetime,
    end: dt.datetime,
    staff: Membership | None = None,
    room: Room | None = None,
    plan: TreatmentPlanRecord | None = None,
    dose_number: int | None = None,
) -> Appointment:
    """Book one appointment; ValidationError naming the conflict if anyone is taken."""
    if kind not in {k.value for k in AppointmentType}:
        allowed = ", ".join(k.value for k in AppointmentType)
        raise ValidationError({"kind": [f"Unknown kind {kind!r}; allowed: {allowed}."]})
    if end <= start:
        raise ValidationError({"end": ["The appointment must end after it starts."]})
    _check_people(patient, staff, room)
    with transaction.atomic():
        _lock(patient, staff, room)
        clash = conflicts(patient=patient, staff=staff, room=room, start=start, end=end)
        if clash:
            raise ValidationError(clash)
        appointment = Appointment.objects.create(
            clinic=patient.clinic,
            patient=patient,
            plan=plan,
            kind=kind,
            dose_number=dose_number,
            staff=staff,
            room=room,
            start=start,
            end=end,
            created_by=actor.user,
        )
        if kind == AppointmentType.DOSING:
            checklist_create(appointment)
            session_questionnaires_create(actor=actor, patient=patient, session_starts_at=start)
        record(
            Action.CREATE,
            actor=actor,
            patient=patient,
            obj=appointment,
            detail={"kind": kind, "start": start.isoformat(), "end": end.isoformat()},
        )
    return appointment


def appointment_reschedule(
    *,
    actor: Actor,
    appointment: Appointment,
    start: dt.datetime,
    end: dt.datetime,
    staff: Membership | None,
    room: Room | None,
) -> Appointment:
    """Move a booked appointment (and change who or where); the same conflict rules apply."""
    if end <= start:
        raise ValidationError({"end": ["The appointment must end after it starts."]})
    patient = appointment.patient
    _check_people(patient, staff, room)
    with transaction.atomic():
        _lock(patient, staff, room)
        current = Appointment.objects.select_for_update().get(pk=appointment.pk)
        if current.status != AppointmentStatus.BOOKED:
            raise ValidationError("Only a booked appointment can be rescheduled.")
        clash = conflicts(
            patient=patient, staff=staff, room=room, start=start, end=end, ignore=current.pk
        )
        if clash:
            raise ValidationError(clash)
        before = {"start": current.start.isoformat(), "end": current.end.isoformat()}
        Appointment.objects.filter(pk=current.pk).update(
            start=start, end=end, staff=staff, room=room, version=F("version") + 1
        )
        if current.kind == AppointmentType.DOSING and start != current.start:
            session_questionnaires_move(
                actor=actor, patient=patient, moved_from=current.start, moved_to=start
            )
        record(
            Action.UPDATE,
            actor=actor,
            patient=patient,
            obj=current,
            detail={
                "rescheduled_from": before,
                "to": {"start": start.isoformat(), "end": end.isoformat()},
            },
        )
    current.refresh_from_db()
    return current


def appointment_cancel(
    *, actor: Actor, appointment: Appointment, reason: str, no_show: bool = False
) -> Appointment:
    """Cancel with a reason (or record a no-show); late cancellations are flagged and counted."""
    if not reason.strip():
        raise ValidationError({"reason": ["Say why the appointment is cancelled."]})
    now = timezone.now()
    with transaction.atomic():
        current = Appointment.objects.select_for_update().get(pk=appointment.pk)
        if current.status != AppointmentStatus.BOOKED:
            raise ValidationError("Only a booked appointment can be cancelled.")
        late = not no_show and current.start - now < LATE_CANCELLATION
        status = AppointmentStatus.NO_SHOW if no_show else AppointmentStatus.CANCELLED
        Appointment.objects.filter(pk=current.pk).update(
            status=status,
            cancel_reason=reason.strip(),
            cancelled_at=now,
            late_cancellation=late,
            version=F("version") + 1,
        )
        record(
            Action.UPDATE,
            actor=actor,
            patient=current.patient,
            obj=current,
            detail={"status": status.value, "late": late, "reason": reason.strip()},
        )
        if current.kind == AppointmentType.DOSING:
            session_questionnaires_cancel(
                actor=actor,
                patient=current.patient,
                session_starts_at=current.start,
                why=f"dosing session {status.label.lower()}",
            )
    current.refresh_from_db()
    return current


def appointment_attended(*, actor: Actor, appointment: Appointment) -> Appointment:
    """The patient came to an appointment that has begun: it is recorded as completed.

    A dosing appointment is completed by its session instead (discharge, or a stop after
    check-in), so that the record of the dose and of attendance cannot disagree.
    """
    with transaction.atomic():
        current = Appointment.objects.select_for_update().get(pk=appointment.pk)
        if current.status != AppointmentStatus.BOOKED:
            raise ValidationError(
                f"Only a booked appointment can be marked attended; this one is "
                f"{current.get_status_display().lower()}."
            )
        if current.kind == AppointmentType.DOSING:
            raise ValidationError(
                "A dosing appointment is completed by its session: discharge the patient "
                "on the dosing console."
            )
        if current.start > timezone.now():
            raise ValidationError("The appointment has not begun yet.")
        _complete(actor, current, detail={"status": AppointmentStatus.COMPLETED.value})
    current.refresh_from_db()
    return current


def appointment_complete_for_session(*, actor: Actor, appointment_id: int) -> None:
    """The dosing session of this appointment ended with the patient there (discharged,
    or stopped after check-in). Runs inside the session's transaction; an appointment
    that is no longer booked is left as it is."""
    # Lock the appointment row only, not its patient's or clinic's.
    current = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("patient__clinic")
        .filter(pk=appointment_id)
        .first()
    )
    if current is not None and current.status == AppointmentStatus.BOOKED:
        detail = {"status": AppointmentStatus.COMPLETED.value, "by": "dosing session"}
        _complete(actor, current, detail=detail)


def _complete(actor: Actor, current: Appointment, *, detail: dict[str, str]) -> None:
    Appointment.objects.filter(pk=current.pk).update(
        status=AppointmentStatus.COMPLETED, version=F("version") + 1
    )
    record(Action.UPDATE, actor=actor, patient=current.patient, obj=current, detail=detail)


def plan_slots(plan: TreatmentPlanRecord, start: dt.date) -> tuple[list[Slot], tuple[Finding, ...]]:
    """The plan's appointments from ``start`` on the clinic's calendar (pure scheduler)."""
    schedule = schedule_of(plan.clinic)
    generated = generate_plan_appointments(
        plan_from_json(plan.content),
        start=start,
        open_weekdays=schedule.weekdays,
        closed_dates=schedule.closed,
        preferred_time=schedule.preferred_time,
        time_zone=plan.clinic.time_zone,
    )
    slots = [Slot(a.kind.value, a.start, a.end, a.dose_number) for a in generated.appointments]
    return _integration_after_doses(slots, generated.findings)


def _integration_after_doses(
    slots: list[Slot], findings: tuple[Finding, ...]
) -> tuple[list[Slot], tuple[Finding, ...]]:
    """Move an integration slot that lands on a dose to right after that dose.

    The pure scheduler reports the overlap (a warn finding) and leaves the
    choice to people; booking cannot put the patient in two places, so the
    session follows the dose on the same day, and an info finding says so.
    """
    doses = [s for s in slots if s.kind == AppointmentType.DOSING]
    moved: list[Finding] = []
    result = []
    for slot in slots:
        if slot.kind == AppointmentType.INTEGRATION:
            clash = next((d for d in doses if slot.start < d.end and d.start < slot.end), None)
            if clash is not None:
                length = slot.end - slot.start
                slot = Slot(slot.kind, clash.end, clash.end + length, slot.dose_number)
                moved.append(
                    Finding(
                        rule_id="treatment.integration_after_dose_same_day",
                        severity=Severity.INFO,
                        message=(
                            f"Integration after dose {slot.dose_number} fell on dose "
                            f"{clash.dose_number}'s slot, so it follows that dose the same day."
                        ),
                        action="Move it by hand if another day suits the patient better.",
                    )
                )
        result.append(slot)
    kept = tuple(f for f in findings if f.rule_id != "scheduling.integration_overlaps_dose")
    result.sort(key=lambda s: s.start)
    return result, (*kept, *moved)


def appointments_generate(
    *,
    actor: Actor,
    plan: TreatmentPlanRecord,
    start: dt.date,
    staff: Membership | None,
    room: Room | None,
) -> tuple[list[Appointment], tuple[Finding, ...]]:
    """Book every appointment of a signed plan in one step, or none (naming each conflict)."""
    if plan.status != PlanStatus.SIGNED:
        raise ValidationError("Appointments are generated from the signed plan only.")
    slots, findings = plan_slots(plan, start)
    booked: list[Appointment] = []
    problems: list[str] = []
    with transaction.atomic():
        for slot in slots:
            # dosing needs the room; preparation and integration need only the clinician
            where = room if slot.kind == AppointmentType.DOSING else None
            try:
                booked.append(
                    appointment_book(
                        actor=actor,
                        patient=plan.patient,
                        kind=slot.kind,
                        start=slot.start,
                        end=slot.end,
                        staff=staff,
                        room=where,
                        plan=plan,
                        dose_number=slot.dose_number,
                    )
                )
            except ValidationError as error:
                problems.extend(error.messages)
        if problems:
            raise ValidationError(problems)
        doses = [a for a in booked if a.kind == AppointmentType.DOSING]
        if doses:
            attach_end_of_course(actor=actor, plan=plan, last_dose_end=doses[-1].end)
    return booked, findings
