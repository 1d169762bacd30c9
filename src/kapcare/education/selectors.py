"""Reads of the education library: which pages a clinic shows, and to whom."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from kapcare.education.models import Audience, EducationPage

AUDIENCES_FOR = {
    "patient": (Audience.PATIENT, Audience.BOTH),
    "support": (Audience.SUPPORT, Audience.BOTH),
}


def library_for(clinic_id: int, audience: str | None = None) -> list[EducationPage]:
    """The clinic's published pages: its own, plus our defaults it has not replaced (1 query)."""
    pages = EducationPage.objects.filter(
        Q(clinic__isnull=True) | Q(clinic_id=clinic_id), current__isnull=False
    ).select_related("current")
    if audience is not None:
        pages = pages.filter(audience__in=AUDIENCES_FOR[audience])
    rows = list(pages.order_by("position", "slug", "clinic_id"))
    own = {p.slug for p in rows if p.clinic_id is not None}
    return [p for p in rows if (p.clinic_id is not None or p.slug not in own) and p.is_published]


def page_for(clinic_id: int, slug: str, audience: str | None = None) -> EducationPage | None:
    return next((p for p in library_for(clinic_id, audience) if p.slug == slug), None)


def suggested(pages: list[EducationPage], status: str) -> list[EducationPage]:
    """Pages meant for the patient's journey stage now (pages with no stages are not pushed)."""
    return [p for p in pages if status in (p.stages or [])]


def receipts_by_page(user: Any, pages: list[EducationPage]) -> dict[int, Any]:
    from kapcare.education.models import ReadReceipt

    return {
        r.page_id: r for r in ReadReceipt.objects.filter(user=user, page__in=[p.pk for p in pages])
    }
