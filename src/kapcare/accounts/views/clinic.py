"""The clinic's own settings: name, time zone, phone and crisis resources."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from kapcare.accounts.forms import ClinicSettingsForm
from kapcare.accounts.policy import Perm, require
from kapcare.audit.models import Action
from kapcare.audit.services import record


@require_http_methods(["GET", "POST"])
@require(Perm.CLINIC_MANAGE)
def clinic_settings(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    clinic = actor.clinic
    form = ClinicSettingsForm(request.POST or None, instance=clinic)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            record(
                Action.UPDATE, actor=actor, obj=clinic, detail={"fields": sorted(form.changed_data)}
            )
        messages.success(request, "Clinic settings saved.")
        return redirect("accounts:clinic_settings")
    return render(
        request, "accounts/clinic_settings.html", {"form": form}, status=400 if form.errors else 200
    )
