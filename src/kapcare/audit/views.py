"""The admin's audit-trail browser."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kapcare.accounts.models import User
from kapcare.accounts.policy import Perm, require
from kapcare.audit.forms import TrailFilterForm
from kapcare.audit.models import Action
from kapcare.audit.selectors import trail_for_clinic
from kapcare.audit.services import record
from kapcare.core.paging import PagedList, paged_list
from kapcare.patients.models import Patient

PAGE_SIZE = 50
#: events counted and listed at most (200 pages): the trail is the fastest-growing table,
#: so counting all of a clinic's events on each view cost more every day. Older events
#: are reached by narrowing the dates.
TRAIL_LISTED = 10_000
#: the trail's one paged list: its query parameter and the heading its page links open at
TRAIL_LIST = PagedList("page", "trail-h")


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
    listed, listed_pages = paged_list(
        request.GET, TRAIL_LIST, events, size=PAGE_SIZE, count_up_to=TRAIL_LISTED
    )
    # Reading the trail is itself recorded (it reveals who saw which patient).
    record(
        Action.VIEW,
        actor=actor,
        object_type="audit.auditevent",
        detail={"filters": {k: str(v) for k, v in filters.items() if v}},
    )
    return render(
        request,
        "audit/trail.html",
        {
            "form": form,
            "listed": listed,
            "listed_pages": listed_pages,
        },
        status=400 if form.errors else 200,
    )
