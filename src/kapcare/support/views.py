"""The support person's home: only what their patient has chosen to share."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kapcare.accounts.policy import Perm, require


@require_GET
@require(Perm.SUPPORT_AREA)
def home(request: HttpRequest) -> HttpResponse:
    from kapcare.support.models import SupportRelationship

    actor = request.actor  # type: ignore[attr-defined]
    links = SupportRelationship.objects.filter(user=actor.user).select_related("patient")
    # Only the first name: everything else waits for the patient to share it.
    supported = [link.patient.preferred_name or link.patient.given_name for link in links]
    return render(request, "support/home.html", {"supported": supported})
