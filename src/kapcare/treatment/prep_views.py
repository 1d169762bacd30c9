"""Staff pages for preparation: a session's checklist (check-in) and preparation-session notes."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from kapcare.accounts.policy import Perm, deny, has_perm, require
from kapcare.audit.models import Action
from kapcare.audit.services import record
from kapcare.patients.views import chart_context
from kapcare.treatment import preparation
from kapcare.treatment.forms import PreparationNoteForm
from kapcare.treatment.models import Appointment, PreparationNote
from kapcare.treatment.views import _patient


@require_http_methods(["GET", "POST"])
@require(Perm.PATIENT_CLINICAL)
def checklist(request: HttpRequest, patient_id: int, appointment_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    patient = _patient(request, patient_id, Perm.PATIENT_CLINICAL, Action.VIEW)
    appointment = (
        Appointment.objects.filter(patient=patient, pk=appointment_id, kind="dosing")
        .select_related("checklist", "room", "staff__user")
        .first()
    )
    found = getattr(appointment, "checklist", None) if appointment else None
    if appointment is None or found is None:
        raise Http404("No such dosing appointment")
    if request.method == "POST":
        try:
            if request.POST.get("action") == "medication":
                if not has_perm(actor, Perm.PLAN_WRITE):
                    deny(actor, Perm.PLAN_WRITE, object_type="treatment.preparationchecklist")
                    raise PermissionDenied("Only a prescriber sets medication instructions.")
                preparation.medication_instructions_set(
                    actor=actor, checklist=found, text=request.POST.get("medication", "")
                )
                messages.success(
                    request, "Medication instructions saved; the patient confirms them again."
                )
            else:
                done = preparation.checklist_check_in(
                    actor=actor, checklist=found, keys=set(request.POST.getlist("keys"))
                )
                messages.success(
                    request, f"Confirmed at check-in: {', '.join(done) or 'nothing new'}."
                )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        return redirect("treatment:checklist", patient.pk, appointment.pk)
    items = list(found.items.select_related("confirmed_by", "checked_in_by"))
    context = chart_context(request, patient, "plan")
    context.update(
        {
            "appointment": appointment,
            "checklist": found,
            "items": [(i, preparation.label_of(i, found)) for i in items],
            "status": preparation.preparation_status(appointment),
            "can_prescribe": has_perm(actor, Perm.PLAN_WRITE),
            "clinic_tz": patient.clinic.time_zone,
        }
    )
    return render(request, "treatment/checklist.html", context)


@require_POST
@require(Perm.NOTE_WRITE)
def preparation_note(request: HttpRequest, patient_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    patient = _patient(request, patient_id, Perm.NOTE_WRITE, None)
    form = PreparationNoteForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label or field.replace("_", " ").capitalize()
            messages.error(request, f"{label}: {' '.join(str(e) for e in errors)}")
        return redirect("treatment:plan", patient.pk)
    with transaction.atomic():
        note = PreparationNote.objects.create(
            clinic=patient.clinic, patient=patient, author=actor.user, **form.cleaned_data
        )
        record(Action.CREATE, actor=actor, patient=patient, obj=note)
    messages.success(request, "Preparation note signed.")
    return redirect("treatment:plan", patient.pk)
