"""Access expectations for exposure: the chart tab, bladder checks, the settings and the API.

Any clinician reads exposure and records a bladder check; only a prescriber
reviews reported symptoms; admins and prescribers set the clinic's numbers;
patients and another clinic's staff see nothing.
"""

from __future__ import annotations

from typing import Any

from tests.access.common import (
    CLINICAL,
    FORBIDDEN,
    LOGIN,
    NOT_FOUND,
    OK,
    Route,
    each,
    jordan,
    outcomes,
)

#: Jordan's chart, clinical content: the clinic's clinicians only
CLINICAL_CHART = outcomes(FORBIDDEN, anonymous=LOGIN, **each(CLINICAL, OK), other=NOT_FOUND)
PRESCRIBER = outcomes(FORBIDDEN, anonymous=LOGIN, prescriber=OK)
SETTINGS = outcomes(FORBIDDEN, anonymous=LOGIN, admin=OK, prescriber=OK)
ANSWERS = {
    "frequency": False,
    "urgency": True,
    "painful_urination": False,
    "blood_in_urine": False,
    "bladder_pain": False,
    "incontinence": False,
}


def jordan_check(w: Any) -> dict[str, Any]:
    """A check of Jordan's that reported a symptom (made once per matrix run)."""
    if not hasattr(w, "jordan_bladder_check"):
        from kapcare.exposure.services import bladder_check_record
        from tests.dosing.conftest import actor_of

        w.jordan_bladder_check = bladder_check_record(
            actor=actor_of(w, "nurse"), patient=w.jordan, answers=ANSWERS
        )
    return {"patient_id": w.jordan.pk, "check_id": w.jordan_bladder_check.pk}


def _form(w: Any) -> dict[str, Any]:
    return {
        **{k: "yes" if v else "no" for k, v in ANSWERS.items()},
        "idempotency_key": "matrix",
    }


ROUTES: dict[str, Route] = {
    "exposure:tab": Route("GET", CLINICAL_CHART, kwargs=jordan),
    "exposure:bladder_check_create": Route("POST", CLINICAL_CHART, kwargs=jordan, data=_form),
    "exposure:bladder_check_review": Route(
        "POST", PRESCRIBER, kwargs=jordan_check, data=lambda w: {"note": "Urinalysis ordered."}
    ),
    "exposure:settings": Route("GET", SETTINGS),
    "api:exposure": Route("GET", CLINICAL_CHART, kwargs=jordan),
    "api:bladder_checks": Route("GET", CLINICAL_CHART, kwargs=jordan),
    "api:bladder_check_create": Route(
        "POST",
        CLINICAL_CHART,
        kwargs=jordan,
        data=lambda w: {"answers": ANSWERS},
        json_body=True,
    ),
}
