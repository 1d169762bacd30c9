"""Staff pages for treatment plans: the chart tab, drafting from a template, signing, booking.

Views stay thin: the policy gives the patient, services write, selectors read.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kapcare.accounts.mfa import is_stepped_up, step_up_required
from kapcare.accounts.policy import Perm, get_patient, has_perm, require
from kapcare.audit.models import Action
from kapcare.clinical.instruments.registry import DEFINITIONS as INSTRUMENTS
from kapcare.clinical.routes import ROUTE_LABELS
from kapcare.clinical.scheduling import dosing_duration
from kapcare.core.paging import PagedList, paged_list
from kapcare.patients.views import chart_context, chart_queryset
from kapcare.treatment import booking, services
from kapcare.treatment.forms import CancelForm, GenerateForm, PlanForm, PreparationNoteForm
from kapcare.treatment.models import Appointment, PlanStatus, TreatmentPlanRecord
from kapcare.treatment.plan_data import plan_from_json
from kapcare.treatment.preparation import preparation_status
from kapcare.treatment.readiness import sign_blockers
from kapcare.treatment.selectors import (
    attendance_of,
    current_plan,
    past_appointments_of,
    plans_of,
    preparation_notes_of,
    upcoming_of,
)
from kapcare.treatment.templates_catalog import offered_templates

OBJECT = "treatment.treatmentplanrecord"
WHEN = {
    "baseline": "at baseline",
    "before_each_dose": "before each dose",
    "after_each_dose_24h": "a day after each dose",
    "every_n_days": "every few days",
    "end_of_course": "at the end of the course",
}
#: checklist keys in words, for staff tables
ITEM_WORDS = {
    "fasting": "fasting",
    "medication": "medicines",
    "escort": "escort",
    "no_driving": "no driving",
    "set_setting": "set and setting",
    "intention": "intention",
}


def _instrument_name(key: str) -> str:
    definition = INSTRUMENTS.get(key)
    return definition.abbreviation if definition is not None else key


#: past and cancelled appointments listed per page of the plan tab
PAST_PAGE_SIZE = 25
#: the plan tab's paged list: its query parameter and the element its page links open at
PAST_LIST = PagedList("past_page", "past-h")


def _prep_summary(appointment: Appointment) -> tuple[str, str]:
    """(badge class, words) for a dosing appointment's preparation, for the staff table."""
    status = preparation_status(appointment)
    words = ", ".join(ITEM_WORDS.get(k, k) for k in status.missing)
    if status.ready and not status.missing:
        return "outcome-good", "Ready"
    if status.ready:
        return "outcome-good", f"Ready; not done: {words}"
    if len(status.confirmed) == 0:
        return "state-due", "Not started"
    if status.critical_missing:
        return "state-overdue", f"Missing: {words}"
    return "state-due", "Confirm at check-in"


def _patient(request: HttpRequest, patient_id: int, perm: Perm, audit: Action | None) -> Any:
    actor = request.actor  # type: ignore[attr-defined]
    return get_patient(
        actor, patient_id, perm, audit=audit, object_type=OBJECT, queryset=chart_queryset(actor)
    )


def _plan_of(patient: Any, plan_id: int) -> TreatmentPlanRecord:
    plan = TreatmentPlanRecord.objects.filter(patient=patient, pk=plan_id).first()
    if plan is None:
        raise Http404("No such plan")
    plan.patient = patient
    return plan


def _apply(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@require_GET
@require(Perm.PATIENT_CLINICAL)
def plan_tab(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = _patient(request, patient_id, Perm.PATIENT_CLINICAL, Action.VIEW)
    return _render_tab(request, patient, GenerateForm(clinic=patient.clinic))


def _render_tab(request: HttpRequest, patient: Any, generate: GenerateForm) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    plans = plans_of(patient)
    signed = current_plan(plans)
    draft = next((p for p in plans if p.status == PlanStatus.DRAFT), None)
    shown = draft or signed
    content = plan_from_json(shown.content) if shown else None
    now = timezone.now()
    plan_url = reverse("treatment:plan", args=[patient.pk])
    past, past_pages = paged_list(
        # a form posted elsewhere and refused is shown beside the latest past appointments
        request.GET if request.method == "GET" else QueryDict(),
        PAST_LIST,
        past_appointments_of(patient, now),
        size=PAST_PAGE_SIZE,
        address=plan_url,  # also drawn in answer to forms posted elsewhere (booking a course)
    )
    context = chart_context(request, patient, "plan")
    context.update(
        {
            "plans": plans,
            "signed": signed,
            "draft": draft,
            "shown": shown,
            "content": content,
            "questionnaires": [
                f"{_instrument_name(i.instrument)} {WHEN[i.when.value]}"
                for i in content.questionnaires.items
            ]
            if content
            else [],
            "dosing_minutes": dosing_duration(content.route).total_minutes if content else None,
            "blockers": sign_blockers(patient) if draft else [],
            "templates": offered_templates(patient.clinic).values()
            if has_perm(actor, Perm.PLAN_WRITE)
            else [],
            "can_sign": has_perm(actor, Perm.PLAN_SIGN),
            "stepped_up": is_stepped_up(request),
            "step_up_url": reverse("mfa_step_up") + "?" + urlencode({"next": plan_url}),
            "can_book": has_perm(actor, Perm.SCHEDULE_MANAGE),
            "upcoming": [
                (a, _prep_summary(a) if a.kind == "dosing" else None)
                for a in upcoming_of(patient, now)
            ],
            "notes": list(preparation_notes_of(patient)),
            "note_form": PreparationNoteForm(),
            "can_note": has_perm(actor, Perm.NOTE_WRITE),
            "past": past,
            "past_pages": past_pages,
            **attendance_of(patient, now),
            "generate_form": generate,
            "cancel_form": CancelForm(),
            "clinic_tz": patient.clinic.time_zone,
        }
    )
    return render(
        request, "treatment/plan_tab.html", context, status=400 if generate.errors else 200
    )


@require_http_methods(["GET", "POST"])
@require(Perm.PLAN_WRITE)
def plan_new(request: HttpRequest, patient_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    patient = _patient(request, patient_id, Perm.PLAN_WRITE, Action.VIEW)
    offered = offered_templates(patient.clinic)
    choice = offered.get(request.GET.get("template", ""))
    if choice is None:
        messages.error(request, "Choose one of the plan templates listed here.")
        return redirect("treatment:plan", patient.pk)
    plan = choice.template.plan
    form = PlanForm(
        request.POST or None, initial=services.initial_from(plan), unit=plan.dose.unit.value
    )
    if request.method == "POST" and form.is_valid():
        try:
            draft = services.plan_draft_create(
                actor=actor, patient=patient, offered=choice, changes=form.changes()
            )
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, f"Draft version {draft.version} saved; review and sign it.")
            return redirect("treatment:plan", patient.pk)
    context = chart_context(request, patient, "plan")
    context.update(
        {"form": form, "choice": choice, "route_label": ROUTE_LABELS[plan.route].capitalize()}
    )
    return render(request, "treatment/plan_form.html", context, status=400 if form.errors else 200)


@require_POST
@require(Perm.PLAN_SIGN)
@step_up_required
def plan_sign(request: HttpRequest, patient_id: int, plan_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    patient = _patient(request, patient_id, Perm.PLAN_SIGN, None)
    plan = _plan_of(patient, plan_id)
    try:
        signed = services.plan_sign(actor=actor, plan=plan)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"Plan version {signed.version} is signed.")
    return redirect("treatment:plan", patient.pk)


@require_POST
@require(Perm.SCHEDULE_MANAGE)
def plan_generate(request: HttpRequest, patient_id: int, plan_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    patient = _patient(request, patient_id, Perm.SCHEDULE_MANAGE, None)
    plan = _plan_of(patient, plan_id)
    form = GenerateForm(request.POST, clinic=patient.clinic)
    if form.is_valid():
        try:
            booked, findings = booking.appointments_generate(
                actor=actor,
                plan=plan,
                start=form.cleaned_data["start"],
                staff=form.cleaned_data["staff"],
                room=form.cleaned_data["room"],
            )
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, f"{len(booked)} appointments booked from the plan.")
            for finding in findings:
                messages.warning(request, f"{finding.message} {finding.action}".strip())
            return redirect("treatment:plan", patient.pk)
    return _render_tab(request, patient, form)


def _appointment_to_change(
    request: HttpRequest, patient_id: int, appointment_id: int
) -> tuple[Any, Appointment]:
    """The patient (checked for scheduling) and their appointment; 404 for anyone else's."""
    patient = _patient(request, patient_id, Perm.SCHEDULE_MANAGE, None)
    appointment = Appointment.objects.filter(patient=patient, pk=appointment_id).first()
    if appointment is None:
        raise Http404("No such appointment")
    return patient, appointment


@require_POST
@require(Perm.SCHEDULE_MANAGE)
def appointment_cancel(request: HttpRequest, patient_id: int, appointment_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    patient, appointment = _appointment_to_change(request, patient_id, appointment_id)
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the appointment is cancelled.")
        return redirect("treatment:plan", patient.pk)
    try:
        booking.appointment_cancel(
            actor=actor,
            appointment=appointment,
            reason=form.cleaned_data["reason"],
            no_show=form.cleaned_data["no_show"],
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            "Recorded: the patient did not come (no-show)."
            if form.cleaned_data["no_show"]
            else "The appointment is cancelled.",
        )
    return redirect("treatment:plan", patient.pk)


@require_POST
@require(Perm.SCHEDULE_MANAGE)
def appointment_attended(
    request: HttpRequest, patient_id: int, appointment_id: int
) -> HttpResponse:
    """Record that the patient came to an appointment that has begun."""
    actor = request.actor  # type: ignore[attr-defined]
    patient, appointment = _appointment_to_change(request, patient_id, appointment_id)
    try:
        booking.appointment_attended(actor=actor, appointment=appointment)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, "Recorded: the patient came.")
    return redirect("treatment:plan", patient.pk)
