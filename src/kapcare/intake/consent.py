"""Informed consent: versioned documents, the patient's signature, countersignature, withdrawal.

A signature stores the SHA-256 of the exact Markdown the patient was shown, so
anyone can later prove which words were agreed to. Documents are Markdown
rendered with markdown-it (raw HTML off) and then cleaned with nh3.
"""

from __future__ import annotations

import hashlib
from importlib import resources

import nh3
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

from kapcare.accounts.actors import Actor
from kapcare.accounts.models import Clinic
from kapcare.audit.models import Action
from kapcare.audit.services import record
from kapcare.core import request_context
from kapcare.intake.models import ConsentDocument, ConsentSignature
from kapcare.patients.models import Patient

DEFAULT_TITLE = "Consent to ketamine-assisted psychotherapy"
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False})
#: no images: the PDF renderer fetches nothing, and a consent needs only words
_TAGS = nh3.ALLOWED_TAGS - {"img"}


def render_markdown(text: str) -> SafeString:
    """Markdown to HTML that is safe to show: raw HTML is escaped, then nh3 strips the rest."""
    html = nh3.clean(_markdown.render(text), tags=_TAGS, url_schemes={"https", "mailto"})
    return mark_safe(html)  # noqa: S308 - sanitised by nh3 just above


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def default_consent_text() -> str:
    return (
        resources.files("kapcare.intake")
        .joinpath("consent_texts/default-kap-consent.md")
        .read_text(encoding="utf-8")
    )


def current_document(clinic: Clinic) -> ConsentDocument | None:
    return ConsentDocument.objects.filter(clinic=clinic).order_by("-version").first()


@transaction.atomic
def consent_document_publish(
    *, actor: Actor | None, clinic: Clinic, title: str, body: str
) -> ConsentDocument:
    """Publish a new version; earlier signatures keep pointing at the version they signed."""
    title, body = title.strip(), body.strip() + "\n"
    errors = {}
    if not title:
        errors["title"] = ["Give the document a title."]
    if len(body.strip()) < 200:
        errors["body"] = ["The consent text must be at least 200 characters long."]
    if errors:
        raise ValidationError(errors)
    latest = ConsentDocument.objects.select_for_update().filter(clinic=clinic).first()
    document = ConsentDocument.objects.create(
        clinic=clinic,
        version=(latest.version + 1) if latest else 1,
        title=title,
        body=body,
        sha256=text_sha256(body),
        created_by=actor.user if actor else None,
    )
    record(
        Action.CREATE,
        actor=actor,
        clinic=clinic,
        obj=document,
        detail={"version": document.version, "sha256": document.sha256},
    )
    return document


def document_for(clinic: Clinic) -> ConsentDocument:
    """The clinic's current document, installing kapcare's default text the first time."""
    return current_document(clinic) or consent_document_publish(
        actor=None, clinic=clinic, title=DEFAULT_TITLE, body=default_consent_text()
    )


def _normal(name: str) -> str:
    return " ".join(name.casefold().split())


@transaction.atomic
def consent_sign(
    *,
    actor: Actor,
    patient: Patient,
    document: ConsentDocument,
    typed_name: str,
    agreed: bool,
    shown_sha256: str,
) -> ConsentSignature:
    """Record the patient's signature of exactly the text they were shown."""
    errors: dict[str, list[str]] = {}
    if document.clinic_id != patient.clinic_id:
        errors["document"] = ["That document belongs to another clinic."]
    if shown_sha256 != document.sha256 or text_sha256(document.body) != document.sha256:
        errors["document"] = ["The document changed while you were reading it; read it again."]
    if _normal(typed_name) != _normal(patient.legal_name):
        errors["typed_name"] = [f"Type your full legal name exactly: {patient.legal_name}."]
    if agreed is not True:
        errors["agreed"] = ["Tick the box to say you agree."]
    if errors:
        raise ValidationError(errors)
    signature = ConsentSignature.objects.create(
        clinic=patient.clinic,
        patient=patient,
        document=document,
        document_sha256=document.sha256,
        typed_name=typed_name.strip(),
        agreed=True,
        signed_by=actor.user,
        ip=request_context.current().ip,
    )
    record(
        Action.CREATE,
        actor=actor,
        patient=patient,
        obj=signature,
        detail={"document_version": document.version, "sha256": document.sha256},
    )
    return signature


@transaction.atomic
def consent_countersign(*, actor: Actor, signature: ConsentSignature) -> ConsentSignature:
    now = timezone.now()
    done = ConsentSignature.objects.filter(
        pk=signature.pk, countersigned_at__isnull=True, withdrawn_at__isnull=True
    ).update(countersigned_by=actor.user, countersigned_at=now)
    if not done:
        raise ValidationError(
            {"signature": ["This consent is already countersigned or has been withdrawn."]}
        )
    signature.countersigned_by, signature.countersigned_at = actor.user, now
    record(
        Action.UPDATE,
        actor=actor,
        patient=signature.patient,
        obj=signature,
        detail={"countersigned": True},
    )
    return signature


@transaction.atomic
def consent_withdraw(
    *, actor: Actor, signature: ConsentSignature, reason: str = ""
) -> ConsentSignature:
    """Record that the patient withdrew consent (told the portal, or a clinician)."""
    now = timezone.now()
    done = ConsentSignature.objects.filter(pk=signature.pk, withdrawn_at__isnull=True).update(
        withdrawn_at=now, withdrawn_by=actor.user, withdrawal_reason=reason.strip()
    )
    if not done:
        raise ValidationError({"signature": ["This consent has already been withdrawn."]})
    signature.withdrawn_at, signature.withdrawn_by = now, actor.user
    signature.withdrawal_reason = reason.strip()
    record(
        Action.REVOKE,
        actor=actor,
        patient=signature.patient,
        obj=signature,
        detail={"withdrawn": True},
    )
    return signature
