"""The patient's integration plan in the portal: tick off practices, see weeks of progress."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from kapcare.accounts.policy import Perm, deny, get_patient, require
from kapcare.integration import plans
from kapcare.integration.models import PlanItem


@require_GET
@require(Perm.PORTAL)
def practices(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    patient = get_patient(actor, actor.patient.pk, Perm.PORTAL, object_type="integration.plan")
    today = timezone.localdate()
    weeks, progress = plans.plan_with_progress(patient, today)
    return render(
        request,
        "integration/practices.html",
        {"patient": patient, "weeks": weeks, "progress": progress, "today": today},
    )


@require_POST
@require(Perm.PORTAL)
def practice_check(request: HttpRequest, item_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    patient = get_patient(actor, actor.patient.pk, Perm.PORTAL, audit=None)
    item = (
        PlanItem.objects.select_related("practice", "patient")
        .filter(pk=item_id, patient=patient, ended_at__isnull=True)
        .first()
    )
    if item is None:
        deny(actor, Perm.PORTAL, object_type="integration.planitem", object_id=item_id)
        raise Http404("No such practice in your plan")
    today = timezone.localdate()
    try:
        day = dt.date.fromisoformat(request.POST.get("day") or today.isoformat())
        plans.practice_check_toggle(
            actor=actor, item=item, day=day, today=today, done=request.POST.get("done") != "0"
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except ValueError:
        messages.error(request, "day: give a date as YYYY-MM-DD.")
    else:
        if request.POST.get("done") != "0":
            messages.success(request, f"Well done: {item.practice.name} is ticked off.")
    return redirect("integration:practices")
