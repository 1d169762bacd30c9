"""REMS pages: the printable monitoring data of one esketamine session, and the forms to file.

kapcare prepares the data; the clinic files the form on the REMS portal and
records the filing here (date and the portal's reference), once.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from kapcare.accounts.policy import Perm, require
from kapcare.audit.models import Action
from kapcare.audit.services import record
from kapcare.clinical.routes import Route
from kapcare.dosing import rems
from kapcare.dosing.clinic_settings import settings_for, states
from kapcare.dosing.idempotency import KeyReused, idempotent
from kapcare.dosing.models import DosingSession
from kapcare.dosing.views import _errors, _patient, _session
from kapcare.patients.views import chart_context


def _esketamine(
    request: HttpRequest, patient_id: int, session_id: int, audit: Action | None
) -> tuple[Any, DosingSession]:
    patient = _patient(request, patient_id, audit)
    session = _session(patient, session_id)
    if session.route != Route.INTRANASAL_ESKETAMINE:
        raise Http404("Only esketamine sessions have a REMS monitoring form")
    return patient, session


@require_GET
@require(Perm.SESSION_RUN)
def rems_session(request: HttpRequest, patient_id: int, session_id: int) -> HttpResponse:
    """One printable page with what the REMS patient monitoring form asks [K14]."""
    patient, session = _esketamine(request, patient_id, session_id, Action.VIEW)
    today = timezone.localdate(timezone=ZoneInfo(patient.clinic.time_zone))
    data = rems.rems_data(session, today=today)
    chosen = settings_for(session.clinic_id)
    due_setting = next(s for s in states(chosen) if s.setting.name == "rems_form_due_days")
    context = chart_context(request, patient, "sessions")
    context.update(
        {
            "session": session,
            "data": data,
            "summary": data.summary,
            "due_days": chosen.rems_form_due_days,
            "due_confirmed": due_setting.confirmed,
            "today": today,
            "idempotency_key": uuid.uuid4().hex,
            "clinic_tz": patient.clinic.time_zone,
        }
    )
    return render(request, "dosing/rems_session.html", context)


@require_POST
@require(Perm.SESSION_RUN)
def rems_file(request: HttpRequest, patient_id: int, session_id: int) -> HttpResponse:
    """Record that the form was filed on the REMS portal (once; idempotent by the form's key)."""
    actor = request.actor  # type: ignore[attr-defined]
    patient, session = _esketamine(request, patient_id, session_id, None)
    post = request.POST
    body = {"filed_on": post.get("filed_on", ""), "reference": post.get("reference", "")}
    try:
        try:
            filed_on = dt.date.fromisoformat(body["filed_on"].strip())
        except ValueError:
            raise ValidationError(
                {"filed_on": [f"Enter a date as YYYY-MM-DD, got {body['filed_on']!r}."]}
            ) from None

        def run() -> dict[str, str]:
            made = rems.rems_form_file(
                actor=actor, session=session, filed_on=filed_on, reference=body["reference"]
            )
            return {"message": f"REMS form recorded as filed ({made.reference})."}

        result, replayed = idempotent(
            actor=actor,
            key=post.get("idempotency_key", ""),
            endpoint=f"dosing:rems_file:{session.pk}",
            body=body,
            run=run,
        )
        messages.success(request, result["message"] + (" (already saved)" if replayed else ""))
    except KeyReused as reused:
        messages.error(request, str(reused))
    except ValidationError as error:
        for message in _errors(error):
            messages.error(request, message)
    if post.get("next") == "list":
        return redirect("dosing:rems_forms")
    return redirect("dosing:rems_session", patient.pk, session.pk)


@require_GET
@require(Perm.SESSION_RUN)
def rems_forms(request: HttpRequest) -> HttpResponse:
    """Discharged esketamine sessions whose REMS form is not yet filed, with due dates."""
    actor = request.actor  # type: ignore[attr-defined]
    today = timezone.localdate(timezone=ZoneInfo(actor.clinic.time_zone))
    rows = rems.forms_to_file(actor, today=today)
    record(
        Action.LIST,
        actor=actor,
        object_type="dosing.remsformfiling",
        detail={"sessions": [r.session.pk for r in rows]},
    )
    chosen = settings_for(actor.clinic)
    due_setting = next(s for s in states(chosen) if s.setting.name == "rems_form_due_days")
    return render(
        request,
        "dosing/rems_forms.html",
        {
            "rows": rows,
            "today": today,
            "due_days": chosen.rems_form_due_days,
            "due_confirmed": due_setting.confirmed,
            "idempotency_key": uuid.uuid4().hex,
            "clinic_tz": actor.clinic.time_zone,
        },
    )
