"""The chart's Exposure tab, recording and reviewing bladder checks, and the clinic's settings."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kapcare.accounts.policy import Perm, get_patient, has_perm, require
from kapcare.audit.models import Action
from kapcare.dosing.idempotency import KeyReused, idempotent
from kapcare.exposure import services
from kapcare.exposure.forms import BladderCheckForm, ExposureSettingsForm, ReviewForm
from kapcare.exposure.models import BladderCheck
from kapcare.exposure.selectors import exposure_summary, settings_for
from kapcare.patients.views import chart_context, chart_queryset

OBJECT = "exposure.exposure"


def _patient(request: HttpRequest, patient_id: int, perm: Perm, audit: Action | None) -> Any:
    actor = request.actor  # type: ignore[attr-defined]
    return get_patient(
        actor, patient_id, perm, audit=audit, object_type=OBJECT, queryset=chart_queryset(actor)
    )


def _render_tab(
    request: HttpRequest,
    patient: Any,
    form: BladderCheckForm | None = None,
    review_errors: dict[int, list[str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    context = chart_context(request, patient, "exposure")
    context.update(
        {
            "view": exposure_summary(patient),
            "form": form or BladderCheckForm(),
            "review_form": ReviewForm(),
            "review_errors": review_errors or {},
            "can_record": has_perm(actor, Perm.BLADDER_CHECK_RECORD),
            "can_review": has_perm(actor, Perm.BLADDER_CHECK_REVIEW),
            "can_set": has_perm(actor, Perm.EXPOSURE_SETTINGS),
            "idempotency_key": uuid.uuid4().hex,
            "clinic_tz": patient.clinic.time_zone,
        }
    )
    return render(request, "exposure/tab.html", context, status=status)


@require_GET
@require(Perm.PATIENT_CLINICAL)
def exposure_tab(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Totals for the week, 30 days and course, each session's dose, and the bladder checks."""
    patient = _patient(request, patient_id, Perm.PATIENT_CLINICAL, Action.VIEW)
    return _render_tab(request, patient)


@require_POST
@require(Perm.BLADDER_CHECK_RECORD)
def bladder_check_create(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Record the checklist once, even when a tablet sends the form twice."""
    actor = request.actor  # type: ignore[attr-defined]
    patient = _patient(request, patient_id, Perm.BLADDER_CHECK_RECORD, None)
    form = BladderCheckForm(request.POST)
    if not form.is_valid():
        return _render_tab(request, patient, form=form, status=400)

    def run() -> dict[str, Any]:
        check = services.bladder_check_record(
            actor=actor, patient=patient, answers=form.answers(), notes=form.cleaned_data["notes"]
        )
        if check.needs_review:
            return {"message": "Bladder check recorded. Symptoms reported: a prescriber reviews."}
        return {"message": "Bladder check recorded: no symptoms reported."}

    try:
        result, replayed = idempotent(
            actor=actor,
            key=request.POST.get("idempotency_key", ""),
            endpoint=f"exposure:bladder_check:{patient.pk}",
            body={**form.answers(), "notes": form.cleaned_data["notes"]},
            run=run,
        )
    except KeyReused as reused:
        messages.error(request, str(reused))
    except ValidationError as error:
        for field, problems in error.message_dict.items():
            for problem in problems:
                form.add_error(field if field in form.fields else None, problem)
        return _render_tab(request, patient, form=form, status=400)
    else:
        messages.success(request, result["message"] + (" (already saved)" if replayed else ""))
    return redirect("exposure:tab", patient.pk)


@require_POST
@require(Perm.BLADDER_CHECK_REVIEW)
def bladder_check_review(request: HttpRequest, patient_id: int, check_id: int) -> HttpResponse:
    """A prescriber closes a check that reported symptoms, saying what was decided."""
    actor = request.actor  # type: ignore[attr-defined]
    patient = _patient(request, patient_id, Perm.BLADDER_CHECK_REVIEW, None)
    check = BladderCheck.objects.filter(patient=patient, pk=check_id).first()
    if check is None:
        raise Http404("No such bladder check")
    check.patient = patient
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _render_tab(
            request,
            patient,
            review_errors={check.pk: [str(e) for e in form.errors["note"]]},
            status=400,
        )
    try:
        services.bladder_check_review(actor=actor, check=check, note=form.cleaned_data["note"])
    except ValidationError as error:
        return _render_tab(request, patient, review_errors={check.pk: error.messages}, status=400)
    messages.success(request, "Review recorded; the flag is cleared.")
    return redirect("exposure:tab", patient.pk)


@require_http_methods(["GET", "POST"])
@require(Perm.EXPOSURE_SETTINGS)
def exposure_settings(request: HttpRequest) -> HttpResponse:
    """The clinic's exposure warnings and bladder-check interval: all the clinic's own numbers."""
    actor = request.actor  # type: ignore[attr-defined]
    current = settings_for(actor.clinic.pk)
    initial = {name: getattr(current, name) for name in services.SETTING_NAMES}
    form = ExposureSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in services.SETTING_NAMES}
        try:
            services.exposure_settings_save(
                actor=actor, values=values, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                for problem in problems:
                    form.add_error(field if field in form.fields else None, problem)
        else:
            messages.success(request, "Exposure settings saved as your clinic's own choice.")
            return redirect("exposure:settings")
    return render(
        request,
        "exposure/settings.html",
        {"form": form, "current": current},
        status=400 if form.errors else 200,
    )
