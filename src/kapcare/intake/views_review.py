"""The chart tab "Intake & eligibility": summary, findings, baseline scores, decision, consent."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST

from kapcare.accounts.mfa import is_stepped_up
from kapcare.accounts.policy import Perm, get_patient, has_perm, patients_for, require
from kapcare.audit.models import Action
from kapcare.intake import baseline, eligibility, selectors
from kapcare.intake.models import DecisionChoice, ScreeningRun
from kapcare.intake.vocabulary import ROUTE_CHOICES
from kapcare.patients.selectors import care_team_prefetch
from kapcare.patients.views import chart_context

OBJECT_TYPE = "intake.eligibility"


class ScreeningForm(forms.Form):
    route = forms.ChoiceField(
        label="Intended route",
        choices=ROUTE_CHOICES,
        error_messages={
            "invalid_choice": "Choose one of: " + ", ".join(v for v, _ in ROUTE_CHOICES) + "."
        },
    )


class DecisionForm(forms.Form):
    screening = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        label="Decision",
        choices=DecisionChoice.choices,
        widget=forms.RadioSelect,
        error_messages={
            "invalid_choice": "Choose one of: " + ", ".join(DecisionChoice.values) + ".",
            "required": "Choose a decision.",
        },
    )
    notes = forms.CharField(
        label="Notes (conditions, reasons, what information is needed)",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    override_reason = forms.CharField(
        label="Override reason (only to treat despite a contraindication)",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needs you to confirm your identity again. Recorded in the audit trail.",
    )


def _patient(request: HttpRequest, patient_id: int, perm: Perm, audit: Action | None) -> Any:
    actor = request.actor  # type: ignore[attr-defined]
    return get_patient(
        actor,
        patient_id,
        perm,
        audit=audit,
        object_type=OBJECT_TYPE,
        queryset=patients_for(actor).prefetch_related(care_team_prefetch()),
    )


def _review(
    request: HttpRequest,
    patient: Any,
    *,
    decision_form: DecisionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    intake = selectors.intake_of(patient)
    run = selectors.latest_screening(patient)
    findings = list(run.findings.all()) if run else []
    can_decide = has_perm(actor, Perm.ELIGIBILITY_DECIDE)
    route = run.route if run else eligibility.default_route(patient.clinic)
    consent = selectors.consent_status(patient)
    context = chart_context(request, patient, "intake")
    context.update(
        {
            "intake": intake,
            "summary": selectors.intake_summary(intake.data) if intake else [],
            "run": run,
            "findings": findings,
            "has_block": any(f.severity == "block" for f in findings),
            "stale": bool(run and intake and run.intake_version.number != intake.version),
            "screening_form": ScreeningForm(initial={"route": route}),
            "decision_form": decision_form
            or (DecisionForm(initial={"screening": run.pk}) if run else None),
            "decisions": selectors.decisions_of(patient),
            "can_decide": can_decide,
            "can_edit": has_perm(actor, Perm.INTAKE_EDIT),
            "can_countersign": has_perm(actor, Perm.CONSENT_COUNTERSIGN),
            "stepped_up": is_stepped_up(request),
            "step_up_url": reverse("mfa_step_up")
            + "?"
            + urlencode({"next": reverse("intake:review", args=[patient.pk]) + "#decide"}),
            "scores": baseline.baseline_scores(patient),
            "consent": consent,
            "eligibility_current": selectors.eligibility_is_current(patient),
        }
    )
    return render(request, "intake/review.html", context, status=status)


@require_GET
@require(Perm.PATIENT_CLINICAL)
def review(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = _patient(request, patient_id, Perm.PATIENT_CLINICAL, Action.VIEW)
    return _review(request, patient)


@require_POST
@require(Perm.ELIGIBILITY_DECIDE)
def run_screening(request: HttpRequest, patient_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    patient = _patient(request, patient_id, Perm.ELIGIBILITY_DECIDE, None)
    form = ScreeningForm(request.POST)
    intake = selectors.intake_of(patient)
    if not form.is_valid():
        messages.error(request, "Intended route: " + " ".join(str(e) for e in form.errors["route"]))
    elif intake is None:
        messages.error(request, "Intake: nothing has been entered yet.")
    else:
        try:
            run = eligibility.screening_run(
                actor=actor, intake=intake, route=form.cleaned_data["route"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            count = run.findings.count()
            messages.success(
                request, f"Screening done: {count} finding{'s' if count != 1 else ''}."
            )
    return redirect(reverse("intake:review", args=[patient.pk]) + "#findings")


@require_POST
@require(Perm.ELIGIBILITY_DECIDE)
def decide(request: HttpRequest, patient_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    patient = _patient(request, patient_id, Perm.ELIGIBILITY_DECIDE, None)
    form = DecisionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        run = ScreeningRun.objects.filter(patient=patient, pk=data["screening"]).first()
        latest = selectors.latest_screening(patient)
        if run is None or latest is None or run.pk != latest.pk:
            form.add_error(None, "Screening was run again meanwhile: review the new findings.")
        elif data["override_reason"].strip() and not is_stepped_up(request):
            form.add_error(
                "override_reason",
                "Confirm your identity (step-up) before overriding a contraindication, "
                "then sign again.",
            )
        else:
            try:
                eligibility.decision_record(
                    actor=actor,
                    patient=patient,
                    run=run,
                    decision=data["decision"],
                    notes=data["notes"],
                    override_reason=data["override_reason"],
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, "Decision signed.")
                return redirect(reverse("intake:review", args=[patient.pk]) + "#decisions")
    return _review(request, patient, decision_form=form, status=400)
