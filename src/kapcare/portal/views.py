"""The patient portal: a phone-first home and "who looked at my record"."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from kapcare.accounts.policy import Perm, get_patient, require
from kapcare.audit.selectors import access_log_for_patient
from kapcare.measures.selectors import questionnaires_to_do, settings_for
from kapcare.patients.selectors import care_team_prefetch


@require_GET
@require(Perm.PORTAL)
def home(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    from kapcare.accounts.policy import patients_for

    patient = get_patient(
        actor,
        actor.patient.pk,
        Perm.PORTAL,
        queryset=patients_for(actor).prefetch_related(care_team_prefetch()),
    )
    now = timezone.now()
    return render(
        request,
        "portal/home.html",
        {
            "patient": patient,
            "care_team": list(patient.care_team.all()),
            "today": timezone.localdate(),
            "now": now,
            "questionnaires": questionnaires_to_do(patient, now),
            "progress_on": settings_for(patient.clinic).patients_see_progress,
        },
    )


@require_GET
@require(Perm.PORTAL)
def access_log(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    patient = get_patient(actor, actor.patient.pk, Perm.PORTAL, object_type="audit.access_log")
    page = Paginator(access_log_for_patient(patient), 30).get_page(request.GET.get("page"))
    return render(request, "portal/access_log.html", {"patient": patient, "page": page})
