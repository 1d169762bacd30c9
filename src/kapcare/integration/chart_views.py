"""The "Integration" chart tab: shared journal entries beside their session, integration
notes, and the integration plan with the patient's progress."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from kapcare.accounts.policy import (
    Perm,
    deny,
    get_patient,
    has_perm,
    is_on_care_team,
    journal_entries_for,
    require,
)
from kapcare.audit.models import Action
from kapcare.audit.services import record
from kapcare.core.paging import PagedList, asked_pages, page_of, section_pages
from kapcare.integration import notes as note_services
from kapcare.integration import plans
from kapcare.integration.forms import CORRECTABLE_NOTES, IntegrationNoteForm, PlanItemForm
from kapcare.integration.models import CheckIn, IntegrationNote, PlanItem
from kapcare.integration.sessions import recent_sessions, session_choices
from kapcare.patients.views import chart_context, chart_queryset


def shared_by_session(entries: list[Any]) -> list[tuple[Any, list[Any]]]:
    """A page of shared entries grouped under the session date they follow (undated last)."""
    ordered = sorted(
        entries,
        key=lambda e: (
            e.session_date is None,
            -e.session_date.toordinal() if e.session_date else 0,
        ),
    )
    return [(date, list(group)) for date, group in groupby(ordered, key=lambda e: e.session_date)]


#: what the tab's read is recorded as
OBJECT_TYPE = "integration.chart"
#: shared entries and integration notes per page: both grow for as long as the patient is seen
SHARED_PAGE_SIZE = 20
NOTES_PAGE_SIZE = 20
#: the tab's two paged lists: the query parameter of each and the heading its links open at
TAB_SECTIONS = {
    "shared": PagedList("shared_page", "shared-h"),
    "notes": PagedList("notes_page", "notes-h"),
}


def _patient(request: HttpRequest, patient_id: int) -> Any:
    """The patient, unaudited: the tab records its read itself, naming the rows it shows."""
    actor = request.actor  # type: ignore[attr-defined]
    return get_patient(
        actor,
        patient_id,
        Perm.PATIENT_CLINICAL,
        audit=None,
        object_type=OBJECT_TYPE,
        queryset=chart_queryset(actor),
    )


def _notes_of(actor: Any, patient: Any) -> QuerySet[IntegrationNote]:
    """The patient's integration notes in this clinic, newest first."""
    return (
        IntegrationNote.objects.filter(patient=patient, clinic=actor.clinic)
        .select_related("author")
        .order_by("-signed_at", "-id")
    )


def _correctable(actor: Any, patient: Any) -> list[IntegrationNote]:
    """The notes a new note may correct: the latest ones, as the form offers them."""
    return list(_notes_of(actor, patient)[:CORRECTABLE_NOTES])


def _render_tab(
    request: HttpRequest,
    patient: Any,
    *,
    note_form: Any = None,
    plan_form: Any = None,
    status: int = 200,
) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    if request.method == "GET":
        query = request.GET
        asked, problems = asked_pages(query, TAB_SECTIONS)
    else:
        # a refused form is shown beside the newest entries and notes
        query = QueryDict()
        asked, problems = {"shared": 1, "notes": 1}, {"shared": "", "notes": ""}
    shared = page_of(
        journal_entries_for(actor, patient).order_by("-created_at", "-id"),
        page=asked["shared"],
        size=SHARED_PAGE_SIZE,
    )
    notes = page_of(_notes_of(actor, patient), page=asked["notes"], size=NOTES_PAGE_SIZE)
    record(
        Action.VIEW,
        actor=actor,
        patient=patient,
        object_type=OBJECT_TYPE,
        object_id=patient.pk,
        detail={
            "shared": [entry.pk for entry in shared.rows],
            "shared_page": shared.page.number,
            "notes": [note.pk for note in notes.rows],
            "notes_page": notes.page.number,
        },
    )
    sections = {"shared": shared, "notes": notes}
    pages = section_pages(
        query,
        TAB_SECTIONS,
        shown={key: listed.page for key, listed in sections.items()},
        problems=problems,
        notices={key: listed.notice for key, listed in sections.items()},
        # also drawn in answer to the note and plan forms, which post elsewhere
        address=reverse("integration:tab", args=[patient.pk]),
    )
    context = chart_context(request, patient, "integration")
    weeks, progress = plans.plan_with_progress(patient, timezone.localdate())
    checkins = list(CheckIn.objects.filter(patient=patient).select_related("link")[:10])
    can_write = has_perm(actor, Perm.INTEGRATION_WRITE)
    sessions = recent_sessions(patient)
    if note_form is None and can_write:
        note_form = IntegrationNoteForm(notes=_correctable(actor, patient), sessions=sessions)
    context.update(
        {
            "shared": shared,
            "groups": shared_by_session(shared.rows),
            "on_team": is_on_care_team(actor, patient),
            "notes": notes,
            "filled_notes": [
                (n, [(label, getattr(n, key)) for key, label in note_services.SECTIONS])
                for n in notes.rows
            ],
            "pages": pages,
            "weeks": weeks,
            "progress": progress,
            "can_write": can_write,
            "checkins": checkins,
            "session_choices": session_choices(sessions, "Not linked to a session"),
            "note_form": note_form,
            "plan_form": plan_form or PlanItemForm(clinic_id=patient.clinic_id),
        }
    )
    return render(request, "integration/chart_tab.html", context, status=status)


@require_GET
@require(Perm.PATIENT_CLINICAL)
def tab(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Shared journal entries and integration notes, newest first, a page of each at a time."""
    return _render_tab(request, _patient(request, patient_id))


def _apply(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@require_POST
@require(Perm.INTEGRATION_WRITE)
def note_sign(request: HttpRequest, patient_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    patient = _patient(request, patient_id)
    notes = _correctable(actor, patient)
    sessions = recent_sessions(patient)
    form = IntegrationNoteForm(request.POST, notes=notes, sessions=sessions)
    if form.is_valid():
        data = dict(form.cleaned_data)
        amends_id = data.pop("amends")
        amends = next((n for n in notes if n.pk == amends_id), None)
        session_id = data.pop("session")
        data["session"] = next((x for x in sessions if x.pk == session_id), None)
        try:
            note_services.integration_note_sign(actor=actor, patient=patient, amends=amends, **data)
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, "The integration note is signed.")
            return redirect("integration:tab", patient.pk)
    return _render_tab(request, patient, note_form=form, status=400)


@require_POST
@require(Perm.INTEGRATION_WRITE)
def plan_assign(request: HttpRequest, patient_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    patient = _patient(request, patient_id)
    form = PlanItemForm(request.POST, clinic_id=patient.clinic_id)
    if form.is_valid():
        try:
            item = plans.plan_item_assign(
                actor=actor,
                patient=patient,
                practice_id=form.cleaned_data["practice"].pk,
                frequency=form.cleaned_data["frequency"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, f"{item.practice.name} is in the plan.")
            return redirect("integration:tab", patient.pk)
    return _render_tab(request, patient, plan_form=form, status=400)


@require_POST
@require(Perm.INTEGRATION_WRITE)
def plan_end(request: HttpRequest, patient_id: int, item_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    patient = _patient(request, patient_id)
    item = (
        PlanItem.objects.select_related("practice", "patient")
        .filter(pk=item_id, patient=patient, ended_at__isnull=True)
        .first()
    )
    if item is None:
        deny(actor, Perm.INTEGRATION_WRITE, object_type="integration.planitem", object_id=item_id)
        raise Http404("No such practice in the plan")
    plans.plan_item_end(actor=actor, item=item)
    messages.success(request, f"{item.practice.name} is no longer in the plan.")
    return redirect("integration:tab", patient.pk)
