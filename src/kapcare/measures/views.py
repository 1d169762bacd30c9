"""Clinician pages in the patient's chart: the Measures tab, assigning, paper entry,
corrections, a response item by item, and the comparison of two responses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kapcare.accounts.policy import Perm, get_patient, has_perm, require
from kapcare.audit.models import Action
from kapcare.audit.services import record
from kapcare.clinical.instruments import DEFINITIONS, InvalidResponse, UnknownInstrumentError
from kapcare.clinical.instruments import get_definition as definition_of
from kapcare.core.paging import PagedList, asked_pages, page_links
from kapcare.measures import services
from kapcare.measures.access import assignment_of, response_of
from kapcare.measures.forms import (
    AssignmentForm,
    CorrectionForm,
    PaperEntryForm,
    error_summary,
    item_views,
    read_answers,
)
from kapcare.measures.models import AssignmentStatus
from kapcare.measures.selectors import alerts_of, bounded_history, dose_times, open_assignments_of
from kapcare.measures.summaries import InstrumentSummary, answer_text, compare, summarise
from kapcare.patients.views import chart_context, chart_queryset


def _patient(request: HttpRequest, patient_id: int, perm: Perm, *, audit: bool = True) -> Any:
    actor = request.actor  # type: ignore[attr-defined]
    return get_patient(
        actor,
        patient_id,
        perm,
        object_type="measures.questionnaireresponse",
        audit=Action.VIEW if audit else None,
        queryset=chart_queryset(actor),
    )


def _tab(
    request: HttpRequest, patient: Any, template: str, extra: dict[str, Any], status: int = 200
) -> HttpResponse:
    context = chart_context(request, patient, "measures")
    context.update(extra)
    return render(request, template, context, status=status)


@require_GET
@require(Perm.PATIENT_CLINICAL)
def measures_tab(request: HttpRequest, patient_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    patient = _patient(request, patient_id, Perm.PATIENT_CLINICAL)
    context = _tab_context(actor, patient, AssignmentForm(), request.GET)
    return _tab(request, patient, "measures/tab.html", context)


@dataclass(frozen=True)
class HistoryNav:
    """Links between the pages of one instrument's responses, and why a page was not shown."""

    newer: str
    older: str
    notice: str


#: each instrument's list of responses: its page parameter and the heading its links open at
HISTORY_LISTS = {key: PagedList(f"{key}_page", f"inst-{key}-h") for key in DEFINITIONS}


def _history_navs(
    summaries: list[InstrumentSummary],
    query: QueryDict,
    asked: dict[str, int],
    problems: dict[str, str],
) -> list[tuple[InstrumentSummary, HistoryNav]]:
    """Each summary with links to its newer and older responses (see ``paging.page_links``)."""
    links = page_links(query, HISTORY_LISTS, {s.definition.key: s.page for s in summaries})
    sections = []
    for s in summaries:
        key, page = s.definition.key, s.page
        notice = problems[key]
        if page.number < asked[key]:
            notice = (
                f"{s.definition.abbreviation} answers: there is no page {asked[key]}; "
                f"page {page.number}, the last, is shown."
            )
        nav = HistoryNav(newer=links[key].previous, older=links[key].next, notice=notice)
        sections.append((s, nav))
    return sections


def _tab_context(
    actor: Any, patient: Any, form: AssignmentForm, query: QueryDict | None = None
) -> dict[str, Any]:
    now = timezone.now()
    zone = ZoneInfo(patient.clinic.time_zone)
    query = query if query is not None else QueryDict()
    asked, problems = asked_pages(query, HISTORY_LISTS)
    histories = bounded_history(patient, pages=asked)
    summaries = summarise(histories, zone=zone, doses=dose_times(patient))
    return {
        "sections": _history_navs(summaries, query, asked, problems),
        "assignments": [(a, a.state_at(now)) for a in open_assignments_of(patient)],
        "alerts": list(alerts_of(patient)),
        "assign_form": form,
        "can_assign": has_perm(actor, Perm.MEASURES_ASSIGN),
        "can_enter": has_perm(actor, Perm.MEASURES_ENTER),
        "can_acknowledge": has_perm(actor, Perm.ALERT_ACKNOWLEDGE),
        "instruments": list(DEFINITIONS.values()),
    }


@require_POST
@require(Perm.MEASURES_ASSIGN)
def assign(request: HttpRequest, patient_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    patient = _patient(request, patient_id, Perm.MEASURES_ASSIGN, audit=False)
    form = AssignmentForm(request.POST)
    if form.is_valid():
        try:
            assignment = services.assignment_create(
                actor=actor,
                patient=patient,
                instrument=form.cleaned_data["instrument"],
                schedule=form.cleaned_data["schedule"],
                interval=form.cleaned_data.get("interval"),
                due_at=form.due_at(ZoneInfo(patient.clinic.time_zone)),
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            label = assignment.schedule_label.lower()
            messages.success(request, f"{assignment.definition.abbreviation} assigned ({label}).")
            return redirect("measures:tab", patient.pk)
    record(Action.VIEW, actor=actor, patient=patient, object_type="measures.questionnaireresponse")
    return _tab(
        request, patient, "measures/tab.html", _tab_context(actor, patient, form), status=400
    )


@require_POST
@require(Perm.MEASURES_ASSIGN)
def cancel_assignment(request: HttpRequest, patient_id: int, assignment_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    patient = _patient(request, patient_id, Perm.MEASURES_ASSIGN, audit=False)
    assignment = assignment_of(patient, assignment_id, actor, Perm.MEASURES_ASSIGN)
    try:
        services.assignment_cancel(actor=actor, assignment=assignment)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{assignment.definition.abbreviation} cancelled.")
    return redirect("measures:tab", patient.pk)


@require_http_methods(["GET", "POST"])
@require(Perm.MEASURES_ENTER)
def enter_paper(request: HttpRequest, patient_id: int, instrument: str) -> HttpResponse:
    """Staff type in a paper questionnaire on the patient's behalf (recorded as such)."""
    actor = request.actor  # type: ignore[attr-defined]
    patient = _patient(request, patient_id, Perm.MEASURES_ENTER, audit=request.method == "GET")
    try:
        definition = definition_of(instrument)
    except UnknownInstrumentError:
        raise Http404("No such questionnaire") from None
    assignment = None
    if request.GET.get("assignment"):
        assignment = assignment_of(patient, request.GET["assignment"], actor, Perm.MEASURES_ENTER)
        if assignment.instrument != definition.key or assignment.status != AssignmentStatus.OPEN:
            raise Http404("That questionnaire is not open")
    zone = ZoneInfo(patient.clinic.time_zone)
    form = PaperEntryForm(request.POST or None, initial={"answered_on": timezone.localdate()})
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    if request.method == "POST":
        values, errors = read_answers(definition, request.POST)
        if form.is_valid() and not errors:
            try:
                services.response_submit(
                    actor=actor,
                    patient=patient,
                    instrument=definition.key,
                    answers=values,
                    assignment=assignment,
                    on_behalf=True,
                    answered_at=form.answered_at(zone),
                )
            except InvalidResponse as exc:
                errors[exc.item or ""] = str(exc)
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            except services.AlreadyCompleted:
                messages.info(request, "This questionnaire had already been submitted.")
                return redirect("measures:tab", patient.pk)
            else:
                messages.success(request, f"Paper {definition.abbreviation} entered and scored.")
                return redirect("measures:tab", patient.pk)
    return _tab(
        request,
        patient,
        "measures/enter.html",
        {
            "definition": definition,
            "items": item_views(definition, values, errors),
            "errors": error_summary(definition, errors),
            "form": form,
            "assignment": assignment,
            "correcting": None,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@require(Perm.MEASURES_ENTER)
def correct(request: HttpRequest, patient_id: int, response_id: int) -> HttpResponse:
    """A correction is a new response pointing at the original, which stays as it was."""
    actor = request.actor  # type: ignore[attr-defined]
    patient = _patient(request, patient_id, Perm.MEASURES_ENTER, audit=request.method == "GET")
    original = response_of(patient, response_id, actor, Perm.MEASURES_ENTER)
    definition = original.definition
    form = CorrectionForm(request.POST or None)
    values: dict[str, Any] = dict(original.answers)
    errors: dict[str, str] = {}
    if request.method == "POST":
        values, errors = read_answers(definition, request.POST)
        if form.is_valid() and not errors:
            try:
                services.response_correct(
                    actor=actor,
                    original=original,
                    answers=values,
                    reason=form.cleaned_data["reason"],
                )
            except InvalidResponse as exc:
                errors[exc.item or ""] = str(exc)
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(request, f"Correction to the {definition.abbreviation} saved.")
                return redirect("measures:tab", patient.pk)
    return _tab(
        request,
        patient,
        "measures/enter.html",
        {
            "definition": definition,
            "items": item_views(definition, values, errors),
            "errors": error_summary(definition, errors),
            "form": form,
            "assignment": None,
            "correcting": original,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_GET
@require(Perm.PATIENT_CLINICAL)
def response_detail(request: HttpRequest, patient_id: int, response_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    patient = _patient(request, patient_id, Perm.PATIENT_CLINICAL, audit=False)
    response = response_of(patient, response_id, actor, Perm.PATIENT_CLINICAL)
    record(Action.VIEW, actor=actor, patient=patient, obj=response)
    definition = response.definition
    answers = [
        (item, answer_text(definition, item.key, response.answers.get(item.key)))
        for item in definition.items
    ]
    return _tab(
        request,
        patient,
        "measures/response.html",
        {
            "response": response,
            "definition": definition,
            "answers": answers,
            "corrections": list(response.corrections.select_related("entered_by")),
            "alerts": list(response.alerts.select_related("acknowledged_by")),
            "can_enter": has_perm(actor, Perm.MEASURES_ENTER),
        },
    )


@require_GET
@require(Perm.PATIENT_CLINICAL)
def compare_responses(request: HttpRequest, patient_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    patient = _patient(request, patient_id, Perm.PATIENT_CLINICAL, audit=False)
    if not (request.GET.get("first") and request.GET.get("second")):
        messages.error(request, "Choose two responses to compare.")
        return redirect("measures:tab", patient.pk)
    first = response_of(patient, request.GET.get("first"), actor, Perm.PATIENT_CLINICAL)
    second = response_of(patient, request.GET.get("second"), actor, Perm.PATIENT_CLINICAL)
    if first.instrument != second.instrument:
        messages.error(request, "Choose two responses to the same questionnaire to compare them.")
        return redirect("measures:tab", patient.pk)
    if (first.answered_at, first.pk) > (second.answered_at, second.pk):
        first, second = second, first
    record(
        Action.VIEW,
        actor=actor,
        patient=patient,
        object_type="measures.questionnaireresponse",
        object_id=f"{first.pk},{second.pk}",
    )
    return _tab(
        request,
        patient,
        "measures/compare.html",
        {
            "definition": first.definition,
            "first": first,
            "second": second,
            "rows": compare(first, second),
        },
    )
