"""Access expectations for the in-session record: pages, REMS, dosing settings and the API."""

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
    outcomes,
)
from tests.access.dosing import SESSION, jordan_session

#: admin and prescriber change dosing settings; a therapist elsewhere has no such right either
SETTINGS = outcomes(FORBIDDEN, anonymous=LOGIN, admin=OK, prescriber=OK)
#: the list of forms to file: any clinician, each sees only their own clinic's sessions
CLINIC_LIST = outcomes(FORBIDDEN, anonymous=LOGIN, **each(CLINICAL, OK), other=OK)
#: the therapist's note: therapist and prescriber write it; a nurse may not
NOTE = outcomes(FORBIDDEN, anonymous=LOGIN, prescriber=OK, therapist=OK, other=NOT_FOUND)


def esketamine_session(w: Any) -> dict[str, Any]:
    if not hasattr(w, "sam_esketamine"):
        from tests.dosing.conftest import force_state, open_session

        w.sam_esketamine = force_state(
            open_session(w, w.sam, template="esketamine_label_induction"), "discharged"
        )
    return {"patient_id": w.sam.pk, "session_id": w.sam_esketamine.pk}


def jordan_event(w: Any) -> dict[str, Any]:
    from kapcare.dosing.models import AdverseEvent

    kwargs = jordan_session(w)
    if not hasattr(w, "jordan_event"):
        from django.utils import timezone

        w.jordan_event = AdverseEvent.objects.create(
            session_id=kwargs["session_id"],
            onset_at=timezone.now(),
            description="Vomited",
            severity="mild",
            action_taken="Reassurance",
            outcome="ongoing",
            recorded_by=w.users["nurse"],
        )
    return {**kwargs, "event_id": w.jordan_event.pk}


def jordan_administration(w: Any) -> dict[str, Any]:
    """A real administration: an unknown id would answer 404 even to those the policy lets in."""
    from kapcare.dosing.models import Administration, DoseOrder

    kwargs = jordan_session(w)
    if not hasattr(w, "jordan_given"):
        import datetime as dt

        from django.utils import timezone

        order = DoseOrder.objects.create(
            session_id=kwargs["session_id"], dose_mg=40, ordered_by=w.users["prescriber"]
        )
        w.jordan_given = Administration.objects.create(
            session_id=kwargs["session_id"],
            order=order,
            product="Ketamine",
            lot="L",
            expiry=timezone.localdate() + dt.timedelta(days=30),
            route="iv_racemic",
            site="Arm",
            dose_mg=40,
            started_at=timezone.now(),
            given_by=w.users["nurse"],
            checked_by=w.users["prescriber"],
        )
    return {**kwargs, "administration_id": w.jordan_given.pk}


def _api(expected: dict[str, str], kwargs: Any = jordan_session, data: Any = None) -> Route:
    return Route("POST", expected, kwargs=kwargs, data=data or (lambda w: {}), json_body=True)


ROUTES: dict[str, Route] = {
    "dosing:settings": Route("GET", SETTINGS),
    "dosing:rems_forms": Route("GET", CLINIC_LIST),
    "dosing:rems_session": Route("GET", SESSION, kwargs=esketamine_session),
    "dosing:rems_file": Route(
        "POST",
        SESSION,
        kwargs=esketamine_session,
        data=lambda w: {"filed_on": "2020-01-01", "reference": "", "idempotency_key": "m"},
    ),
    "api:dosing_session_record": Route("GET", SESSION, kwargs=jordan_session),
    # bodies are valid, so the policy (not the schema) decides who gets through; no
    # Idempotency-Key is sent, so those it lets through get 400 (counted as passing)
    "api:dosing_observation_create": _api(SESSION, data=lambda w: {"moaas": 4}),
    "api:dosing_intervention_create": _api(SESSION, data=lambda w: {"category": "reassurance"}),
    "api:dosing_adverse_event_create": _api(
        SESSION,
        data=lambda w: {
            "description": "x",
            "severity": "mild",
            "action_taken": "x",
            "outcome": "ongoing",
        },
    ),
    "api:dosing_adverse_event_follow_up": _api(
        SESSION, kwargs=jordan_event, data=lambda w: {"outcome": "resolved"}
    ),
    "api:dosing_therapist_note_create": _api(NOTE, data=lambda w: {"text": "x"}),
    "api:dosing_infusion_event_create": _api(
        SESSION, kwargs=jordan_administration, data=lambda w: {"kind": "pause", "reason": "x"}
    ),
}
