"""Education pages in the JSON API, for patients (the same pages and receipts as the portal)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Schema

from kapcare.accounts.policy import Perm, deny, get_patient
from kapcare.api.access import authorize
from kapcare.education import selectors, services

router = Router(tags=["education"])


class PageSummaryOut(Schema):
    slug: str
    title: str
    summary: str
    version: int
    suggested_now: bool
    read: bool


class PageOut(Schema):
    slug: str
    title: str
    summary: str
    version: int
    html: str
    sources: str
    updated_at: dt.datetime


@router.get(
    "/education/pages",
    response=list[PageSummaryOut],
    url_name="education_pages",
    summary="My education pages",
)
def pages(request: HttpRequest) -> list[dict[str, Any]]:
    actor = authorize(request, Perm.PORTAL)
    patient = get_patient(actor, actor.patient.pk, Perm.PORTAL, audit=None)
    found = selectors.library_for(patient.clinic_id, "patient")
    now = {p.pk for p in selectors.suggested(found, patient.status)}
    read = selectors.receipts_by_page(actor.user, found)
    return [
        {
            "slug": p.slug,
            "title": p.current.title,
            "summary": p.current.summary,
            "version": p.current.number,
            "suggested_now": p.pk in now,
            "read": p.pk in read,
        }
        for p in found
        if p.current is not None
    ]


@router.get(
    "/education/pages/{slug}",
    response=PageOut,
    url_name="education_page",
    summary="Read a page (records a read receipt)",
)
def page(request: HttpRequest, slug: str) -> dict[str, Any]:
    actor = authorize(request, Perm.PORTAL)
    patient = get_patient(actor, actor.patient.pk, Perm.PORTAL, audit=None)
    found = selectors.page_for(patient.clinic_id, slug, "patient")
    if found is None or found.current is None:
        deny(actor, Perm.PORTAL, object_type="education.educationpage", object_id=slug)
        raise Http404("No such page")
    services.read_receipt_record(actor=actor, page=found, patient=patient)
    v = found.current
    return {
        "slug": found.slug,
        "title": v.title,
        "summary": v.summary,
        "version": v.number,
        "html": v.body_html,
        "sources": v.sources,
        "updated_at": v.created_at,
    }
