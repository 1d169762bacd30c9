"""The dosing console pages: the Sessions chart tab, check-in and the readiness gate.

Every write carries an idempotency key (a hidden field made when the page is
drawn), so a tablet that resends a form on flaky Wi-Fi changes nothing twice.
A stale page (another tablet moved the session on) is answered with the
current state, never applied over it.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kapcare.accounts.mfa import is_stepped_up, step_up_required
from kapcare.accounts.models import Membership
from kapcare.accounts.policy import Perm, get_patient, has_perm, require
from kapcare.audit.models import Action
from kapcare.audit.services import record
from kapcare.clinical.monitoring import next_vitals_due
from kapcare.clinical.routes import ROUTE_LABELS, Route
from kapcare.controlled.selectors import stock_choice
from kapcare.core.paging import PagedList, paged_list
from kapcare.dosing import (
    administration,
    clinic_settings,
    console_record,
    gate,
    infusion,
    record_actions,
    services,
)
from kapcare.dosing.idempotency import KeyReused, idempotent
from kapcare.dosing.models import DosingSession
from kapcare.dosing.observations import session_nausea
from kapcare.exposure import selectors as exposure_selectors
from kapcare.exposure.selectors import exposure_summary
from kapcare.integration.selectors import session_links
from kapcare.patients.views import chart_context, chart_queryset
from kapcare.support.selectors import pickup_confirmation_text
from kapcare.treatment.models import Appointment

OBJECT = "dosing.dosingsession"
CLINICAL_ROLES = ("prescriber", "therapist", "nurse")
#: which phase a reading belongs to, from the session state when it is taken
PHASE_FOR_STATE = {"dosing": "dosing", "recovery": "recovery"}
#: states whose console shows the readiness gate; no order or dose exists yet in them
CHECK_IN_STATES = ("scheduled", "checked_in")


def _patient(request: HttpRequest, patient_id: int, audit: Action | None) -> Any:
    actor = request.actor  # type: ignore[attr-defined]
    return get_patient(
        actor,
        patient_id,
        Perm.PATIENT_CLINICAL,
        audit=audit,
        object_type=OBJECT,
        queryset=chart_queryset(actor),
    )


def _session(patient: Any, session_id: int) -> DosingSession:
    # the clinic's dosing and exposure settings come in the same row: the console and the
    # vitals and observation writes assess against them
    session = (
        DosingSession.objects.filter(patient=patient, pk=session_id)
        .select_related(
            "appointment__plan",
            "appointment__checklist",
            "appointment__room",
            clinic_settings.WITH_SETTINGS,
            exposure_selectors.WITH_SETTINGS,
        )
        .first()
    )
    if session is None:
        raise Http404("No such dosing session")
    session.patient = patient
    return session


#: dosing appointments listed per page of the Sessions tab: maintenance goes on for years
SESSIONS_PAGE_SIZE = 25
#: the tab's paged list: its query parameter and the heading its page links open at
SESSIONS_LIST = PagedList("sessions_page", "sessions-h")


@require_GET
@require(Perm.SESSION_RUN)
def sessions_tab(request: HttpRequest, patient_id: int) -> HttpResponse:
    """The chart's Sessions tab: each dosing appointment and its session, if opened."""
    patient = _patient(request, patient_id, Action.VIEW)
    appointments, sessions_pages = paged_list(
        request.GET,
        SESSIONS_LIST,
        Appointment.objects.filter(patient=patient, kind="dosing")
        .select_related("dosing_session", "room")
        .order_by("-start", "-pk"),
        size=SESSIONS_PAGE_SIZE,
    )
    rows = [(a, getattr(a, "dosing_session", None)) for a in appointments.rows]
    context = chart_context(request, patient, "sessions")
    context.update(
        {
            "rows": rows,
            "listed": appointments,
            "sessions_pages": sessions_pages,
            "clinic_tz": patient.clinic.time_zone,
        }
    )
    return render(request, "dosing/sessions_tab.html", context)


@require_POST
@require(Perm.SESSION_RUN)
def session_open(request: HttpRequest, patient_id: int, appointment_id: int) -> HttpResponse:
    """Open (or return to) the session of one dosing appointment."""
    patient = _patient(request, patient_id, None)
    appointment = Appointment.objects.filter(patient=patient, pk=appointment_id).first()
    if appointment is None:
        raise Http404("No such appointment")
    try:
        session = services.session_open(actor=request.actor, appointment=appointment)  # type: ignore[attr-defined]
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("dosing:sessions", patient.pk)
    return redirect("dosing:console", patient.pk, session.pk)


@require_GET
@require(Perm.SESSION_RUN)
def console(request: HttpRequest, patient_id: int, session_id: int) -> HttpResponse:
    """Check-in and the readiness gate: every missing item shown plainly, big targets."""
    patient = _patient(request, patient_id, Action.VIEW)
    return _render_console(request, patient, _session(patient, session_id))


def _render_console(
    request: HttpRequest, patient: Any, session: DosingSession, status: int = 200
) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    readings = list(session.readings.select_related("recorded_by").order_by("-taken_at", "-pk"))
    # Only what the state shows is read: the gate until the patient is ready; orders and
    # doses from then on (an order is made once ready, so none exists before).
    checking_in = session.state in CHECK_IN_STATES
    items = gate.gate_items(session, readings) if checking_in else []
    orders = (
        [] if checking_in else list(session.orders.select_related("ordered_by", "checked_by")[:1])
    )
    given = [] if checking_in else console_record.administrations(session)
    now = timezone.now()
    due = None
    if session.dose_started_at is not None and session.state in ("dosing", "recovery"):
        taken = [r.taken_at for r in readings if r.taken_at >= session.dose_started_at]
        due = next_vitals_due(session.route, session.dose_started_at, taken, now)
    latest = readings[0] if readings else None
    if latest is not None and latest.pk == session.bp_accepted_reading_id:
        latest = None  # accepted by a prescriber with a reason: no longer an open alert
    alerts = [f for f in (latest.findings if latest else []) if f["severity"] != "info"]
    # the second checker is chosen only on the administration form, shown while dosing
    checkers = _checkers(session, actor) if session.state == "dosing" else []
    context = chart_context(request, patient, "sessions")
    context.update(
        {
            "session": session,
            "route_label": ROUTE_LABELS[Route(session.route)],
            "gate": items,
            "gate_open": all(i.met for i in items),
            "readings": readings,
            "needs_acceptance": any(i.key == "vitals" and not i.met for i in items)
            and bool(readings),
            "can_prescribe": has_perm(actor, Perm.DOSE_ORDER),
            "stepped_up": is_stepped_up(request),
            "idempotency_key": uuid.uuid4().hex,
            "order": orders[0] if orders else None,
            "given": given,
            "given_mg": sum((infusion.given_mg(a) for a in given), Decimal(0)),
            "infusions": console_record.infusion_rows(given, now, session.recovery_at),
            "next_vitals": due,
            "minutes_to_vitals": (
                math.ceil((due.due_at - now) / dt.timedelta(minutes=1)) if due else None
            ),
            "next_device_at": (
                administration.device_due_after(session, orders[0] if orders else None, given)
                if given
                else None
            ),
            "now": now,
            "alerts": alerts,
            "checkers": checkers,
            **stock_choice(session, timezone.localdate()),
            "phase": PHASE_FOR_STATE.get(session.state, "pre_dose"),
            "today": timezone.localdate(),
            "clinic_tz": patient.clinic.time_zone,
            "session_links": session_links(session, actor, context["on_care_team"]),
            "exposure": exposure_summary(
                patient, now, exposure_selectors.read_with(session.clinic)
            ),
        }
    )
    context.update(console_record.record_context(session, actor, now))
    return render(request, "dosing/console.html", context, status=status)


def _checkers(session: DosingSession, actor: Any) -> list[Membership]:
    """The clinicians who may be the second checker of an administration (not the actor)."""
    return list(
        Membership.objects.filter(
            clinic_id=session.clinic_id, is_active=True, role__in=CLINICAL_ROLES
        )
        .exclude(user_id=actor.user.pk)
        .select_related("user")
        .order_by("user__full_name")
    )


def _int(value: str, name: str) -> int | None:
    if value.strip() == "":
        return None
    try:
        return int(value)
    except ValueError:
        raise ValidationError({name: [f"Enter a whole number, got {value!r}."]}) from None


def _required(value: str, name: str) -> int:
    number = _int(value, name)
    if number is None:
        raise ValidationError({name: ["Required."]})
    return number


def _do(request: HttpRequest, session: DosingSession, action: str) -> str:
    """Run one console action; the message to show."""
    if action in record_actions.ACTIONS:  # append-only records: no version to check
        return str(record_actions.run(request, session, action))
    actor = request.actor  # type: ignore[attr-defined]
    post = request.POST
    version = _required(post.get("version", ""), "version")
    common = {"actor": actor, "session": session, "version": version}
    if action == "check_in":
        services.session_check_in(**common, weight_kg=post.get("weight_kg") or None)
        return "Checked in."
    if action == "weight":
        services.weight_record(**common, weight_kg=post.get("weight_kg", ""))
        return "Weight recorded."
    if action == "waive":
        services.questionnaire_waive(**common, reason=post.get("reason", ""))
        return "Pre-session questionnaire waived."
    if action == "ready":
        services.session_mark_ready(**common)
        return "Every gate item is met: ready to dose."
    if action == "abort":
        services.session_abort(**common, reason=post.get("reason", ""))
        return "Session aborted."
    if action == "vitals":
        reading = services.vitals_record(
            actor=actor,
            session=session,
            phase=post.get("phase", ""),
            systolic=_required(post.get("systolic", ""), "systolic"),
            diastolic=_required(post.get("diastolic", ""), "diastolic"),
            heart_rate=_required(post.get("heart_rate", ""), "heart_rate"),
            spo2=_required(post.get("spo2", ""), "spo2"),
            respiratory_rate=_int(post.get("respiratory_rate", ""), "respiratory_rate"),
            moaas=_int(post.get("moaas", ""), "moaas"),
        )
        # The findings themselves show in the console's alert box (role="alert"), in red;
        # repeating them in the green confirmation would make an alert look like success.
        alerts = sum(1 for f in reading.findings if f["severity"] != "info")
        if alerts:
            return f"Vital signs recorded, with {alerts} alert{pluralize(alerts)}: see below."
        return "Vital signs recorded."
    return _do_dose(request, session, action, common)


def _do_dose(request: HttpRequest, session: DosingSession, action: str, common: Any) -> str:
    """Console actions from the order to the end of the dose."""
    actor = request.actor  # type: ignore[attr-defined]
    post = request.POST
    if action == "order":
        override = post.get("override_reason", "").strip()
        if override and not is_stepped_up(request):
            raise ValidationError(
                "Confirm your identity again (step-up) before overriding a dose block."
            )
        order = administration.dose_order_create(
            actor=actor,
            session=session,
            concentration_mg_per_ml=post.get("concentration_mg_per_ml") or None,
            override_reason=override,
        )
        return f"Dose ordered: {order.dose_mg} mg. A second person must check it."
    if action == "check_order":
        pending = session.orders.first()
        if pending is None:
            raise ValidationError("There is no order to check.")
        administration.dose_order_check(actor=actor, order=pending)
        return "Order checked."
    if action == "start_dose":
        services.session_start_dose(**common)
        return "Dose started: the vitals schedule and observation clock are running."
    if action == "administer":
        checker = _staff_user(session, post.get("checked_by", ""))
        administration.administration_record(
            actor=actor,
            session=session,
            checked_by=checker,
            product=post.get("product", ""),
            lot=post.get("lot", ""),
            expiry=None if post.get("stock_lot") else _date(post.get("expiry", ""), "expiry"),
            site=post.get("site", ""),
            dose_mg=post.get("dose_mg", ""),
            stock_lot=post.get("stock_lot") or None,
        )
        return "Administration recorded."
    if action == "end_dose":
        services.session_end_dose(**common)
        return "Dose complete: recovery observation has begun."
    allowed = ", ".join(
        sorted(
            {"abort", "administer", "check_in", "check_order", "end_dose", "order", "ready"}
            | {"start_dose", "vitals", "waive", "weight"}
            | set(record_actions.ACTIONS)
        )
    )
    raise ValidationError({"action": [f"Unknown action {action!r}; allowed: {allowed}."]})


def _date(value: str, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ValidationError({name: [f"Enter a date as YYYY-MM-DD, got {value!r}."]}) from None


def _staff_user(session: DosingSession, user_id: str) -> Any:
    """The second checker: a clinician of the session's clinic, or None."""
    chosen = _int(user_id, "checked_by")
    if chosen is None:
        return None
    member = (
        Membership.objects.filter(
            clinic_id=session.clinic_id,
            user_id=chosen,
            is_active=True,
            role__in=CLINICAL_ROLES,
        )
        .select_related("user")
        .first()
    )
    return member.user if member is not None else None


def _errors(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [f"{field}: {m}" for field, ms in error.message_dict.items() for m in ms]
    return list(error.messages)


@require_POST
@require(Perm.SESSION_RUN)
def session_action(request: HttpRequest, patient_id: int, session_id: int) -> HttpResponse:
    """Every nurse write from the console, idempotent by the form's key."""
    patient = _patient(request, patient_id, None)
    session = _session(patient, session_id)
    action = request.POST.get("action", "")
    record_actions.check_allowed(request.actor, action)  # type: ignore[attr-defined]
    body = {
        k: request.POST.getlist(k)
        for k in request.POST
        if k not in ("csrfmiddlewaretoken", "idempotency_key")
    }
    status = 302
    try:
        result, replayed = idempotent(
            actor=request.actor,  # type: ignore[attr-defined]
            key=request.POST.get("idempotency_key", ""),
            endpoint=f"dosing:session_action:{session.pk}",
            body=body,
            run=lambda: {"message": _do(request, session, action)},
        )
        messages.success(request, result["message"] + (" (already saved)" if replayed else ""))
    except services.SessionConflict as conflict:
        messages.error(request, str(conflict))
        status = 409
    except KeyReused as reused:
        messages.error(request, str(reused))
    except ValidationError as error:
        for message in _errors(error):
            messages.error(request, message)
    if status == 409:
        # The tablet's page is stale: answer with the current session, read afresh (audited).
        record(
            Action.VIEW,
            actor=request.actor,  # type: ignore[attr-defined]
            patient=patient,
            object_type=OBJECT,
            object_id=patient.pk,
        )
        return _render_console(request, patient, _session(patient, session.pk), status=409)
    return redirect("dosing:console", patient.pk, session.pk)


@require_POST
@require(Perm.DOSE_ORDER)
@step_up_required
def vitals_accept(request: HttpRequest, patient_id: int, session_id: int) -> HttpResponse:
    """A prescriber accepts an out-of-range pre-dose reading with a reason (step-up)."""
    patient = _patient(request, patient_id, None)
    session = _session(patient, session_id)
    try:
        services.pre_dose_vitals_accept(
            actor=request.actor,  # type: ignore[attr-defined]
            session=session,
            version=_required(request.POST.get("version", ""), "version"),
            reason=request.POST.get("reason", ""),
        )
        messages.success(request, "Pre-dose reading accepted; the reason is recorded.")
    except services.SessionConflict as conflict:
        messages.error(request, str(conflict))
    except ValidationError as error:
        for message in _errors(error):
            messages.error(request, message)
    return redirect("dosing:console", patient.pk, session.pk)


BEDSIDE = ("escort_present", "no_driving_acknowledged", "steady_on_feet", "nausea_controlled")


@require_http_methods(["GET", "POST"])
@require(Perm.SESSION_RUN)
def discharge(request: HttpRequest, patient_id: int, session_id: int) -> HttpResponse:
    """The discharge criteria; unmet ones block unless a prescriber overrides (step-up)."""
    actor = request.actor  # type: ignore[attr-defined]
    patient = _patient(request, patient_id, Action.VIEW if request.method == "GET" else None)
    session = _session(patient, session_id)
    if request.method == "POST":
        ticked = {name: request.POST.get(name) == "on" for name in BEDSIDE}
        override = request.POST.get("override_reason", "").strip()
        body = {**ticked, "override_reason": override, "version": request.POST.get("version")}
        try:
            if override and not is_stepped_up(request):
                raise ValidationError(
                    "Confirm your identity again (step-up) before overriding discharge criteria."
                )

            def run() -> dict[str, Any]:
                services.session_discharge(
                    actor=actor,
                    session=session,
                    version=_required(request.POST.get("version", ""), "version"),
                    override_reason=override,
                    **ticked,
                )
                return {"message": "Discharged. Print the summary and after-care instructions."}

            result, _replayed = idempotent(
                actor=actor,
                key=request.POST.get("idempotency_key", ""),
                endpoint=f"dosing:discharge:{session.pk}",
                body=body,
                run=run,
            )
            messages.success(request, result["message"])
            return redirect("dosing:summary", patient.pk, session.pk)
        except services.SessionConflict as conflict:
            messages.error(request, str(conflict))
        except KeyReused as reused:
            messages.error(request, str(reused))
        except ValidationError as error:
            for message in _errors(error):
                messages.error(request, message)
        return redirect("dosing:discharge", patient.pk, session.pk)
    # bedside items are ticked on this page: assess only what is recorded
    automatic = services.discharge_assessment(
        session,
        escort_present=True,
        no_driving_acknowledged=True,
        steady_on_feet=True,
        nausea_controlled=True,
    )
    context = chart_context(request, patient, "sessions")
    context.update(
        {
            "session": session,
            "assessment": automatic,
            "pickup": pickup_confirmation_text(session.appointment),
            "bedside": [
                ("escort_present", "An escort is here to take the patient home"),
                ("no_driving_acknowledged", "No driving until the next day, after a restful sleep"),
                ("steady_on_feet", "Steady on their feet"),
                ("nausea_controlled", "Nausea controlled"),
            ],
            "can_prescribe": has_perm(actor, Perm.DOSE_ORDER),
            "stepped_up": is_stepped_up(request),
            "idempotency_key": uuid.uuid4().hex,
            "clinic_tz": patient.clinic.time_zone,
            "nausea": session_nausea(session),
        }
    )
    return render(request, "dosing/discharge.html", context)


@require_GET
@require(Perm.SESSION_RUN)
def summary(request: HttpRequest, patient_id: int, session_id: int) -> HttpResponse:
    """Printable discharge summary with the patient's after-care instructions."""
    patient = _patient(request, patient_id, Action.VIEW)
    session = _session(patient, session_id)
    if session.state != "discharged":
        raise Http404("This session has not been discharged")
    context = chart_context(request, patient, "sessions")
    context.update(
        {
            "session": session,
            "route_label": ROUTE_LABELS[Route(session.route)],
            "order": session.orders.select_related("ordered_by", "checked_by").first(),
            "given": console_record.administrations(session),
            "readings": list(session.readings.order_by("taken_at", "pk")),
            **console_record.summary_context(session),
            "override_by": session.discharge_override_by,
            "escort": console_record.escort_home(session),
            "clinic_tz": patient.clinic.time_zone,
        }
    )
    return render(request, "dosing/summary.html", context)
