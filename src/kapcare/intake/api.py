"""The intake part of the JSON API: intake (patient and staff), screening, decisions, consent.

Section updates go through the same forms as the pages, so the API refuses
exactly what the pages refuse, with the same messages, as problem+json.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Router, Schema
from ninja import Status as Reply
from pydantic import Field

from kapcare.accounts.mfa import is_stepped_up
from kapcare.accounts.policy import Perm, get_patient
from kapcare.api.access import authorize
from kapcare.audit.models import Action
from kapcare.intake import consent, eligibility, selectors, services
from kapcare.intake.forms import MEDICATIONS, SECTIONS, MedicationForm
from kapcare.intake.models import ConsentDocument, Intake, ScreeningRun

router = Router(tags=["intake"])
OBJECT_TYPE = "intake.intake"


class IntakeOut(Schema):
    patient_id: int
    status: str
    version: int
    submitted_version: int | None
    data: dict[str, Any]
    updated_at: dt.datetime


class SectionIn(Schema):
    values: dict[str, Any] = Field(
        description="Field names of the section as on the form, e.g. {'systolic_bp': 124}."
    )
    version: int | None = Field(None, description="The intake version you read (optional).")


class MedicationIn(Schema):
    name: str
    dose: float
    unit: str
    frequency: str
    drug_class: str


class FindingOut(Schema):
    rule_id: str
    rule_version: str
    ruleset_version: str
    severity: str
    message: str
    action: str
    source_keys: list[str]
    source: str


class ScreeningIn(Schema):
    route: str


class ScreeningOut(Schema):
    id: int
    route: str
    ruleset_version: str
    intake_version: int
    run_at: dt.datetime
    findings: list[FindingOut]


class DecisionIn(Schema):
    screening_id: int
    decision: str
    notes: str = ""
    override_reason: str = ""


class DecisionOut(Schema):
    id: int
    decision: str
    notes: str
    overridden_rule_ids: list[str]
    override_reason: str
    ruleset_version: str
    screening_id: int
    supersedes_id: int | None
    decided_by_id: int
    decided_at: dt.datetime


class ConsentDocumentOut(Schema):
    id: int
    version: int
    title: str
    body: str
    sha256: str
    created_at: dt.datetime


class SignatureIn(Schema):
    document_id: int
    document_sha256: str
    typed_name: str
    agreed: bool


class SignatureOut(Schema):
    id: int
    document_id: int
    document_sha256: str
    typed_name: str
    signed_at: dt.datetime
    countersigned_at: dt.datetime | None
    withdrawn_at: dt.datetime | None


def _intake_out(intake: Intake) -> dict[str, Any]:
    return {
        "patient_id": intake.patient_id,
        "status": intake.status,
        "version": intake.version,
        "submitted_version": intake.submitted_version.number if intake.submitted_version else None,
        "data": intake.data,
        "updated_at": intake.updated_at,
    }


def _own(request: HttpRequest, audit: Action | None) -> Any:
    actor = authorize(request, Perm.PORTAL)
    return actor, get_patient(
        actor, actor.patient.pk, Perm.PORTAL, audit=audit, object_type=OBJECT_TYPE
    )


def _staff(request: HttpRequest, patient_id: int, perm: Perm, audit: Action | None) -> Any:
    actor = authorize(request, perm)
    return actor, get_patient(actor, patient_id, perm, audit=audit, object_type=OBJECT_TYPE)


def _save_section(actor: Any, patient: Any, section: str, payload: SectionIn) -> dict[str, Any]:
    intake = services.intake_get_or_create(actor=actor, patient=patient)
    if section == MEDICATIONS:
        values: dict[str, Any] = {"none": bool(payload.values.get("none"))}
    elif section in SECTIONS:
        form = SECTIONS[section](
            {f"{section}-{key}": value for key, value in payload.values.items()}, prefix=section
        )
        if not form.is_valid():
            raise ValidationError(
                {f"values.{name}": errors for name, errors in form.errors.items()}
            )
        values = form.to_data()
    else:
        raise ValidationError({"section": [f"Choose one of: {', '.join(SECTIONS)}, medications."]})
    try:
        services.intake_save_section(
            actor=actor,
            intake=intake,
            section=section,
            values=values,
            expected_version=payload.version,
        )
    except services.IntakeLocked as error:
        raise PermissionDenied(str(error)) from None
    except services.StaleIntake as error:
        from kapcare.patients.services import StaleRecord

        raise StaleRecord(str(error)) from None
    intake.refresh_from_db()
    return _intake_out(intake)


@router.get("/me/intake", response=IntakeOut, url_name="my_intake", summary="Read my intake")
def read_my_intake(request: HttpRequest) -> dict[str, Any]:
    actor, patient = _own(request, Action.VIEW)
    return _intake_out(services.intake_get_or_create(actor=actor, patient=patient))


@router.put(
    "/me/intake/sections/{section}",
    response=IntakeOut,
    url_name="my_intake_section",
    summary="Save one section of my intake",
)
def update_my_intake(request: HttpRequest, section: str, payload: SectionIn) -> dict[str, Any]:
    actor, patient = _own(request, None)
    return _save_section(actor, patient, section, payload)


@router.post(
    "/me/intake/medications",
    response={201: IntakeOut},
    url_name="my_intake_medications",
    summary="Add a medicine to my intake",
)
def add_my_medication(request: HttpRequest, payload: MedicationIn) -> Reply[dict[str, Any]]:
    actor, patient = _own(request, None)
    intake = services.intake_get_or_create(actor=actor, patient=patient)
    form = MedicationForm({f"med-{k}": v for k, v in payload.model_dump().items()}, prefix="med")
    if not form.is_valid():
        raise ValidationError(dict(form.errors.items()))
    try:
        services.intake_add_medication(actor=actor, intake=intake, cleaned=form.cleaned_data)
    except services.IntakeLocked as error:
        raise PermissionDenied(str(error)) from None
    intake.refresh_from_db()
    return Reply(201, _intake_out(intake))


@router.post(
    "/me/intake/submit", response=IntakeOut, url_name="my_intake_submit", summary="Send my intake"
)
def submit_my_intake(request: HttpRequest) -> dict[str, Any]:
    actor, patient = _own(request, None)
    intake = services.intake_get_or_create(actor=actor, patient=patient)
    try:
        services.intake_submit(actor=actor, intake=intake)
    except services.IntakeLocked as error:
        raise PermissionDenied(str(error)) from None
    intake.refresh_from_db()
    return _intake_out(intake)


@router.get(
    "/patients/{patient_id}/intake",
    response=IntakeOut,
    url_name="patient_intake",
    summary="Read a patient's intake",
)
def read_intake(request: HttpRequest, patient_id: int) -> dict[str, Any]:
    actor, patient = _staff(request, patient_id, Perm.PATIENT_CLINICAL, Action.VIEW)
    intake = selectors.intake_of(patient)
    if intake is None:
        intake = services.intake_get_or_create(actor=actor, patient=patient)
    return _intake_out(intake)


@router.put(
    "/patients/{patient_id}/intake/sections/{section}",
    response=IntakeOut,
    url_name="patient_intake_section",
    summary="Fill or correct one section of a patient's intake",
)
def update_intake(
    request: HttpRequest, patient_id: int, section: str, payload: SectionIn
) -> dict[str, Any]:
    actor, patient = _staff(request, patient_id, Perm.INTAKE_EDIT, None)
    return _save_section(actor, patient, section, payload)


def _screening_out(run: ScreeningRun) -> dict[str, Any]:
    return {
        "id": run.pk,
        "route": run.route,
        "ruleset_version": run.ruleset_version,
        "intake_version": run.intake_version.number,
        "run_at": run.run_at,
        "findings": list(run.findings.order_by("position").values(*FindingOut.model_fields)),
    }


@router.post(
    "/patients/{patient_id}/screenings",
    response={201: ScreeningOut},
    url_name="patient_screen",
    summary="Screen the intake against the rule set for a route",
)
def run_screening(
    request: HttpRequest, patient_id: int, payload: ScreeningIn
) -> Reply[dict[str, Any]]:
    actor, patient = _staff(request, patient_id, Perm.ELIGIBILITY_DECIDE, None)
    intake = selectors.intake_of(patient)
    if intake is None:
        raise ValidationError({"intake": ["Nothing has been entered in this intake yet."]})
    run = eligibility.screening_run(actor=actor, intake=intake, route=payload.route)
    return Reply(201, _screening_out(run))


@router.post(
    "/patients/{patient_id}/eligibility-decisions",
    response={201: DecisionOut},
    url_name="patient_decide",
    summary="Sign an eligibility decision",
    description="An override of a block finding needs a browser session that confirmed "
    "the second factor in the last few minutes; tokens cannot override.",
)
def record_decision(
    request: HttpRequest, patient_id: int, payload: DecisionIn
) -> Reply[dict[str, Any]]:
    actor, patient = _staff(request, patient_id, Perm.ELIGIBILITY_DECIDE, None)
    latest = selectors.latest_screening(patient)
    if latest is None or latest.pk != payload.screening_id:
        raise ValidationError(
            {"screening_id": ["Decide on the patient's latest screening; screen again if needed."]}
        )
    if payload.override_reason.strip() and not (
        hasattr(request, "session") and is_stepped_up(request)
    ):
        raise PermissionDenied(
            "An override needs step-up authentication: confirm your second factor in the browser."
        )
    decision = eligibility.decision_record(
        actor=actor,
        patient=patient,
        run=latest,
        decision=payload.decision,
        notes=payload.notes,
        override_reason=payload.override_reason,
    )
    return Reply(
        201,
        {
            **{name: getattr(decision, name) for name in DecisionOut.model_fields},
            "id": decision.pk,
        },
    )


@router.get(
    "/consent-documents",
    response=list[ConsentDocumentOut],
    url_name="consent_documents",
    summary="List the clinic's consent document versions, newest first",
)
def list_consent_documents(request: HttpRequest) -> list[ConsentDocument]:
    actor = authorize(request, Perm.SIGNED_IN)
    if actor.clinic is None:
        return []
    consent.document_for(actor.clinic)
    return list(ConsentDocument.objects.filter(clinic=actor.clinic).order_by("-version"))


@router.post(
    "/me/consent-signatures",
    response={201: SignatureOut},
    url_name="my_consent_sign",
    summary="Sign the current consent document",
)
def sign_consent(request: HttpRequest, payload: SignatureIn) -> Reply[Any]:
    actor, patient = _own(request, None)
    document = consent.document_for(patient.clinic)
    if payload.document_id != document.pk:
        raise ValidationError(
            {"document_id": [f"Sign the current version (id {document.pk}, v{document.version})."]}
        )
    signature = consent.consent_sign(
        actor=actor,
        patient=patient,
        document=document,
        typed_name=payload.typed_name,
        agreed=payload.agreed,
        shown_sha256=payload.document_sha256,
    )
    return Reply(201, signature)
