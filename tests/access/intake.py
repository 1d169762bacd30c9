"""Access expectations for intake, screening, eligibility decisions and consent."""

from __future__ import annotations

from typing import Any

from tests.access.common import (
    CLINICAL,
    FORBIDDEN,
    LOGIN,
    NOT_FOUND,
    OK,
    PATIENTS,
    Route,
    each,
    jordan,
    outcomes,
)

#: the portal: each patient reaches only their own intake and consent
PORTAL = outcomes(FORBIDDEN, anonymous=LOGIN, **each(PATIENTS, OK))
API_PORTAL = PORTAL
#: chart pages for clinicians; a clinician of another clinic finds no such patient
CLINICAL_CHART = outcomes(FORBIDDEN, anonymous=LOGIN, **each(CLINICAL, OK), other=NOT_FOUND)
#: screening and decisions: prescribers only
PRESCRIBER_ONLY = outcomes(FORBIDDEN, anonymous=LOGIN, prescriber=OK)


def jordan_signature(w: Any) -> Any:
    """A consent Jordan signed (made on first use in each test)."""
    from kapcare.intake.consent import document_for, text_sha256
    from kapcare.intake.models import ConsentSignature

    if not hasattr(w, "jordan_signature"):
        document = document_for(w.cedar)
        w.jordan_signature = ConsentSignature.objects.create(
            clinic=w.cedar,
            patient=w.jordan,
            document=document,
            document_sha256=text_sha256(document.body),
            typed_name="Jordan Rivera",
            agreed=True,
            signed_by=w.users["patient"],
        )
    return w.jordan_signature


def jordan_consent(w: Any) -> dict[str, Any]:
    return {"patient_id": w.jordan.pk, "signature_id": jordan_signature(w).pk}


ROUTES: dict[str, Route] = {
    "intake:portal": Route("GET", PORTAL),
    "intake:portal_submit": Route("POST", PORTAL),
    "intake:portal_save": Route(
        "POST",
        PORTAL,
        kwargs=lambda w: {"section": "concerns"},
        data=lambda w: {"concerns-primary_concerns": ["anxiety"]},
    ),
    "intake:portal_medication_add": Route("POST", PORTAL),
    "intake:portal_medication_remove": Route(
        "POST", PORTAL, kwargs=lambda w: {"item_id": "abc123"}
    ),
    "intake:portal_consent": Route("GET", PORTAL),
    "intake:portal_withdraw": Route("POST", PORTAL),
    # Jordan's own signature; for Sam it does not exist.
    "intake:portal_consent_pdf": Route(
        "GET",
        outcomes(FORBIDDEN, anonymous=LOGIN, patient=OK, patient2=NOT_FOUND),
        kwargs=lambda w: {"signature_id": jordan_signature(w).pk},
    ),
    "intake:review": Route("GET", CLINICAL_CHART, kwargs=jordan),
    "intake:staff_edit": Route("GET", CLINICAL_CHART, kwargs=jordan),
    "intake:staff_save": Route(
        "POST",
        CLINICAL_CHART,
        kwargs=lambda w: {"patient_id": w.jordan.pk, "section": "concerns"},
        data=lambda w: {"concerns-primary_concerns": ["anxiety"]},
    ),
    "intake:staff_medication_add": Route("POST", CLINICAL_CHART, kwargs=jordan),
    "intake:staff_medication_remove": Route(
        "POST", CLINICAL_CHART, kwargs=lambda w: {"patient_id": w.jordan.pk, "item_id": "abc123"}
    ),
    "intake:screen": Route(
        "POST", PRESCRIBER_ONLY, kwargs=jordan, data=lambda w: {"route": "iv_racemic"}
    ),
    "intake:decide": Route("POST", PRESCRIBER_ONLY, kwargs=jordan),
    "intake:countersign": Route("POST", CLINICAL_CHART, kwargs=jordan_consent),
    "intake:staff_withdraw": Route("POST", CLINICAL_CHART, kwargs=jordan_consent),
    "intake:staff_consent_pdf": Route("GET", CLINICAL_CHART, kwargs=jordan_consent),
    "intake:rules": Route("GET", outcomes(FORBIDDEN, anonymous=LOGIN, prescriber=OK)),
    "intake:consent_documents": Route(
        "GET", outcomes(FORBIDDEN, anonymous=LOGIN, admin=OK, prescriber=OK)
    ),
    # API
    "api:my_intake": Route("GET", API_PORTAL),
    "api:my_intake_section": Route(
        "PUT",
        API_PORTAL,
        kwargs=lambda w: {"section": "concerns"},
        data=lambda w: {"values": {"primary_concerns": ["anxiety"]}},
        json_body=True,
    ),
    "api:my_intake_medications": Route(
        "POST",
        API_PORTAL,
        data=lambda w: {
            "name": "Sertraline",
            "dose": 50,
            "unit": "mg",
            "frequency": "once_daily",
            "drug_class": "other",
        },
        json_body=True,
    ),
    "api:my_intake_submit": Route("POST", API_PORTAL),
    "api:patient_intake": Route("GET", CLINICAL_CHART, kwargs=jordan),
    "api:patient_intake_section": Route(
        "PUT",
        CLINICAL_CHART,
        kwargs=lambda w: {"patient_id": w.jordan.pk, "section": "concerns"},
        data=lambda w: {"values": {"primary_concerns": ["anxiety"]}},
        json_body=True,
    ),
    "api:patient_screen": Route(
        "POST",
        PRESCRIBER_ONLY,
        kwargs=jordan,
        data=lambda w: {"route": "iv_racemic"},
        json_body=True,
    ),
    "api:patient_decide": Route(
        "POST",
        PRESCRIBER_ONLY,
        kwargs=jordan,
        data=lambda w: {"screening_id": 0, "decision": "eligible"},
        json_body=True,
    ),
    "api:consent_documents": Route("GET", outcomes(OK, anonymous=LOGIN)),
    "api:my_consent_sign": Route(
        "POST",
        API_PORTAL,
        data=lambda w: {
            "document_id": 0,
            "document_sha256": "",
            "typed_name": "x",
            "agreed": True,
        },
        json_body=True,
    ),
}
