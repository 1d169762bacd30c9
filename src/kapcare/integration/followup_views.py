"""The check-in opened by a one-time link (no password), and staff issuing such a link."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from kapcare.accounts.policy import Perm, get_patient, public, require
from kapcare.integration import followup
from kapcare.integration.forms import CheckInForm
from kapcare.integration.models import FollowUpForm
from kapcare.integration.sessions import session_day, sessions_of
from kapcare.patients.views import chart_queryset


@never_cache
@require_http_methods(["GET", "POST"])
@public
def checkin(request: HttpRequest, token: str) -> HttpResponse:
    link = followup.followup_link_for(token, FollowUpForm.CHECKIN)
    if link is None:
        return render(request, "integration/checkin_invalid.html", status=404)
    patient = link.patient
    form = CheckInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            done = followup.checkin_submit(link=link, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            return render(
                request,
                "integration/checkin_done.html",
                {"checkin": done, "clinic": patient.clinic},
            )
    return render(
        request,
        "integration/checkin.html",
        {
            "form": form,
            "name": patient.preferred_name or patient.given_name,
            "clinic": patient.clinic,
        },
        status=400 if form.errors else 200,
    )


@require_POST
@require(Perm.INTEGRATION_WRITE)
def followup_issue(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Issue a check-in link by hand (discharge issues one after each session by itself)."""
    actor = request.actor  # type: ignore[attr-defined]
    patient = get_patient(
        actor,
        patient_id,
        Perm.INTEGRATION_WRITE,
        audit=None,
        queryset=chart_queryset(actor),
    )
    chosen = request.POST.get("session", "")
    session = sessions_of(patient).filter(pk=int(chosen)).first() if chosen.isdigit() else None
    link, token = followup.followup_link_issue(
        actor=actor,
        patient=patient,
        session=session,
        session_date=session_day(session) if session else None,
    )
    return render(
        request,
        "integration/followup_issued.html",
        {"patient": patient, "link": link, "url": followup.link_url(token)},
    )
