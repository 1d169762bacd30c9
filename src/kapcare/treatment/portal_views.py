"""The patient's own appointments and preparation checklists in the portal (phone first)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from kapcare.accounts.policy import Perm, deny, get_patient, require
from kapcare.treatment import preparation
from kapcare.treatment.forms import ChecklistForm
from kapcare.treatment.models import Appointment
from kapcare.treatment.selectors import upcoming_of


def _me(request: HttpRequest, object_type: str) -> Any:
    actor = request.actor  # type: ignore[attr-defined]
    return get_patient(actor, actor.patient.pk, Perm.PORTAL, object_type=object_type)


@require_GET
@require(Perm.PORTAL)
def my_appointments(request: HttpRequest) -> HttpResponse:
    patient = _me(request, "treatment.appointment")
    upcoming = list(
        upcoming_of(patient, timezone.now())
        .select_related("checklist")
        .prefetch_related("checklist__items")
    )
    rows = [
        {
            "appointment": a,
            "status": preparation.preparation_status(a) if a.kind == "dosing" else None,
        }
        for a in upcoming
    ]
    return render(
        request,
        "treatment/portal_appointments.html",
        {"patient": patient, "rows": rows, "clinic_tz": patient.clinic.time_zone},
    )


@require_http_methods(["GET", "POST"])
@require(Perm.PORTAL)
def my_checklist(request: HttpRequest, appointment_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    patient = _me(request, "treatment.preparationchecklist")
    appointment = (
        Appointment.objects.filter(patient=patient, pk=appointment_id, kind="dosing")
        .select_related("checklist", "clinic")
        .first()
    )
    checklist = getattr(appointment, "checklist", None) if appointment else None
    if appointment is None or checklist is None:
        deny(actor, Perm.PORTAL, object_type="treatment.appointment", object_id=appointment_id)
        raise Http404("No such appointment")
    items = list(checklist.items.all())
    labels = [(i.key, preparation.label_of(i, checklist)) for i in items]
    initial = {
        "escort_name": checklist.escort_name,
        "escort_phone": checklist.escort_phone,
        "intention": checklist.intention,
        **{f"item_{i.key}": bool(i.confirmed_at) for i in items},
    }
    form = ChecklistForm(request.POST or None, items=labels, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            preparation.checklist_complete(
                actor=actor,
                checklist=checklist,
                ticked=form.ticked(),
                escort_name=form.cleaned_data["escort_name"],
                escort_phone=form.cleaned_data["escort_phone"],
                intention=form.cleaned_data["intention"],
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field, errors)
        else:
            status = preparation.preparation_status(appointment)
            if status.missing:
                messages.success(request, "Saved. You can come back and finish the rest later.")
            else:
                messages.success(request, "Saved. You are ready for your session.")
            return redirect("treatment:my_appointments")
    return render(
        request,
        "treatment/portal_checklist.html",
        {
            "appointment": appointment,
            "form": form,
            "clinic_tz": patient.clinic.time_zone,
            "confirmed": {i.key: i for i in items if i.confirmed_at},
        },
        status=400 if form.errors else 200,
    )
