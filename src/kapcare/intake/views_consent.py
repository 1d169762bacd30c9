"""Consent pages: the patient reads and signs in the portal; staff countersign; the PDF copy."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kapcare.accounts.policy import Perm, deny, get_patient, require
from kapcare.audit.models import Action
from kapcare.audit.services import record
from kapcare.intake import consent, pdf, selectors
from kapcare.intake.models import ConsentDocument, ConsentSignature

OBJECT_TYPE = "intake.consentsignature"


class SignForm(forms.Form):
    document_sha256 = forms.CharField(widget=forms.HiddenInput, max_length=64)
    agreed = forms.BooleanField(
        label="I have read this document and I agree to ketamine-assisted psychotherapy",
        error_messages={"required": "Tick the box to say you agree."},
    )
    typed_name = forms.CharField(
        label="Type your full legal name to sign",
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Reason (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DocumentForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200)
    body = forms.CharField(
        label="Text (Markdown)",
        widget=forms.Textarea(attrs={"rows": 24}),
        max_length=50_000,
        help_text="Headings with ##, lists with -, emphasis with **bold**. HTML is removed.",
    )


def _own_patient(request: HttpRequest, audit: Action | None) -> Any:
    actor = request.actor  # type: ignore[attr-defined]
    return get_patient(actor, actor.patient.pk, Perm.PORTAL, audit=audit, object_type=OBJECT_TYPE)


@require_http_methods(["GET", "POST"])
@require(Perm.PORTAL)
def portal_consent(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    patient = _own_patient(request, Action.VIEW if request.method == "GET" else None)
    document = consent.document_for(patient.clinic)
    status = selectors.consent_status(patient)
    form = SignForm(request.POST or None, initial={"document_sha256": document.sha256})
    if request.method == "POST" and form.is_valid():
        try:
            consent.consent_sign(
                actor=actor,
                patient=patient,
                document=document,
                typed_name=form.cleaned_data["typed_name"],
                agreed=form.cleaned_data["agreed"],
                shown_sha256=form.cleaned_data["document_sha256"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(
                request, "Thank you. Your signed consent has been sent to your care team."
            )
            return redirect("intake:portal_consent")
    signed = (
        status.signature if status.signature and status.signature.withdrawn_at is None else None
    )
    return render(
        request,
        "intake/consent_portal.html",
        {
            "patient": patient,
            "document": document,
            "body": consent.render_markdown(document.body),
            "form": form,
            "signed": signed if signed and signed.document_id == document.pk else None,
            "status": status,
            "withdraw_form": WithdrawForm(),
        },
        status=400 if form.errors else 200,
    )


@require_POST
@require(Perm.PORTAL)
def portal_withdraw(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    patient = _own_patient(request, None)
    signature = selectors.consent_status(patient).signature
    form = WithdrawForm(request.POST)
    if signature is None or not form.is_valid():
        messages.error(request, "There is no signed consent to withdraw.")
    else:
        try:
            consent.consent_withdraw(
                actor=actor, signature=signature, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Your consent is withdrawn. Your care team has been told.")
    return redirect("intake:portal_consent")


def _pdf_response(request: HttpRequest, signature: ConsentSignature) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    record(
        Action.EXPORT,
        actor=actor,
        patient=signature.patient,
        obj=signature,
        detail={"format": "pdf"},
    )
    response = HttpResponse(pdf.consent_pdf(signature), content_type="application/pdf")
    name = f"consent-{signature.patient.mrn}-v{signature.document.version}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
@require(Perm.PORTAL)
def portal_consent_pdf(request: HttpRequest, signature_id: int) -> HttpResponse:
    patient = _own_patient(request, None)
    signature = _signature(request.actor, patient, signature_id)  # type: ignore[attr-defined]
    return _pdf_response(request, signature)


def _signature(actor: Any, patient: Any, signature_id: int) -> ConsentSignature:
    signature = (
        ConsentSignature.objects.filter(patient=patient, pk=signature_id)
        .select_related("document", "patient__clinic", "clinic", "countersigned_by", "signed_by")
        .first()
    )
    if signature is None:
        deny(actor, "consent.read", object_type=OBJECT_TYPE, object_id=signature_id)
        raise Http404("No such consent")
    return signature


def _staff_patient(request: HttpRequest, patient_id: int, perm: Perm) -> Any:
    actor = request.actor  # type: ignore[attr-defined]
    return get_patient(actor, patient_id, perm, audit=None, object_type=OBJECT_TYPE)


@require_POST
@require(Perm.CONSENT_COUNTERSIGN)
def countersign(request: HttpRequest, patient_id: int, signature_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    patient = _staff_patient(request, patient_id, Perm.CONSENT_COUNTERSIGN)
    signature = _signature(request.actor, patient, signature_id)  # type: ignore[attr-defined]
    try:
        consent.consent_countersign(actor=actor, signature=signature)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Consent countersigned.")
    return redirect("intake:review", patient.pk)


@require_POST
@require(Perm.CONSENT_COUNTERSIGN)
def staff_withdraw(request: HttpRequest, patient_id: int, signature_id: int) -> HttpResponse:
    """A clinician records a withdrawal the patient gave in person or by phone."""
    actor = request.actor  # type: ignore[attr-defined]
    patient = _staff_patient(request, patient_id, Perm.CONSENT_COUNTERSIGN)
    signature = _signature(request.actor, patient, signature_id)  # type: ignore[attr-defined]
    form = WithdrawForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    if not reason.strip():
        messages.error(request, "Reason: write how and when the patient withdrew consent.")
        return redirect("intake:review", patient.pk)
    try:
        consent.consent_withdraw(actor=actor, signature=signature, reason=reason)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Withdrawal of consent recorded.")
    return redirect("intake:review", patient.pk)


@require_GET
@require(Perm.PATIENT_CLINICAL)
def staff_consent_pdf(request: HttpRequest, patient_id: int, signature_id: int) -> HttpResponse:
    patient = _staff_patient(request, patient_id, Perm.PATIENT_CLINICAL)
    return _pdf_response(request, _signature(request.actor, patient, signature_id))  # type: ignore[attr-defined]


@require_http_methods(["GET", "POST"])
@require(Perm.CONSENT_MANAGE)
def documents(request: HttpRequest) -> HttpResponse:
    """The clinic's consent versions; publishing a new one asks every patient to sign again."""
    actor = request.actor  # type: ignore[attr-defined]
    clinic = actor.clinic
    current = consent.current_document(clinic)
    form = DocumentForm(
        request.POST or None,
        initial={
            "title": current.title if current else consent.DEFAULT_TITLE,
            "body": current.body if current else consent.default_consent_text(),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            document = consent.consent_document_publish(
                actor=actor, clinic=clinic, **form.cleaned_data
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, f"Version {document.version} published.")
            return redirect("intake:consent_documents")
    return render(
        request,
        "intake/consent_documents.html",
        {
            "documents": ConsentDocument.objects.filter(clinic=clinic).select_related("created_by"),
            "form": form,
            "preview": consent.render_markdown(current.body) if current else None,
        },
        status=400 if form.errors else 200,
    )
