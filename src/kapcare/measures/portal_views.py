"""The patient's side: filling in a questionnaire on a phone, and their own progress."""

from __future__ import annotations

import contextlib
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kapcare.accounts.policy import Perm, get_patient, require
from kapcare.audit.models import Action
from kapcare.clinical.instruments import InvalidResponse
from kapcare.clinical.instruments.phq9 import SUICIDAL_IDEATION
from kapcare.measures import services
from kapcare.measures.access import assignment_of
from kapcare.measures.forms import draft_values, error_summary, item_views, read_answers
from kapcare.measures.models import (
    Assignment,
    AssignmentState,
    AssignmentStatus,
    QuestionnaireResponse,
)
from kapcare.measures.selectors import bounded_history, dose_times, settings_for
from kapcare.measures.summaries import summarise


def _own_assignment(request: HttpRequest, assignment_id: int, *, audit: bool) -> Assignment:
    actor = request.actor  # type: ignore[attr-defined]
    patient = get_patient(
        actor,
        actor.patient.pk if actor.patient else None,
        Perm.PORTAL,
        object_type="measures.assignment",
        audit=Action.VIEW if audit else None,
    )
    return assignment_of(patient, assignment_id, actor, Perm.PORTAL)


def _thinks_of_self_harm(assignment: Assignment, values: dict[str, Any]) -> bool:
    """PHQ-9 item 9 above 0 in what the patient has ticked so far (before submitting)."""
    if assignment.instrument != "phq9":
        return False
    try:
        return int(values.get("9") or 0) > 0
    except (TypeError, ValueError):
        return False


def _form(
    request: HttpRequest,
    assignment: Assignment,
    values: dict[str, Any],
    errors: dict[str, str],
    status: int = 200,
) -> HttpResponse:
    definition = assignment.definition
    return render(
        request,
        "measures/questionnaire.html",
        {
            "assignment": assignment,
            "definition": definition,
            "items": item_views(definition, values, errors),
            "errors": error_summary(definition, errors),
            "clinic": assignment.clinic,
            "show_crisis": _thinks_of_self_harm(assignment, values),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@require(Perm.PORTAL)
def questionnaire(request: HttpRequest, assignment_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    assignment = _own_assignment(request, assignment_id, audit=request.method == "GET")
    if assignment.status == AssignmentStatus.COMPLETED:
        return redirect("measures:done", assignment.pk)
    if assignment.state_at(timezone.now()) not in (AssignmentState.DUE, AssignmentState.OVERDUE):
        raise Http404("This questionnaire is not open")
    if request.method == "GET":
        draft = getattr(assignment, "draft", None)
        return _form(request, assignment, dict(draft.answers) if draft else {}, {})
    definition = assignment.definition
    answers, errors = read_answers(definition, request.POST)
    if errors:
        return _keep(request, actor, assignment, errors)
    try:
        services.response_submit(
            actor=actor,
            patient=assignment.patient,
            instrument=definition.key,
            answers=answers,
            assignment=assignment,
        )
    except InvalidResponse as exc:
        return _keep(request, actor, assignment, {exc.item or "": str(exc)})
    except ValidationError as exc:
        return _keep(request, actor, assignment, {"": " ".join(exc.messages)})
    except services.AlreadyCompleted:
        pass  # a double tap or a second device: the first submission stands
    return redirect("measures:done", assignment.pk)


def _keep(
    request: HttpRequest, actor: Any, assignment: Assignment, errors: dict[str, str]
) -> HttpResponse:
    """An incomplete form: keep what was answered as the draft, and name every gap."""
    values = draft_values(request.POST, assignment.definition)
    with contextlib.suppress(ValidationError, services.AlreadyCompleted):
        services.draft_save(actor=actor, assignment=assignment, answers=values)
    return _form(request, assignment, values, errors, status=400)


@require_POST
@require(Perm.PORTAL)
def save_draft(request: HttpRequest, assignment_id: int) -> HttpResponse:
    """HTMX: save the answers so far each time one changes; answer with a status line."""
    actor = request.actor  # type: ignore[attr-defined]
    assignment = _own_assignment(request, assignment_id, audit=False)
    values = draft_values(request.POST, assignment.definition)
    try:
        draft = services.draft_save(actor=actor, assignment=assignment, answers=values)
    except services.AlreadyCompleted:
        return HttpResponse(
            "This questionnaire is closed: it was submitted or cancelled.", status=409
        )
    except ValidationError as exc:
        return HttpResponse(" ".join(exc.messages), status=400)
    return render(
        request,
        "measures/_draft_saved.html",
        {
            "saved_at": draft.updated_at,
            "clinic": assignment.clinic,
            "show_crisis": _thinks_of_self_harm(assignment, values),
        },
    )


@require_GET
@require(Perm.PORTAL)
def done(request: HttpRequest, assignment_id: int) -> HttpResponse:
    assignment = _own_assignment(request, assignment_id, audit=True)
    response = QuestionnaireResponse.objects.filter(assignment=assignment).order_by("-id").first()
    if response is None:
        return redirect("measures:questionnaire", assignment.pk)
    return render(
        request,
        "measures/done.html",
        {
            "assignment": assignment,
            "response": response,
            "clinic": assignment.clinic,
            "show_crisis": SUICIDAL_IDEATION in response.flags,
            "progress_on": settings_for(assignment.clinic).patients_see_progress,
        },
    )


@require_GET
@require(Perm.PORTAL)
def progress(request: HttpRequest) -> HttpResponse:
    """The patient's own scores over time, in plain language, if the clinic allows it."""
    actor = request.actor  # type: ignore[attr-defined]
    patient = get_patient(
        actor,
        actor.patient.pk if actor.patient else None,
        Perm.PORTAL,
        object_type="measures.progress",
    )
    enabled = settings_for(patient.clinic).patients_see_progress
    summaries = []
    if enabled:
        summaries = [
            s
            for s in summarise(
                bounded_history(patient),  # the charts only: no list of answers here
                zone=ZoneInfo(patient.clinic.time_zone),
                doses=dose_times(patient),
            )
            if s.definition.scored
        ]
    return render(
        request,
        "measures/progress.html",
        {"patient": patient, "enabled": enabled, "summaries": summaries},
    )
