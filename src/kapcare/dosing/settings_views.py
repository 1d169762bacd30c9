"""The clinic's dosing settings page: each local choice, confirmed or waiting to be confirmed."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from kapcare.accounts.policy import Perm, require
from kapcare.audit.models import Action
from kapcare.audit.services import record
from kapcare.dosing.clinic_settings import NAMES, dosing_settings_save, settings_for, states
from kapcare.dosing.models import RATING_CHOICES


@require_http_methods(["GET", "POST"])
@require(Perm.DOSING_SETTINGS)
def dosing_settings(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    errors: dict[str, list[str]] = {}
    posted: dict[str, str] = {}
    if request.method == "POST":
        posted = {name: request.POST.get(name, "") for name in NAMES}
        values = {**posted, "require_moaas_5": request.POST.get("require_moaas_5") == "on"}
        try:
            dosing_settings_save(
                actor=actor,
                values=values,
                confirm=set(request.POST.getlist("confirm")),
                reason=request.POST.get("reason", ""),
            )
            messages.success(request, "Dosing settings saved.")
            return redirect("dosing:settings")
        except ValidationError as error:
            errors = (
                error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
            )
    else:
        record(Action.VIEW, actor=actor, object_type="dosing.dosingsettings")
    chosen = settings_for(actor.clinic)
    rows = [
        {
            "state": s,
            "value": posted.get(s.setting.name, s.value),
            "errors": errors.get(s.setting.name, []),
        }
        for s in states(chosen)
    ]
    return render(
        request,
        "dosing/settings.html",
        {
            "rows": rows,
            "errors": errors,
            "general_errors": errors.get("__all__", [])
            + errors.get("reason", [])
            + errors.get("confirm", []),
            "rating_choices": [c for c in RATING_CHOICES if c[0] != "none"],
            "settings": chosen,
        },
        status=400 if errors else 200,
    )
