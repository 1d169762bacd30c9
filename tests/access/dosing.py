"""Access expectations for the dosing session console."""

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

#: any clinician of the clinic runs the console; another clinic's staff find no such patient
SESSION = outcomes(FORBIDDEN, anonymous=LOGIN, **each(CLINICAL, OK), other=NOT_FOUND)
#: the matrix client never confirmed a second factor: accepting out-of-range vitals needs
#: step-up, so the prescriber is sent to confirm (a redirect, counted as passing the policy)
PRESCRIBER = outcomes(FORBIDDEN, anonymous=LOGIN, prescriber=OK)


def _session(w: Any) -> Any:
    if not hasattr(w, "jordan_session"):
        from tests.dosing.conftest import open_session

        w.jordan_session = open_session(w)
    return w.jordan_session


def jordan_session(w: Any) -> dict[str, Any]:
    return {"patient_id": w.jordan.pk, "session_id": _session(w).pk}


def jordan_dosing_appointment(w: Any) -> dict[str, Any]:
    return {"patient_id": w.jordan.pk, "appointment_id": _session(w).appointment_id}


def discharged_session(w: Any) -> dict[str, Any]:
    from tests.dosing.conftest import force_state, open_session

    session = force_state(open_session(w, w.sam), "discharged")
    return {"patient_id": w.sam.pk, "session_id": session.pk}


ROUTES: dict[str, Route] = {
    "dosing:board": Route(
        "GET", outcomes(FORBIDDEN, anonymous=LOGIN, **each(CLINICAL, OK), other=OK)
    ),
    "dosing:sessions": Route("GET", SESSION, kwargs=jordan),
    "dosing:session_open": Route("POST", SESSION, kwargs=jordan_dosing_appointment),
    "dosing:console": Route("GET", SESSION, kwargs=jordan_session),
    "dosing:session_action": Route(
        "POST",
        SESSION,
        kwargs=jordan_session,
        data=lambda w: {
            "action": "weight",
            "version": "1",
            "weight_kg": "80",
            "idempotency_key": "m",
        },
    ),
    "dosing:discharge": Route("GET", SESSION, kwargs=jordan_session),
    "dosing:summary": Route("GET", SESSION, kwargs=discharged_session),
    "dosing:vitals_accept": Route(
        "POST", PRESCRIBER, kwargs=jordan_session, data=lambda w: {"version": "1", "reason": "x"}
    ),
}
