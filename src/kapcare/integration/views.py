"""The patient's journal in the portal: write (with drafts kept as they type), share, export."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kapcare.accounts.policy import Perm, deny, get_patient, journal_entries_for, require
from kapcare.audit.models import Action
from kapcare.audit.services import record
from kapcare.core.paging import PagedList, paged_list, requested_page
from kapcare.integration import services
from kapcare.integration.forms import JournalEntryForm
from kapcare.integration.models import Stage
from kapcare.integration.prompts import prompts_for, stage_for
from kapcare.integration.sessions import recent_sessions, session_day, session_label


def _patient(request: HttpRequest, audit: Action | None = Action.VIEW) -> Any:
    actor = request.actor  # type: ignore[attr-defined]
    return get_patient(
        actor, actor.patient.pk, Perm.PORTAL, audit=audit, object_type="integration.journal"
    )


def _apply(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _values(form: JournalEntryForm, sessions: list[Any]) -> dict[str, Any]:
    data = form.cleaned_data
    chosen = data.get("session")
    return {
        "body": data.get("body", ""),
        "mood": data.get("mood"),
        "tags": data.get("tags", ""),
        "stage": data.get("stage") or Stage.ANY_DAY,
        "prompt": data.get("prompt", ""),
        "session": next((s for s in sessions if s.pk == chosen), None),
    }


#: entries on one page of the journal: a patient may write daily for years
JOURNAL_PAGE_SIZE = 20
ENTRIES_LIST = PagedList("entries_page", "entries-h")


@require_GET
@require(Perm.PORTAL)
def journal(request: HttpRequest) -> HttpResponse:
    """The patient's own entries, newest first, a page at a time, each with its share form."""
    actor = request.actor  # type: ignore[attr-defined]
    patient = _patient(request, audit=None)  # audited below, naming the entries shown
    entries, entries_pages = paged_list(
        request.GET,
        ENTRIES_LIST,
        journal_entries_for(actor, patient)
        .filter(is_draft=False)
        .select_related("session__appointment", "session__clinic")
        .order_by("-created_at", "-id"),
        size=JOURNAL_PAGE_SIZE,
    )
    for entry in entries.rows:
        entry.session_label = session_label(entry.session) if entry.session else ""
    record(
        Action.VIEW,
        actor=actor,
        patient=patient,
        object_type="integration.journal",
        object_id=patient.pk,
        detail={"ids": [entry.pk for entry in entries.rows], "entries_page": entries.page.number},
    )
    draft = services.current_draft(patient)
    return render(
        request,
        "integration/journal.html",
        {
            "patient": patient,
            "entries": entries,
            "entries_pages": entries_pages,
            "draft": draft,
        },
    )


@require_http_methods(["GET", "POST"])
@require(Perm.PORTAL)
def journal_new(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    patient = _patient(request, audit=None if request.method == "POST" else Action.VIEW)
    draft = services.current_draft(patient)
    sessions = recent_sessions(patient)
    if request.method == "POST":
        form = JournalEntryForm(request.POST, sessions=sessions)
        if form.is_valid():
            try:
                services.journal_entry_save(
                    actor=actor, share=form.cleaned_data["share"], **_values(form, sessions)
                )
            except ValidationError as exc:
                _apply(form, exc)
            else:
                shared = form.cleaned_data["share"]
                messages.success(
                    request,
                    "Your entry is saved and shared with your care team."
                    if shared
                    else "Your entry is saved. Only you can see it.",
                )
                return redirect("integration:journal")
        stage = request.POST.get("stage") or Stage.ANY_DAY
    else:
        today = timezone.localdate()
        requested = request.GET.get("stage", "")
        if requested in Stage.values:
            stage = requested
        elif draft is not None:
            stage = draft.stage
        else:
            stage = stage_for(session_day(sessions[0]) if sessions else None, today)
        initial: dict[str, Any] = {"stage": stage}
        if draft is not None:
            initial.update(
                body=draft.body,
                mood=draft.mood,
                tags=", ".join(draft.tags),
                session=draft.session_id,
            )
        elif sessions and stage != Stage.ANY_DAY:
            initial["session"] = sessions[0].pk  # writing "after a session": the latest one
        form = JournalEntryForm(initial=initial, sessions=sessions)
    prompts = prompts_for(patient.clinic_id, stage)
    form.fields["prompt"].initial = prompts[0] if prompts else ""
    return render(
        request,
        "integration/journal_form.html",
        {
            "patient": patient,
            "form": form,
            "draft": draft,
            "stage": stage,
            "stages": Stage.choices,
            "prompts": prompts,
        },
        status=400 if form.errors else 200,
    )


@require_POST
@require(Perm.PORTAL)
def journal_draft(request: HttpRequest) -> HttpResponse:
    """Save what has been typed so far (htmx, as they type); answers with a short status."""
    actor = request.actor  # type: ignore[attr-defined]
    sessions = recent_sessions(actor.patient)
    form = JournalEntryForm(request.POST, sessions=sessions)
    saved_at = None
    problem = ""
    if form.is_valid():
        try:
            draft = services.journal_draft_save(actor=actor, **_values(form, sessions))
        except ValidationError as exc:
            problem = "; ".join(exc.messages)
        else:
            saved_at = draft.updated_at
    else:
        problem = "; ".join(f"{form.fields[f].label}: {e[0]}" for f, e in form.errors.items())
    return render(
        request,
        "integration/_draft_status.html",
        {"saved_at": saved_at, "problem": problem},
        status=200 if saved_at else 400,
    )


@require_POST
@require(Perm.PORTAL)
def journal_share(request: HttpRequest, entry_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    patient = _patient(request, audit=None)
    entry = journal_entries_for(actor, patient).filter(pk=entry_id, is_draft=False).first()
    if entry is None:
        deny(actor, Perm.PORTAL, object_type="integration.journalentry", object_id=entry_id)
        raise Http404("No such journal entry")
    share = request.POST.get("share") == "1"
    services.journal_entry_share(actor=actor, entry=entry, share=share)
    messages.success(
        request,
        "The entry is shared with your care team."
        if share
        else "The entry is private again; your care team no longer sees it.",
    )
    return redirect(_journal_page_url(request.POST.get("entries_page")))


def _journal_page_url(raw: str | None) -> str:
    """The journal page a share form was sent from. The form carries only a page number,
    never a URL, so nothing but the journal can be redirected to; the top of the page,
    where the confirmation is shown."""
    field = ENTRIES_LIST.field
    number, _ = requested_page(raw, field=field)
    journal_url = reverse("integration:journal")
    return f"{journal_url}?{field}={number}" if number > 1 else journal_url


@require_GET
@require(Perm.PORTAL)
def journal_export(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    _patient(request, audit=None)
    fmt = request.GET.get("format", "md")
    try:
        content, content_type, filename = services.journal_export(actor=actor, fmt=fmt)
    except ValidationError:
        return HttpResponse(
            "format: choose md (Markdown) or json.", status=400, content_type="text/plain"
        )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
