"""Writes to the education library (new versions, clinic copies) and read receipts."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kapcare.accounts.actors import Actor
from kapcare.audit.models import Action
from kapcare.audit.services import record
from kapcare.education.models import EducationPage, EducationPageVersion, ReadReceipt
from kapcare.education.rendering import render_markdown


@transaction.atomic
def education_page_revise(
    *,
    actor: Actor,
    page: EducationPage,
    title: str,
    body: str,
    summary: str = "",
    sources: str = "",
    stages: list[str] | None = None,
    audience: str | None = None,
) -> EducationPage:
    """Save a new version. Revising one of our defaults makes the clinic's own copy of it."""
    if actor.clinic is None:
        raise ValidationError("You are not working in a clinic.")
    if not title.strip():
        raise ValidationError({"title": ["Give the page a title."]})
    if not body.strip():
        raise ValidationError({"body": ["Write the page's text."]})
    if page.clinic_id is None:
        page = EducationPage.objects.create(
            clinic=actor.clinic,
            slug=page.slug,
            audience=audience or page.audience,
            stages=stages if stages is not None else page.stages,
            position=page.position,
        )
    else:
        page = EducationPage.objects.select_for_update().get(pk=page.pk)
        if stages is not None:
            page.stages = stages
        if audience is not None:
            page.audience = audience
    last = page.versions.order_by("-number").first()
    version = EducationPageVersion.objects.create(
        page=page,
        number=(last.number + 1) if last else 1,
        title=title.strip(),
        summary=summary.strip(),
        body=body,
        body_html=render_markdown(body),
        sources=sources.strip(),
        created_by=actor.user,
    )
    page.current = version
    page.save()
    record(
        Action.UPDATE,
        actor=actor,
        obj=page,
        detail={"version": version.number, "slug": page.slug},
    )
    return page


@transaction.atomic
def read_receipt_record(*, actor: Actor, page: EducationPage, patient: Any = None) -> None:
    """Note that this person opened the page's current version (first read is audited)."""
    if page.current is None:
        return
    receipt, created = ReadReceipt.objects.get_or_create(
        page=page, user=actor.user, defaults={"version": page.current, "patient": patient}
    )
    if not created:
        receipt.version = page.current
        receipt.last_read_at = timezone.now()
        receipt.save(update_fields=["version", "last_read_at"])
        return
    record(
        Action.CREATE,
        actor=actor,
        patient=patient,
        obj=receipt,
        detail={"slug": page.slug, "version": page.current.number},
    )
