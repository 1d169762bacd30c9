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


# The dosing API (kapcare/dosing/api.py) ------------------------------------------------
# The matrix sends no Idempotency-Key: a person the policy lets through gets 400 (counted
# as passing), everyone else 403/404 first. Overrides need step-up, which the matrix never has.


def jordan_order(w: Any) -> dict[str, Any]:
    from kapcare.dosing.models import DoseOrder

    session = _session(w)
    if not hasattr(w, "jordan_order"):
        w.jordan_order = DoseOrder.objects.create(
            session=session, dose_mg=40, ordered_by=w.users["prescriber"]
        )
    return {**jordan_session(w), "order_id": w.jordan_order.pk}


def _api_write(expected: dict[str, str], data: Any = None) -> Route:
    return Route(
        "POST",
        expected,
        kwargs=jordan_session,
        data=data or (lambda w: {"version": 1}),
        json_body=True,
    )


API_ROUTES: dict[str, Route] = {
    "api:dosing_sessions": Route("GET", SESSION, kwargs=jordan),
    "api:dosing_session": Route("GET", SESSION, kwargs=jordan_session),
    "api:dosing_session_open": Route(
        "POST", SESSION, kwargs=jordan_dosing_appointment, json_body=True
    ),
    "api:dosing_check_in": _api_write(SESSION),
    "api:dosing_ready": _api_write(SESSION),
    "api:dosing_start_dose": _api_write(SESSION),
    "api:dosing_end_dose": _api_write(SESSION),
    "api:dosing_abort": _api_write(SESSION, lambda w: {"version": 1, "reason": "x"}),
    "api:dosing_discharge": _api_write(
        SESSION,
        lambda w: {
            "version": 1,
            "escort_present": True,
            "no_driving_acknowledged": True,
            "steady_on_feet": True,
            "nausea_controlled": True,
        },
    ),
    "api:dosing_weight": _api_write(SESSION, lambda w: {"version": 1, "weight_kg": 80}),
    "api:dosing_questionnaire_waiver": _api_write(SESSION, lambda w: {"version": 1, "reason": "x"}),
    "api:dosing_vitals_accept": _api_write(
        outcomes(FORBIDDEN, anonymous=LOGIN), lambda w: {"version": 1, "reason": "x"}
    ),
    "api:dosing_vitals": _api_write(
        SESSION,
        lambda w: {
            "phase": "pre_dose",
            "systolic": 128,
            "diastolic": 80,
            "heart_rate": 70,
            "spo2": 98,
        },
    ),
    "api:dosing_order": _api_write(PRESCRIBER, lambda w: {}),
    "api:dosing_order_check": Route("POST", SESSION, kwargs=jordan_order, json_body=True),
    "api:dosing_administration": _api_write(
        SESSION,
        lambda w: {
            "checked_by_id": w.users["prescriber"].pk,
            "product": "Ketamine 10 mg/mL",
            "lot": "KX-1",
            "expiry": "2099-01-01",
            "site": "Left arm",
            "dose_mg": "40",
        },
    ),
}
