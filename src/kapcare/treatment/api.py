"""The treatment part of the JSON API: plans, appointments and preparation checklists.

Every operation passes ``authorize()`` and obtains the patient through
``policy.get_patient``, so the API answers what the pages would, audited alike.
Signing needs a browser session that confirmed the second factor in the last
few minutes: an API token alone cannot sign a plan.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja import Status as Reply
from pydantic import ConfigDict, Field

from kapcare.accounts.mfa import is_stepped_up
from kapcare.accounts.models import Membership
from kapcare.accounts.policy import Perm, deny, get_patient, has_perm
from kapcare.api.access import authorize
from kapcare.audit.models import Action
from kapcare.audit.services import record
from kapcare.treatment import booking, preparation, services
from kapcare.treatment.models import Appointment, Room, TreatmentPlanRecord
from kapcare.treatment.selectors import calendar_appointments, plans_of
from kapcare.treatment.templates_catalog import offered_templates

router = Router(tags=["treatment"])

#: longest range one appointments request may cover
MAX_RANGE = dt.timedelta(days=31)


class PlanOut(Schema):
    id: int
    patient_id: int
    version: int
    status: str
    route: str
    indication: str
    template_id: str
    template_version: str
    content: dict[str, Any]
    findings: list[dict[str, Any]]
    supersedes_id: int | None
    created_at: dt.datetime
    signed_by_id: int | None
    signed_at: dt.datetime | None


class PlanIn(Schema):
    model_config = ConfigDict(extra="forbid")

    template_id: str = Field(description="A template id offered to the clinic")
    changes: dict[str, Any] = Field(
        default_factory=dict,
        description="Fields changed from the template: " + ", ".join(services.EDITABLE),
    )


class AppointmentOut(Schema):
    id: int
    patient_id: int
    plan_id: int | None
    kind: str
    dose_number: int | None
    room_id: int | None
    staff_id: int | None
    start: dt.datetime
    end: dt.datetime
    status: str
    cancel_reason: str
    late_cancellation: bool
    version: int


class AppointmentIn(Schema):
    model_config = ConfigDict(extra="forbid")

    kind: str = Field(description="dosing, preparation, integration, consultation, follow_up")
    start: dt.datetime
    end: dt.datetime
    room_id: int | None = None
    staff_id: int | None = Field(None, description="A clinic membership id")


class RescheduleIn(Schema):
    model_config = ConfigDict(extra="forbid")

    start: dt.datetime
    end: dt.datetime
    room_id: int | None = None
    staff_id: int | None = None


class CancelIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=500)
    no_show: bool = False


class Range(Schema):
    start: dt.datetime | None = Field(None, description="Default: now")
    end: dt.datetime | None = Field(None, description="Default: 7 days after start")


class ItemOut(Schema):
    key: str
    label: str
    critical: bool
    confirmed_by_id: int | None
    confirmed_at: dt.datetime | None
    checked_in_by_id: int | None
    checked_in_at: dt.datetime | None


class ChecklistOut(Schema):
    appointment_id: int
    items: list[ItemOut]
    escort_name: str
    escort_phone: str
    intention: str
    ready: bool
    missing: list[str]


class ChecklistIn(Schema):
    model_config = ConfigDict(extra="forbid")

    confirmed: list[str] = Field(description="Keys of the items the patient confirms")
    escort_name: str = ""
    escort_phone: str = ""
    intention: str = ""


def _plan_out(plan: TreatmentPlanRecord) -> dict[str, Any]:
    return {name: getattr(plan, name) for name in PlanOut.model_fields}


def _appointment_out(a: Appointment) -> dict[str, Any]:
    return {name: getattr(a, name) for name in AppointmentOut.model_fields}


def _patient(actor: Any, patient_id: int, perm: Perm, audit: Action | None, kind: str) -> Any:
    return get_patient(actor, patient_id, perm, audit=audit, object_type=f"treatment.{kind}")


def _appointment(actor: Any, appointment_id: int, perm: Perm, audit: Action | None) -> Appointment:
    """An appointment of the actor's clinic (or, for a patient, their own), else 404."""
    found = (
        Appointment.objects.filter(pk=appointment_id, clinic=actor.clinic)
        .select_related("patient__clinic", "checklist")
        .first()
    )
    if found is None:
        deny(actor, perm, object_type="treatment.appointment", object_id=appointment_id)
        raise Http404("No such appointment")
    found.patient = _patient(actor, found.patient_id, perm, audit, "appointment")
    return found


def _people(actor: Any, room_id: int | None, staff_id: int | None) -> tuple[Any, Any]:
    room = staff = None
    if room_id is not None:
        room = Room.objects.filter(pk=room_id, clinic=actor.clinic).first()
        if room is None:
            raise ValidationError({"room_id": ["No such room in this clinic."]})
    if staff_id is not None:
        staff = (
            Membership.objects.filter(pk=staff_id, clinic=actor.clinic)
            .select_related("user")
            .first()
        )
        if staff is None:
            raise ValidationError({"staff_id": ["No such staff member in this clinic."]})
    return room, staff


@router.get(
    "/patients/{patient_id}/plans",
    response=list[PlanOut],
    url_name="plans",
    summary="A patient's treatment plan versions, newest first",
)
def list_plans(request: HttpRequest, patient_id: int) -> list[dict[str, Any]]:
    actor = authorize(request, Perm.PATIENT_CLINICAL)
    patient = _patient(actor, patient_id, Perm.PATIENT_CLINICAL, Action.VIEW, "treatmentplanrecord")
    return [_plan_out(p) for p in plans_of(patient)]


@router.post(
    "/patients/{patient_id}/plans",
    response={201: PlanOut},
    url_name="plan_create",
    summary="Draft a plan from a template (replaces an unsigned draft)",
)
def create_plan(request: HttpRequest, patient_id: int, payload: PlanIn) -> Reply[dict[str, Any]]:
    actor = authorize(request, Perm.PLAN_WRITE)
    patient = _patient(actor, patient_id, Perm.PLAN_WRITE, None, "treatmentplanrecord")
    offered = offered_templates(patient.clinic).get(payload.template_id)
    if offered is None:
        allowed = ", ".join(offered_templates(patient.clinic))
        raise ValidationError({"template_id": [f"Unknown template; allowed: {allowed}"]})
    unknown = sorted(set(payload.changes) - set(services.EDITABLE))
    if unknown:
        raise ValidationError(
            {
                "changes": [
                    f"Not editable: {', '.join(unknown)}; allowed: {', '.join(services.EDITABLE)}"
                ]
            }
        )
    changes = {**services.initial_from(offered.template.plan), **payload.changes}
    for key in ("goals", "stop_criteria"):
        if isinstance(changes[key], str):
            changes[key] = [line for line in changes[key].splitlines() if line.strip()]
    for key in ("dose_starting", "titration_step", "per_session_cap", "course_cap"):
        if changes[key] is not None:
            try:
                changes[key] = Decimal(str(changes[key]))
            except InvalidOperation:
                raise ValidationError({key: ["must be a number"]}) from None
    draft = services.plan_draft_create(
        actor=actor, patient=patient, offered=offered, changes=changes
    )
    return Reply(201, _plan_out(draft))


@router.post(
    "/patients/{patient_id}/plans/{plan_id}/sign",
    response=PlanOut,
    url_name="plan_sign",
    summary="Sign a draft plan",
    description="Needs a browser session that confirmed the second factor in the last few "
    "minutes; an API token alone cannot sign.",
)
def sign_plan(request: HttpRequest, patient_id: int, plan_id: int) -> dict[str, Any]:
    actor = authorize(request, Perm.PLAN_SIGN)
    patient = _patient(actor, patient_id, Perm.PLAN_SIGN, None, "treatmentplanrecord")
    plan = TreatmentPlanRecord.objects.filter(patient=patient, pk=plan_id).first()
    if plan is None:
        raise Http404("No such plan")
    if not (hasattr(request, "session") and is_stepped_up(request)):
        deny(
            actor,
            "plan.sign.step_up",
            object_type="treatment.treatmentplanrecord",
            object_id=plan.pk,
        )
        raise PermissionDenied(
            "Signing needs step-up authentication: confirm your second factor in the browser."
        )
    plan.patient = patient
    return _plan_out(services.plan_sign(actor=actor, plan=plan))


@router.get(
    "/appointments",
    response=list[AppointmentOut],
    url_name="appointments",
    summary="The clinic's appointments overlapping a date range (at most 31 days)",
)
def list_appointments(request: HttpRequest, span: Query[Range]) -> list[dict[str, Any]]:
    actor = authorize(request, Perm.SCHEDULE_VIEW)
    start = span.start or timezone.now()
    end = span.end or start + dt.timedelta(days=7)
    if end <= start or end - start > MAX_RANGE:
        raise ValidationError({"end": ["must be after start, at most 31 days later"]})
    found = list(calendar_appointments(actor.clinic, start, end))
    record(
        Action.LIST,
        actor=actor,
        object_type="treatment.appointment",
        detail={"ids": [a.pk for a in found]},
    )
    return [_appointment_out(a) for a in found]


@router.post(
    "/patients/{patient_id}/appointments",
    response={201: AppointmentOut},
    url_name="appointment_book",
    summary="Book an appointment; a double booking answers 422 naming the conflict",
)
def book(request: HttpRequest, patient_id: int, payload: AppointmentIn) -> Reply[dict[str, Any]]:
    actor = authorize(request, Perm.SCHEDULE_MANAGE)
    patient = _patient(actor, patient_id, Perm.SCHEDULE_MANAGE, None, "appointment")
    room, staff = _people(actor, payload.room_id, payload.staff_id)
    appointment = booking.appointment_book(
        actor=actor,
        patient=patient,
        kind=payload.kind,
        start=payload.start,
        end=payload.end,
        staff=staff,
        room=room,
    )
    return Reply(201, _appointment_out(appointment))


@router.post(
    "/appointments/{appointment_id}/reschedule",
    response=AppointmentOut,
    url_name="appointment_reschedule",
    summary="Move a booked appointment",
)
def reschedule(request: HttpRequest, appointment_id: int, payload: RescheduleIn) -> dict[str, Any]:
    actor = authorize(request, Perm.SCHEDULE_MANAGE)
    appointment = _appointment(actor, appointment_id, Perm.SCHEDULE_MANAGE, None)
    room, staff = _people(actor, payload.room_id, payload.staff_id)
    moved = booking.appointment_reschedule(
        actor=actor,
        appointment=appointment,
        start=payload.start,
        end=payload.end,
        staff=staff,
        room=room,
    )
    return _appointment_out(moved)


@router.post(
    "/appointments/{appointment_id}/cancel",
    response=AppointmentOut,
    url_name="appointment_cancel",
    summary="Cancel with a reason, or record a no-show",
)
def cancel(request: HttpRequest, appointment_id: int, payload: CancelIn) -> dict[str, Any]:
    actor = authorize(request, Perm.SCHEDULE_MANAGE)
    appointment = _appointment(actor, appointment_id, Perm.SCHEDULE_MANAGE, None)
    done = booking.appointment_cancel(
        actor=actor, appointment=appointment, reason=payload.reason, no_show=payload.no_show
    )
    return _appointment_out(done)


@router.post(
    "/appointments/{appointment_id}/attended",
    response=AppointmentOut,
    url_name="appointment_attended",
    summary="Record that the patient came to an appointment that has begun",
    description=(
        "A dosing appointment is completed by its session (discharge, or a stop after "
        "check-in) and is refused here; record a no-show with `cancel` and `no_show`."
    ),
)
def attended(request: HttpRequest, appointment_id: int) -> dict[str, Any]:
    actor = authorize(request, Perm.SCHEDULE_MANAGE)
    appointment = _appointment(actor, appointment_id, Perm.SCHEDULE_MANAGE, None)
    done = booking.appointment_attended(actor=actor, appointment=appointment)
    return _appointment_out(done)


def _checklist_out(appointment: Appointment) -> dict[str, Any]:
    checklist = getattr(appointment, "checklist", None)
    if checklist is None:
        raise Http404("This appointment has no preparation checklist")
    status = preparation.preparation_status(appointment)
    return {
        "appointment_id": appointment.pk,
        "items": [
            {
                **{n: getattr(i, n) for n in ItemOut.model_fields},
                "label": preparation.label_of(i, checklist),
            }
            for i in checklist.items.all()
        ],
        "escort_name": checklist.escort_name,
        "escort_phone": checklist.escort_phone,
        "intention": checklist.intention,
        "ready": status.ready,
        "missing": list(status.missing),
    }


def _own_or_clinical(request: HttpRequest, appointment_id: int, audit: Action | None) -> Any:
    actor = authorize(request, Perm.SIGNED_IN)
    perm = Perm.PORTAL if has_perm(actor, Perm.PORTAL) else Perm.PATIENT_CLINICAL
    if not has_perm(actor, perm):
        deny(actor, perm, object_type="api", object_id=request.path[:64])
        raise PermissionDenied(f"Your role may not {perm}.")
    return actor, _appointment(actor, appointment_id, perm, audit)


@router.get(
    "/appointments/{appointment_id}/preparation",
    response=ChecklistOut,
    url_name="preparation",
    summary="A dosing session's preparation checklist (the patient's own, or for clinicians)",
)
def read_checklist(request: HttpRequest, appointment_id: int) -> dict[str, Any]:
    _, appointment = _own_or_clinical(request, appointment_id, Action.VIEW)
    return _checklist_out(appointment)


@router.post(
    "/appointments/{appointment_id}/preparation",
    response=ChecklistOut,
    url_name="preparation_complete",
    summary="The patient confirms checklist items, names an escort and writes an intention",
)
def complete_checklist(
    request: HttpRequest, appointment_id: int, payload: ChecklistIn
) -> dict[str, Any]:
    actor = authorize(request, Perm.PORTAL)
    appointment = _appointment(actor, appointment_id, Perm.PORTAL, None)
    checklist = getattr(appointment, "checklist", None)
    if checklist is None:
        raise Http404("This appointment has no preparation checklist")
    preparation.checklist_complete(
        actor=actor,
        checklist=checklist,
        ticked=set(payload.confirmed),
        escort_name=payload.escort_name,
        escort_phone=payload.escort_phone,
        intention=payload.intention,
    )
    return _checklist_out(Appointment.objects.select_related("checklist").get(pk=appointment.pk))
