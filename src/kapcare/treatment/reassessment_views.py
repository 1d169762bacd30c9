"""The reassessment page: scores then and now, the suggestion and its reasons, the decision."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from kapcare.accounts.policy import Perm, deny, has_perm, require
from kapcare.audit.models import Action
from kapcare.clinical.outcomes import classify_change
from kapcare.clinical.reassessment import DECISION_LABELS, ReassessmentDecision
from kapcare.patients.views import chart_context
from kapcare.treatment.forms import ReassessmentForm
from kapcare.treatment.models import ReassessmentRecord
from kapcare.treatment.reassessment import reassessment_record, review
from kapcare.treatment.selectors import current_plan, plans_of
from kapcare.treatment.views import _patient


@require_http_methods(["GET", "POST"])
@require(Perm.PATIENT_CLINICAL)
def reassessment(request: HttpRequest, patient_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    patient = _patient(request, patient_id, Perm.PATIENT_CLINICAL, Action.VIEW)
    plan = current_plan(plans_of(patient))
    can_decide = has_perm(actor, Perm.PLAN_SIGN)
    form = ReassessmentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not can_decide:
            deny(actor, Perm.PLAN_SIGN, object_type="treatment.reassessmentrecord")
            raise PermissionDenied("Only a prescriber records the reassessment decision.")
        if plan is None:
            form.add_error(None, "There is no signed plan to reassess.")
        elif form.is_valid():
            try:
                saved = reassessment_record(actor=actor, plan=plan, **form.cleaned_data)
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                label = DECISION_LABELS[ReassessmentDecision(saved.decision)]
                messages.success(request, f"Decision recorded: {label.lower()}.")
                return redirect("treatment:reassessment", patient.pk)
    shown = review(plan, timezone.now()) if plan else None
    rows = [
        (s, classify_change(s.instrument, baseline=s.baseline, current=s.current))
        for s in (shown.scores if shown else [])
    ]
    context = chart_context(request, patient, "plan")
    context.update(
        {
            "plan": plan,
            "review": shown,
            "rows": rows,
            "suggested_label": DECISION_LABELS[shown.suggestion.decision]
            if shown and shown.suggestion
            else "",
            "alternatives": [DECISION_LABELS[d] for d in shown.suggestion.alternatives]
            if shown and shown.suggestion
            else [],
            "form": form,
            "can_decide": can_decide,
            "decisions": ReassessmentRecord.objects.filter(patient=patient).select_related(
                "decided_by"
            ),
        }
    )
    return render(
        request, "treatment/reassessment.html", context, status=400 if form.errors else 200
    )
