"""The dosing session part of the JSON API: state, transitions, vitals, the dose and discharge.

The same services as the tablet console answer every operation, so the API
refuses what the console refuses, with the same words, audited alike.

Every write needs an ``Idempotency-Key`` header (a tablet on clinic Wi-Fi
retries): a retry with the same key and body answers the first response again,
status and body unchanged, and writes nothing twice (``kapcare.dosing.idempotency``);
the same key with another body is refused with 422, as the IETF
"Idempotency-Key HTTP Header Field" draft advises. Keys are scoped to the person
and the operation on one session.

Transitions carry the ``version`` the client read; a stale one answers 409
naming the session's current state and version, never a silent overwrite.

Overrides (discharge despite unmet criteria, a dose despite a block, accepting
out-of-range pre-dose vitals) need a prescriber who confirmed the second factor
in the last few minutes, as on the console. An API token cannot confirm a
second factor, so those writes are refused with 403 when made with a token.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.responses import NinjaJSONEncoder
from pydantic import ConfigDict, Field, ValidationInfo, field_validator

from kapcare.accounts.mfa import is_stepped_up
from kapcare.accounts.models import Membership
from kapcare.accounts.policy import Perm, deny, get_patient, has_perm
from kapcare.api.access import authorize
from kapcare.api.problems import problem_response
from kapcare.audit.models import Action
from kapcare.audit.services import record
from kapcare.clinical.monitoring import next_vitals_due
from kapcare.clinical.vitals import PLAUSIBLE, Phase
from kapcare.dosing import administration, clinic_settings, gate, services
from kapcare.dosing.idempotency import MAX_KEY_LENGTH, KeyReused, idempotent
from kapcare.dosing.models import (
    DosingSession,
    VitalsReading,
)
from kapcare.treatment.models import Appointment

router = Router(tags=["dosing"])

OBJECT = "dosing.dosingsession"
PAGE_MAX = settings.KAPCARE_API_MAX_PAGE_SIZE
IDEMPOTENCY_HEADER = "Idempotency-Key"
#: who may be named as the second person checking an administration (as on the console)
CHECKER_ROLES = ("prescriber", "therapist", "nurse")

_KEY_PARAMETER = {
    "in": "header",
    "name": IDEMPOTENCY_HEADER,
    "required": True,
    "description": (
        f"1 to {MAX_KEY_LENGTH} characters, new for each new request. A retry with the "
        "same key and body answers the first response (header `Idempotent-Replayed: true`) "
        "and writes nothing twice; the same key with another body answers 422. "
        "Missing: 400."
    ),
    "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH},
}
WRITE_EXTRA = {"parameters": [_KEY_PARAMETER]}


# Bodies ------------------------------------------------------------------------


class FindingOut(Schema):
    rule_id: str
    severity: str
    message: str


class GateItemOut(Schema):
    key: str
    label: str
    met: bool
    detail: str


class VitalsOut(Schema):
    id: int
    session_id: int
    phase: str
    taken_at: dt.datetime
    systolic: int
    diastolic: int
    heart_rate: int
    spo2: int
    respiratory_rate: int | None
    moaas: int | None
    findings: list[FindingOut]
    alerts: list[FindingOut] = Field(description="The findings that are not merely information")
    recorded_by_id: int
    recorded_at: dt.datetime


class OrderOut(Schema):
    id: int
    session_id: int
    mg_per_kg: Decimal | None
    weight_kg: Decimal | None
    dose_mg: Decimal
    concentration_mg_per_ml: Decimal | None
    volume_ml: Decimal | None
    infusion_minutes: int | None
    rate_mg_per_hour: Decimal | None
    rate_ml_per_hour: Decimal | None
    devices: int | None
    findings: list[FindingOut]
    precision_notes: list[str]
    override_reason: str
    ordered_by_id: int
    ordered_at: dt.datetime
    checked_by_id: int | None
    checked_at: dt.datetime | None


class AdministrationOut(Schema):
    id: int
    session_id: int
    order_id: int
    product: str
    lot: str
    expiry: dt.date
    concentration_mg_per_ml: Decimal | None
    route: str
    site: str
    dose_mg: Decimal
    device_number: int | None
    started_at: dt.datetime
    ended_at: dt.datetime | None
    given_by_id: int
    checked_by_id: int
    recorded_at: dt.datetime


class SessionOut(Schema):
    id: int
    patient_id: int
    appointment_id: int
    scheduled_start: dt.datetime
    state: str
    version: int = Field(description="Send it back with every transition")
    route: str
    weight_kg: Decimal | None
    weight_recorded_at: dt.datetime | None
    questionnaire_waiver: str
    bp_accepted_reading_id: int | None
    bp_accepted_reason: str
    created_at: dt.datetime
    checked_in_at: dt.datetime | None
    ready_at: dt.datetime | None
    dose_started_at: dt.datetime | None
    recovery_at: dt.datetime | None
    discharged_at: dt.datetime | None
    aborted_at: dt.datetime | None
    abort_reason: str
    discharge_unmet: list[str]
    discharge_override_reason: str
    discharge_override_by_id: int | None


class SessionPage(Schema):
    items: list[SessionOut]
    count: int
    limit: int
    offset: int


class NextVitalsOut(Schema):
    due_at: dt.datetime
    label: str
    overdue: bool
    local_choice: bool


class DischargeOut(Schema):
    ready: bool
    unmet: list[str]
    unmet_ids: list[str]
    min_observation_minutes: int
    minutes_remaining: int
    note: str


class SessionDetailOut(SessionOut):
    gate: list[GateItemOut]
    gate_open: bool
    gate_missing: list[str] = Field(description="Keys of the gate items not met")
    latest_vitals: VitalsOut | None
    open_alerts: list[FindingOut]
    next_vitals: NextVitalsOut | None
    orders: list[OrderOut] = Field(description="Newest first; the first is the one that counts")
    administrations: list[AdministrationOut]
    given_mg: Decimal
    next_device_at: dt.datetime | None
    discharge: DischargeOut | None = Field(
        description="In recovery: the criteria the records answer (bedside items are ticked "
        "when discharging)"
    )


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class VersionIn(Strict):
    version: int = Field(ge=1, description="The version you read; a stale version answers 409")


class CheckInIn(VersionIn):
    weight_kg: Decimal | None = Field(
        None,
        description=f"Optional, {services.WEIGHT_RANGE_KG[0]} to {services.WEIGHT_RANGE_KG[1]} kg",
    )


class WeightIn(VersionIn):
    weight_kg: Decimal = Field(
        description=f"{services.WEIGHT_RANGE_KG[0]} to {services.WEIGHT_RANGE_KG[1]} kg"
    )


class ReasonIn(VersionIn):
    reason: str = Field(min_length=1, max_length=2000)


class DischargeIn(VersionIn):
    escort_present: bool
    no_driving_acknowledged: bool
    steady_on_feet: bool
    nausea_controlled: bool
    override_reason: str = Field(
        "",
        max_length=2000,
        description="Prescribers only, with step-up in a browser session: discharge despite "
        "unmet criteria. An API token cannot override.",
    )


def _plausible(name: str, default: Any = ...) -> Any:
    """A vital sign's field, documented with the pure core's data-entry range."""
    low, high, unit = PLAUSIBLE[name]
    return Field(
        default,
        description=f"{low} to {high} {unit}",
        json_schema_extra={"minimum": low, "maximum": high},
    )


class VitalsIn(Strict):
    phase: Phase
    systolic: int = _plausible("systolic")
    diastolic: int = _plausible("diastolic")
    heart_rate: int = _plausible("heart_rate")
    spo2: int = _plausible("spo2")
    respiratory_rate: int | None = _plausible("respiratory_rate", None)
    moaas: int | None = Field(None, description="MOAA/S, 0 to 5")
    taken_at: dt.datetime | None = Field(None, description="Default: now; never in the future")

    @field_validator("systolic", "diastolic", "heart_rate", "spo2", "respiratory_rate")
    @classmethod
    def _within_plausible(cls, value: int | None, info: ValidationInfo) -> int | None:
        """Every implausible field named at once (the pure check stops at the first)."""
        if value is None:
            return value
        low, high, unit = PLAUSIBLE[str(info.field_name)]
        if not low <= value <= high:
            raise ValueError(f"{value} {unit} is outside the allowed {low} to {high} {unit}")
        return value


class OrderIn(Strict):
    concentration_mg_per_ml: Decimal | None = Field(
        None, description="IV and IM: the vial concentration, to work out the volume"
    )
    override_reason: str = Field(
        "",
        max_length=2000,
        description="Order despite a blocking finding; needs step-up in a browser session.",
    )


class AdministrationIn(Strict):
    checked_by_id: int = Field(description="User id of the second clinician who checked it")
    product: str = Field(min_length=1, max_length=120)
    lot: str = Field(min_length=1, max_length=60)
    expiry: dt.date
    site: str = Field(min_length=1, max_length=60)
    dose_mg: Decimal = Field(description="More than 0, at most what is left of the order")
    started_at: dt.datetime | None = Field(None, description="Default: now")
    ended_at: dt.datetime | None = None


class Paging(Schema):
    limit: int = Field(25, ge=1, le=PAGE_MAX)
    offset: int = Field(0, ge=0)


# Shaping -------------------------------------------------------------------------


def _fields(obj: Any, schema: type[Schema]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in schema.model_fields}


def _session_out(session: DosingSession) -> dict[str, Any]:
    data = {n: getattr(session, n) for n in SessionOut.model_fields if n != "scheduled_start"}
    data["scheduled_start"] = session.appointment.start
    return data


def _vitals_out(reading: VitalsReading) -> dict[str, Any]:
    data = {n: getattr(reading, n) for n in VitalsOut.model_fields if n != "alerts"}
    data["alerts"] = [f for f in reading.findings if f["severity"] != "info"]
    return data


def _rendered(schema: type[Schema], data: dict[str, Any]) -> str:
    """The body as the API renders it, kept as text: a replay answers the very same bytes
    (a JSON column may reorder keys, so the stored response holds the text)."""
    return json.dumps(schema.model_validate(data).model_dump(), cls=NinjaJSONEncoder)


def _detail(session: DosingSession) -> dict[str, Any]:
    """Everything the console shows, from the same services and pure rules."""
    items = gate.gate_items(session)
    readings = list(session.readings.order_by("-taken_at", "-pk"))
    orders = list(session.orders.all())
    given = list(session.administrations.all())
    latest = readings[0] if readings else None
    # as on the console: a reading a prescriber accepted with a reason is no longer an alert
    alerting = latest if latest and latest.pk != session.bp_accepted_reading_id else None
    due = None
    now = timezone.now()
    if session.dose_started_at is not None and session.state in ("dosing", "recovery"):
        taken = [r.taken_at for r in readings if r.taken_at >= session.dose_started_at]
        due = next_vitals_due(session.route, session.dose_started_at, taken, now)
    discharge = None
    if session.state == "recovery":
        # the bedside items are ticked when discharging: assess only what is recorded
        found = services.discharge_assessment(
            session,
            escort_present=True,
            no_driving_acknowledged=True,
            steady_on_feet=True,
            nausea_controlled=True,
            now=now,
        )
        discharge = {
            "ready": found.ready,
            "unmet": list(found.unmet),
            "unmet_ids": list(found.unmet_ids),
            "min_observation_minutes": found.min_observation_minutes,
            "minutes_remaining": found.minutes_remaining,
            "note": "Escort, no driving, steadiness and nausea are confirmed at discharge.",
        }
    return {
        **_session_out(session),
        "gate": [_fields(i, GateItemOut) for i in items],
        "gate_open": all(i.met for i in items),
        "gate_missing": [i.key for i in items if not i.met],
        "latest_vitals": _vitals_out(latest) if latest else None,
        "open_alerts": [
            f for f in (alerting.findings if alerting else []) if f["severity"] != "info"
        ],
        "next_vitals": _fields(due, NextVitalsOut) if due else None,
        "orders": [_fields(o, OrderOut) for o in orders],
        "administrations": [_fields(a, AdministrationOut) for a in given],
        "given_mg": sum((a.dose_mg for a in given), Decimal(0)),
        "next_device_at": administration.next_device_due(session) if given else None,
        "discharge": discharge,
    }


# Finding things ------------------------------------------------------------------


def _patient(actor: Any, patient_id: int, audit: Action | None) -> Any:
    return get_patient(actor, patient_id, Perm.PATIENT_CLINICAL, audit=audit, object_type=OBJECT)


def _session(actor: Any, patient: Any, session_id: int) -> DosingSession:
    # the clinic's dosing settings come in the same row: readings are assessed against them
    found = (
        DosingSession.objects.filter(patient=patient, pk=session_id)
        .select_related(
            "appointment__plan", "appointment__checklist", clinic_settings.WITH_SETTINGS
        )
        .first()
    )
    if found is None:
        deny(actor, Perm.SESSION_RUN, object_type=OBJECT, object_id=session_id)
        raise Http404("No such dosing session")
    found.patient = patient
    return found


def _running(request: HttpRequest, patient_id: int, session_id: int, perm: Perm) -> Any:
    """The route check, then the patient and their session (404 for anything not theirs)."""
    actor = authorize(request, perm)
    patient = _patient(actor, patient_id, None)
    return actor, _session(actor, patient, session_id)


def _stepped_up(request: HttpRequest) -> bool:
    """A browser session that confirmed the second factor lately; a token never is."""
    if getattr(request, "api_token", None) is not None:
        return False
    return hasattr(request, "session") and is_stepped_up(request)


def _refuse_without_step_up(actor: Any, request: HttpRequest, what: str, session: Any) -> None:
    if not _stepped_up(request):
        deny(actor, f"dosing.{what}.step_up", object_type=OBJECT, object_id=session.pk)
        raise PermissionDenied(
            f"{what.capitalize()} needs step-up authentication: confirm your second factor in "
            "the browser and send the request from that session; an API token cannot."
        )


def _clinician(session: DosingSession, user_id: int) -> Any:
    member = (
        Membership.objects.filter(
            clinic_id=session.clinic_id, user_id=user_id, is_active=True, role__in=CHECKER_ROLES
        )
        .select_related("user")
        .first()
    )
    if member is None:
        raise ValidationError({"checked_by_id": ["No such clinician in this clinic."]})
    return member.user


# Idempotent writes -----------------------------------------------------------------


def _problem(
    request: HttpRequest, status: int, title: str, detail: str, **extra: Any
) -> HttpResponse:
    response = problem_response(request, status, title, detail, errors=extra.pop("errors", None))
    if extra:
        body = json.loads(response.content)
        response.content = json.dumps({**body, **extra}).encode()
    return response


def idempotent_write(
    request: HttpRequest,
    *,
    actor: Any,
    scope: str,
    body: Schema | None,
    status: int,
    run: Callable[[], tuple[type[Schema], dict[str, Any]]],
) -> HttpResponse:
    """Run ``run`` once per idempotency key; a retry answers the stored first response.

    The one rule for every write of the dosing API (sessions and the in-session record):
    the key is required, because a tablet may retry any write. ``scope`` names the
    operation and its object; ``run`` returns the response schema and its data.
    """
    key = request.headers.get(IDEMPOTENCY_HEADER, "").strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        return _problem(
            request,
            400,
            "Idempotency key required",
            f"Send an {IDEMPOTENCY_HEADER} header of 1 to {MAX_KEY_LENGTH} characters, "
            "new for each new request and the same when retrying one.",
            errors=[
                {
                    "field": IDEMPOTENCY_HEADER,
                    "message": f"is required, 1 to {MAX_KEY_LENGTH} characters",
                }
            ],
        )

    def once() -> dict[str, Any]:
        schema, data = run()
        return {"status": status, "body": _rendered(schema, data)}

    try:
        result, replayed = idempotent(
            actor=actor,
            key=key,
            endpoint=f"api:{scope}",
            body=body.model_dump(mode="json") if body is not None else {},
            run=once,
        )
    except KeyReused as reused:
        return _problem(
            request,
            422,
            "Idempotency key reused",
            str(reused),
            errors=[{"field": IDEMPOTENCY_HEADER, "message": "was used for a different request"}],
        )
    except services.SessionConflict as conflict:
        return _conflict(request, actor, conflict)
    response = HttpResponse(
        result["body"], status=result["status"], content_type="application/json"
    )
    if replayed:
        response["Idempotent-Replayed"] = "true"
    return response


def _conflict(request: HttpRequest, actor: Any, conflict: services.SessionConflict) -> HttpResponse:
    """409 naming where the session is now (a read of it, so audited like one)."""
    current = conflict.current
    record(
        Action.VIEW,
        actor=actor,
        patient=current.patient,
        object_type=OBJECT,
        object_id=current.pk,
        detail={"conflict": True, "api": True},
    )
    return _problem(
        request,
        409,
        "Conflict",
        str(conflict),
        current_state=current.state,
        current_version=current.version,
    )


def _transition(
    request: HttpRequest,
    found: tuple[Any, DosingSession],
    payload: VersionIn,
    name: str,
    move: Callable[..., DosingSession],
    **arguments: Any,
) -> HttpResponse:
    """One state change (or gate fact): version-checked by the service, idempotent here."""
    actor, session = found

    def run() -> tuple[type[Schema], dict[str, Any]]:
        moved = move(actor=actor, session=session, version=payload.version, **arguments)
        moved.appointment = session.appointment
        return SessionOut, _session_out(moved)

    return idempotent_write(
        request, actor=actor, scope=f"{name}:{session.pk}", body=payload, status=200, run=run
    )


# Reads -------------------------------------------------------------------------------

SESSION_PATH = "/patients/{patient_id}/sessions/{session_id}"


@router.get(
    "/patients/{patient_id}/sessions",
    response=SessionPage,
    url_name="dosing_sessions",
    summary="A patient's dosing sessions, latest appointment first",
)
def list_sessions(request: HttpRequest, patient_id: int, paging: Query[Paging]) -> dict[str, Any]:
    actor = authorize(request, Perm.SESSION_RUN)
    patient = _patient(actor, patient_id, Action.VIEW)
    sessions = (
        DosingSession.objects.filter(patient=patient)
        .select_related("appointment")
        .order_by("-appointment__start", "-pk")
    )
    items = list(sessions[paging.offset : paging.offset + paging.limit])
    return {
        "items": [_session_out(s) for s in items],
        "count": sessions.count(),
        "limit": paging.limit,
        "offset": paging.offset,
    }


@router.get(
    SESSION_PATH,
    response=SessionDetailOut,
    url_name="dosing_session",
    summary="One session: state, gate, latest vitals, open alerts, the dose and discharge",
)
def read_session(request: HttpRequest, patient_id: int, session_id: int) -> dict[str, Any]:
    actor = authorize(request, Perm.SESSION_RUN)
    patient = _patient(actor, patient_id, Action.VIEW)
    return _detail(_session(actor, patient, session_id))


# Writes --------------------------------------------------------------------------------


@router.post(
    "/patients/{patient_id}/appointments/{appointment_id}/session",
    response=SessionOut,
    url_name="dosing_session_open",
    summary="Open the session of a dosing appointment (or answer the one already open)",
    openapi_extra=WRITE_EXTRA,
)
def open_session(request: HttpRequest, patient_id: int, appointment_id: int) -> HttpResponse:
    actor = authorize(request, Perm.SESSION_RUN)
    patient = _patient(actor, patient_id, None)
    appointment = Appointment.objects.filter(patient=patient, pk=appointment_id).first()
    if appointment is None:
        deny(actor, Perm.SESSION_RUN, object_type="treatment.appointment", object_id=appointment_id)
        raise Http404("No such appointment")
    appointment.patient = patient

    def run() -> tuple[type[Schema], dict[str, Any]]:
        session = services.session_open(actor=actor, appointment=appointment)
        session.appointment = appointment
        return SessionOut, _session_out(session)

    return idempotent_write(
        request, actor=actor, scope=f"open:{appointment.pk}", body=None, status=200, run=run
    )


@router.post(
    f"{SESSION_PATH}/check-in",
    response=SessionOut,
    url_name="dosing_check_in",
    summary="The patient has arrived (the weight may be recorded at the same time)",
    openapi_extra=WRITE_EXTRA,
)
def check_in(
    request: HttpRequest, patient_id: int, session_id: int, payload: CheckInIn
) -> HttpResponse:
    return _transition(
        request,
        _running(request, patient_id, session_id, Perm.SESSION_RUN),
        payload,
        "check_in",
        services.session_check_in,
        weight_kg=payload.weight_kg,
    )


@router.post(
    f"{SESSION_PATH}/ready",
    response=SessionOut,
    url_name="dosing_ready",
    summary="Every gate item is met: ready to dose (otherwise 422 listing each missing item)",
    openapi_extra=WRITE_EXTRA,
)
def mark_ready(
    request: HttpRequest, patient_id: int, session_id: int, payload: VersionIn
) -> HttpResponse:
    return _transition(
        request,
        _running(request, patient_id, session_id, Perm.SESSION_RUN),
        payload,
        "ready",
        services.session_mark_ready,
    )


@router.post(
    f"{SESSION_PATH}/start-dose",
    response=SessionOut,
    url_name="dosing_start_dose",
    summary="Start the dose (needs an order checked by a second person)",
    openapi_extra=WRITE_EXTRA,
)
def start_dose(
    request: HttpRequest, patient_id: int, session_id: int, payload: VersionIn
) -> HttpResponse:
    return _transition(
        request,
        _running(request, patient_id, session_id, Perm.SESSION_RUN),
        payload,
        "start_dose",
        services.session_start_dose,
    )


@router.post(
    f"{SESSION_PATH}/end-dose",
    response=SessionOut,
    url_name="dosing_end_dose",
    summary="The dose is complete: recovery observation begins",
    openapi_extra=WRITE_EXTRA,
)
def end_dose(
    request: HttpRequest, patient_id: int, session_id: int, payload: VersionIn
) -> HttpResponse:
    return _transition(
        request,
        _running(request, patient_id, session_id, Perm.SESSION_RUN),
        payload,
        "end_dose",
        services.session_end_dose,
    )


@router.post(
    f"{SESSION_PATH}/abort",
    response=SessionOut,
    url_name="dosing_abort",
    summary="Stop the session from any open state, with a reason",
    openapi_extra=WRITE_EXTRA,
)
def abort(
    request: HttpRequest, patient_id: int, session_id: int, payload: ReasonIn
) -> HttpResponse:
    return _transition(
        request,
        _running(request, patient_id, session_id, Perm.SESSION_RUN),
        payload,
        "abort",
        services.session_abort,
        reason=payload.reason,
    )


@router.post(
    f"{SESSION_PATH}/discharge",
    response=SessionOut,
    url_name="dosing_discharge",
    summary="Discharge: every criterion met, or a prescriber's override (step-up, not a token)",
    openapi_extra=WRITE_EXTRA,
)
def discharge(
    request: HttpRequest, patient_id: int, session_id: int, payload: DischargeIn
) -> HttpResponse:
    actor, session = found = _running(request, patient_id, session_id, Perm.SESSION_RUN)
    override = payload.override_reason.strip()
    if override and has_perm(actor, Perm.DOSE_ORDER):  # others are refused by the service
        _refuse_without_step_up(actor, request, "overriding discharge criteria", session)
    return _transition(
        request,
        found,
        payload,
        "discharge",
        services.session_discharge,
        escort_present=payload.escort_present,
        no_driving_acknowledged=payload.no_driving_acknowledged,
        steady_on_feet=payload.steady_on_feet,
        nausea_controlled=payload.nausea_controlled,
        override_reason=override,
    )


@router.post(
    f"{SESSION_PATH}/weight",
    response=SessionOut,
    url_name="dosing_weight",
    summary="Record the weight for a per-kg dose (before the patient is ready)",
    openapi_extra=WRITE_EXTRA,
)
def weight(
    request: HttpRequest, patient_id: int, session_id: int, payload: WeightIn
) -> HttpResponse:
    return _transition(
        request,
        _running(request, patient_id, session_id, Perm.SESSION_RUN),
        payload,
        "weight",
        services.weight_record,
        weight_kg=payload.weight_kg,
    )


@router.post(
    f"{SESSION_PATH}/questionnaire-waiver",
    response=SessionOut,
    url_name="dosing_questionnaire_waiver",
    summary="Go ahead without the pre-session questionnaire, with a reason",
    openapi_extra=WRITE_EXTRA,
)
def waive_questionnaire(
    request: HttpRequest, patient_id: int, session_id: int, payload: ReasonIn
) -> HttpResponse:
    return _transition(
        request,
        _running(request, patient_id, session_id, Perm.SESSION_RUN),
        payload,
        "waive",
        services.questionnaire_waive,
        reason=payload.reason,
    )


@router.post(
    f"{SESSION_PATH}/pre-dose-vitals-acceptance",
    response=SessionOut,
    url_name="dosing_vitals_accept",
    summary="A prescriber accepts an out-of-range pre-dose reading with a reason",
    description="Needs a browser session that confirmed the second factor in the last few "
    "minutes; an API token alone cannot accept.",
    openapi_extra=WRITE_EXTRA,
)
def accept_pre_dose_vitals(
    request: HttpRequest, patient_id: int, session_id: int, payload: ReasonIn
) -> HttpResponse:
    actor, session = found = _running(request, patient_id, session_id, Perm.DOSE_ORDER)
    _refuse_without_step_up(actor, request, "accepting out-of-range vitals", session)
    return _transition(
        request,
        found,
        payload,
        "accept_vitals",
        services.pre_dose_vitals_accept,
        reason=payload.reason,
    )


@router.post(
    f"{SESSION_PATH}/vitals",
    response={201: VitalsOut},
    url_name="dosing_vitals",
    summary="Record one set of vital signs; the answer carries its findings and alerts",
    openapi_extra=WRITE_EXTRA,
)
def record_vitals(
    request: HttpRequest, patient_id: int, session_id: int, payload: VitalsIn
) -> HttpResponse:
    actor, session = _running(request, patient_id, session_id, Perm.SESSION_RUN)

    def run() -> tuple[type[Schema], dict[str, Any]]:
        reading = services.vitals_record(actor=actor, session=session, **payload.model_dump())
        return VitalsOut, _vitals_out(reading)

    return idempotent_write(
        request, actor=actor, scope=f"vitals:{session.pk}", body=payload, status=201, run=run
    )


@router.post(
    f"{SESSION_PATH}/orders",
    response={201: OrderOut},
    url_name="dosing_order",
    summary="A prescriber orders the calculated dose (an override needs step-up, not a token)",
    openapi_extra=WRITE_EXTRA,
)
def order_dose(
    request: HttpRequest, patient_id: int, session_id: int, payload: OrderIn
) -> HttpResponse:
    actor, session = _running(request, patient_id, session_id, Perm.DOSE_ORDER)
    override = payload.override_reason.strip()
    if override:
        _refuse_without_step_up(actor, request, "overriding a dose block", session)

    def run() -> tuple[type[Schema], dict[str, Any]]:
        order = administration.dose_order_create(
            actor=actor,
            session=session,
            concentration_mg_per_ml=payload.concentration_mg_per_ml,
            override_reason=override,
        )
        return OrderOut, _fields(order, OrderOut)

    return idempotent_write(
        request, actor=actor, scope=f"order:{session.pk}", body=payload, status=201, run=run
    )


@router.post(
    f"{SESSION_PATH}/orders/{{order_id}}/check",
    response=OrderOut,
    url_name="dosing_order_check",
    summary="A second person (not the prescriber) checks the latest order",
    openapi_extra=WRITE_EXTRA,
)
def check_order(
    request: HttpRequest, patient_id: int, session_id: int, order_id: int
) -> HttpResponse:
    actor, session = _running(request, patient_id, session_id, Perm.SESSION_RUN)
    order = session.orders.filter(pk=order_id).first()
    if order is None:
        deny(actor, Perm.SESSION_RUN, object_type="dosing.doseorder", object_id=order_id)
        raise Http404("No such dose order")
    order.session = session

    def run() -> tuple[type[Schema], dict[str, Any]]:
        latest = session.orders.first()
        if latest is None or latest.pk != order.pk:
            raise ValidationError("A newer order replaces this one; check the latest order.")
        checked = administration.dose_order_check(actor=actor, order=order)
        return OrderOut, _fields(checked, OrderOut)

    return idempotent_write(
        request, actor=actor, scope=f"check:{order.pk}", body=None, status=200, run=run
    )


@router.post(
    f"{SESSION_PATH}/administrations",
    response={201: AdministrationOut},
    url_name="dosing_administration",
    summary="Record one administration against the checked order",
    openapi_extra=WRITE_EXTRA,
)
def record_administration(
    request: HttpRequest, patient_id: int, session_id: int, payload: AdministrationIn
) -> HttpResponse:
    actor, session = _running(request, patient_id, session_id, Perm.SESSION_RUN)

    def run() -> tuple[type[Schema], dict[str, Any]]:
        given = administration.administration_record(
            actor=actor,
            session=session,
            checked_by=_clinician(session, payload.checked_by_id),
            product=payload.product,
            lot=payload.lot,
            expiry=payload.expiry,
            site=payload.site,
            dose_mg=payload.dose_mg,
            started_at=payload.started_at,
            ended_at=payload.ended_at,
        )
        return AdministrationOut, _fields(given, AdministrationOut)

    return idempotent_write(
        request,
        actor=actor,
        scope=f"administration:{session.pk}",
        body=payload,
        status=201,
        run=run,
    )


__all__ = ["router"]
