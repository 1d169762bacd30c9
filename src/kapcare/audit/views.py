"""The admin's audit-trail browser."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kapcare.accounts.models import User
from kapcare.accounts.policy import Perm, require
from kapcare.audit.forms import TrailFilterForm
from kapcare.audit.models import Action
from kapcare.audit.selectors import trail_for_clinic
from kapcare.audit.services import record
from kapcare.patients.models import Patient

PAGE_SIZE = 50


@require_GET
@require(Perm.AUDIT_VIEW)
def trail(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    clinic = actor.clinic
    people = User.objects.filter(memberships__clinic=clinic).distinct().only("id", "full_name")
    form = TrailFilterForm(request.GET or None, people=people)
    filters = form.cleaned_data if form.is_valid() else {}
    patient_id = None
    if filters.get("mrn"):
        found = Patient.objects.filter(clinic=clinic, mrn__iexact=filters["mrn"].strip()).first()
        patient_id = found.pk if found else -1
    events = trail_for_clinic(
        clinic,
        patient_id=patient_id,
        actor_id=int(filters["actor"]) if filters.get("actor") else None,
        action=filters.get("action", ""),
        since=filters.get("since"),
        until=filters.get("until"),
    )
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    # Reading the trail is itself recorded (it reveals who saw which patient).
    record(
        Action.VIEW,
        actor=actor,
        object_type="audit.auditevent",
        detail={"filters": {k: str(v) for k, v in filters.items() if v}},
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/trail.html",
        {"form": form, "page": page, "query": query.urlencode()},
        status=400 if form.errors else 200,
    )
