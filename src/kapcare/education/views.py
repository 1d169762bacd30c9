"""Education pages for patients and support persons, the clinic's editor, and read receipts."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from kapcare.accounts.policy import Perm, deny, get_patient, require, support_links_for
from kapcare.audit.models import Action
from kapcare.education import selectors, services
from kapcare.education.forms import PageForm
from kapcare.education.models import EducationPage, ReadReceipt
from kapcare.patients.views import chart_context, chart_queryset


def _own_patient(request: HttpRequest) -> Any:
    actor = request.actor  # type: ignore[attr-defined]
    return get_patient(actor, actor.patient.pk, Perm.PORTAL, audit=None)


@require_GET
@require(Perm.PORTAL)
def library(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    patient = _own_patient(request)
    pages = selectors.library_for(patient.clinic_id, "patient")
    return render(
        request,
        "education/library.html",
        {
            "suggested": selectors.suggested(pages, patient.status),
            "pages": pages,
            "read": selectors.receipts_by_page(actor.user, pages),
            "page_url": "education:page",
        },
    )


def _not_found(actor: Any, perm: Perm, slug: str) -> Http404:
    deny(actor, perm, object_type="education.educationpage", object_id=slug)
    return Http404("No such page")


@require_GET
@require(Perm.PORTAL)
def page(request: HttpRequest, slug: str) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    patient = _own_patient(request)
    found = selectors.page_for(patient.clinic_id, slug, "patient")
    if found is None:
        raise _not_found(actor, Perm.PORTAL, slug)
    services.read_receipt_record(actor=actor, page=found, patient=patient)
    return render(
        request,
        "education/page.html",
        {"page": found, "version": found.current, "back": "education:library"},
    )


def _support_clinic(request: HttpRequest) -> int:
    """The clinic whose pages the support person may read: one that granted education."""
    actor = request.actor  # type: ignore[attr-defined]
    link = (
        support_links_for(actor)
        .filter(can_see_education=True)
        .select_related("patient")
        .order_by("created_at")
        .first()
    )
    if link is None:
        deny(actor, Perm.SUPPORT_AREA, object_type="education.library", object_id="support")
        raise Http404("Nothing has been shared with you")
    return int(link.patient.clinic_id)


@require_GET
@require(Perm.SUPPORT_AREA)
def support_library(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    pages = selectors.library_for(_support_clinic(request), "support")
    return render(
        request,
        "education/library.html",
        {
            "suggested": [],
            "pages": pages,
            "read": selectors.receipts_by_page(actor.user, pages),
            "page_url": "education:support_page",
        },
    )


@require_GET
@require(Perm.SUPPORT_AREA)
def support_page(request: HttpRequest, slug: str) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    found = selectors.page_for(_support_clinic(request), slug, "support")
    if found is None:
        raise _not_found(actor, Perm.SUPPORT_AREA, slug)
    services.read_receipt_record(actor=actor, page=found)
    return render(
        request,
        "education/page.html",
        {"page": found, "version": found.current, "back": "education:support_library"},
    )


@require_GET
@require(Perm.EDUCATION_EDIT)
def manage(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    return render(
        request, "education/manage.html", {"pages": selectors.library_for(actor.clinic.pk)}
    )


@require_http_methods(["GET", "POST"])
@require(Perm.EDUCATION_EDIT)
def edit(request: HttpRequest, slug: str) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    found: EducationPage | None = selectors.page_for(actor.clinic.pk, slug)
    if found is None or found.current is None:
        raise _not_found(actor, Perm.EDUCATION_EDIT, slug)
    current = found.current
    form = PageForm(
        request.POST or None,
        initial={
            "title": current.title,
            "summary": current.summary,
            "body": current.body,
            "sources": current.sources,
            "audience": found.audience,
            "stages": found.stages,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            revised = services.education_page_revise(actor=actor, page=found, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            assert revised.current is not None
            messages.success(request, f"Saved as version {revised.current.number}.")
            return redirect("education:manage")
    versions = list(found.versions.select_related("created_by").order_by("-number"))
    return render(
        request,
        "education/edit.html",
        {"page": found, "form": form, "versions": versions},
        status=400 if form.errors else 200,
    )


@require_GET
@require(Perm.PATIENT_CLINICAL)
def tab(request: HttpRequest, patient_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    patient = get_patient(
        actor,
        patient_id,
        Perm.PATIENT_CLINICAL,
        audit=Action.VIEW,
        object_type="education.readreceipt",
        queryset=chart_queryset(actor),
    )
    context = chart_context(request, patient, "education")
    pages = selectors.library_for(patient.clinic_id, "patient")
    receipts = {
        r.page_id: r for r in ReadReceipt.objects.filter(patient=patient).select_related("version")
    }
    context["rows"] = [(p, receipts.get(p.pk)) for p in pages]
    context["suggested"] = {p.pk for p in selectors.suggested(pages, patient.status)}
    return render(request, "education/tab.html", context)
