"""Access expectations for measures: questionnaires, scores, alerts, the worklist and the API.

Clinical staff see scores and alerts; admins see neither; patients see only their own
questionnaires and progress; another clinic's staff find nothing.
"""

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

#: Jordan's chart, clinical content: the clinic's clinicians only
CLINICAL_CHART = outcomes(FORBIDDEN, anonymous=LOGIN, **each(CLINICAL, OK), other=NOT_FOUND)
#: clinic-wide clinical pages: every clinician sees their own clinic's
CLINICAL_PAGE = outcomes(FORBIDDEN, anonymous=LOGIN, **each(CLINICAL, OK), other=OK)
#: Jordan's own questionnaire: Jordan only
OWN_QUESTIONNAIRE = outcomes(FORBIDDEN, anonymous=LOGIN, patient=OK, patient2=NOT_FOUND)


def _assignment(w: Any) -> Any:
    from tests.measures.helpers import assign

    return assign(w)


def _response(w: Any) -> Any:
    from tests.measures.helpers import phq9, submit

    return submit(w, phq9(0, 0, 0, 0, 0, 0, 0, 0, 1)).response


def jordan_assignment(w: Any) -> dict[str, Any]:
    return {"patient_id": w.jordan.pk, "assignment_id": _assignment(w).pk}


def jordan_response(w: Any) -> dict[str, Any]:
    return {"patient_id": w.jordan.pk, "response_id": _response(w).pk}


def own_assignment(w: Any) -> dict[str, Any]:
    return {"assignment_id": _assignment(w).pk}


def alert(w: Any) -> dict[str, Any]:
    return {"alert_id": _response(w).alerts.get().pk}


ROUTES: dict[str, Route] = {
    "measures:tab": Route("GET", CLINICAL_CHART, kwargs=jordan),
    "measures:assign": Route(
        "POST",
        CLINICAL_CHART,
        kwargs=jordan,
        data=lambda w: {"instrument": "phq9", "schedule": "baseline", "due_date": "2026-12-01"},
    ),
    "measures:cancel": Route("POST", CLINICAL_CHART, kwargs=jordan_assignment),
    "measures:enter": Route(
        "GET", CLINICAL_CHART, kwargs=lambda w: {"patient_id": w.jordan.pk, "instrument": "gad7"}
    ),
    "measures:response": Route("GET", CLINICAL_CHART, kwargs=jordan_response),
    "measures:correct": Route("GET", CLINICAL_CHART, kwargs=jordan_response),
    "measures:compare": Route("GET", CLINICAL_CHART, kwargs=jordan),
    "measures:alerts": Route("GET", CLINICAL_PAGE),
    "measures:acknowledge": Route(
        "POST", CLINICAL_CHART, kwargs=alert, data=lambda w: {"note": "Called the patient."}
    ),
    "measures:worklist": Route("GET", CLINICAL_PAGE),
    "measures:settings": Route(
        "GET", outcomes(FORBIDDEN, anonymous=LOGIN, admin=OK, prescriber=OK)
    ),
    "measures:questionnaire": Route("GET", OWN_QUESTIONNAIRE, kwargs=own_assignment),
    "measures:draft": Route(
        "POST", OWN_QUESTIONNAIRE, kwargs=own_assignment, data=lambda w: {"item-1": "2"}
    ),
    "measures:done": Route("GET", OWN_QUESTIONNAIRE, kwargs=own_assignment),
    "measures:progress": Route("GET", outcomes(FORBIDDEN, anonymous=LOGIN, **each(PATIENTS, OK))),
    "api:responses": Route("GET", CLINICAL_CHART, kwargs=jordan),
    "api:response_submit": Route(
        "POST",
        CLINICAL_CHART,
        kwargs=jordan,
        data=lambda w: {"instrument": "gad7", "answers": {str(i): 1 for i in range(1, 8)}},
        json_body=True,
    ),
    "api:scores": Route("GET", CLINICAL_CHART, kwargs=jordan),
    "api:alerts": Route("GET", CLINICAL_PAGE),
    "api:alert_acknowledge": Route(
        "POST",
        CLINICAL_CHART,
        kwargs=alert,
        data=lambda w: {"note": "Called the patient."},
        json_body=True,
    ),
}
