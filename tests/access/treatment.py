"""Access expectations for treatment plans, booking and the calendar."""

from __future__ import annotations

from typing import Any

from tests.access.common import (
    CEDAR_STAFF,
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

CLINICAL_CHART = outcomes(FORBIDDEN, anonymous=LOGIN, **each(CLINICAL, OK), other=NOT_FOUND)
PRESCRIBER_ONLY = outcomes(FORBIDDEN, anonymous=LOGIN, prescriber=OK)
#: booking: any staff member of the clinic; another clinic's staff find no such patient
BOOKING = outcomes(FORBIDDEN, anonymous=LOGIN, **each(CEDAR_STAFF, OK), other=NOT_FOUND)


def _draft(w: Any) -> Any:
    """A draft plan for Jordan (made on first use in each test)."""
    if not hasattr(w, "jordan_plan"):
        from kapcare.clinical.plans import load_templates
        from kapcare.treatment.models import TreatmentPlanRecord
        from kapcare.treatment.plan_data import plan_to_json

        w.jordan_plan = TreatmentPlanRecord.objects.create(
            clinic=w.cedar,
            patient=w.jordan,
            version=1,
            route="iv_racemic",
            indication="Depression",
            template_id="iv_racemic_induction",
            template_version="2026.1",
            content=plan_to_json(load_templates()["iv_racemic_induction"].plan),
            created_by=w.users["prescriber"],
        )
    return w.jordan_plan


def jordan_plan(w: Any) -> dict[str, Any]:
    return {"patient_id": w.jordan.pk, "plan_id": _draft(w).pk}


def _jordan_consultation(w: Any, days_from_now: int) -> dict[str, Any]:
    import datetime as dt

    from django.utils import timezone

    from kapcare.treatment.models import Appointment

    start = timezone.now() + dt.timedelta(days=days_from_now)
    appointment = Appointment.objects.create(
        clinic=w.cedar,
        patient=w.jordan,
        kind="consultation",
        start=start,
        end=start + dt.timedelta(hours=1),
        created_by=w.users["nurse"],
    )
    return {"patient_id": w.jordan.pk, "appointment_id": appointment.pk}


def jordan_appointment(w: Any) -> dict[str, Any]:
    return _jordan_consultation(w, days_from_now=3)


def jordan_past_appointment(w: Any) -> dict[str, Any]:
    """A consultation of Jordan's that ended yesterday, its attendance not yet recorded."""
    return _jordan_consultation(w, days_from_now=-1)


def jordan_dosing(w: Any) -> dict[str, Any]:
    """A dosing appointment of Jordan's, with its checklist."""
    import datetime as dt

    from django.utils import timezone

    from kapcare.treatment.models import Appointment
    from kapcare.treatment.preparation import checklist_create

    start = timezone.now() + dt.timedelta(days=4)
    appointment = Appointment.objects.create(
        clinic=w.cedar,
        patient=w.jordan,
        kind="dosing",
        start=start,
        end=start + dt.timedelta(hours=3),
        created_by=w.users["nurse"],
    )
    checklist_create(appointment)
    return {"patient_id": w.jordan.pk, "appointment_id": appointment.pk}


def own_dosing(w: Any) -> dict[str, Any]:
    return {"appointment_id": jordan_dosing(w)["appointment_id"]}


def appointment_only(w: Any) -> dict[str, Any]:
    return {"appointment_id": jordan_appointment(w)["appointment_id"]}


API_CLINICAL = outcomes(FORBIDDEN, anonymous=LOGIN, **each(CLINICAL, OK), other=NOT_FOUND)
API_PRESCRIBER = outcomes(FORBIDDEN, anonymous=LOGIN, prescriber=OK)
#: the patient's own checklist; clinicians of the clinic; nobody else
API_PREPARATION = outcomes(
    FORBIDDEN,
    anonymous=LOGIN,
    **each(CLINICAL, OK),
    patient=OK,
    patient2=NOT_FOUND,
    other=NOT_FOUND,
)

ROUTES: dict[str, Route] = {
    "treatment:plan": Route("GET", CLINICAL_CHART, kwargs=jordan),
    "treatment:plan_new": Route("GET", PRESCRIBER_ONLY, kwargs=jordan),
    "treatment:plan_sign": Route("POST", PRESCRIBER_ONLY, kwargs=jordan_plan),
    "treatment:plan_generate": Route("POST", BOOKING, kwargs=jordan_plan),
    "treatment:appointment_cancel": Route(
        "POST", BOOKING, kwargs=jordan_appointment, data=lambda w: {"reason": "matrix"}
    ),
    "treatment:appointment_attended": Route("POST", BOOKING, kwargs=jordan_past_appointment),
    "treatment:schedule_settings": Route("GET", outcomes(FORBIDDEN, anonymous=LOGIN, admin=OK)),
    "treatment:feed_settings": Route("GET", outcomes(OK, anonymous=LOGIN, support=FORBIDDEN)),
    "treatment:feed": Route("GET", outcomes(NOT_FOUND), kwargs=lambda w: {"token": "no-such-feed"}),
    "treatment:checklist": Route("GET", CLINICAL_CHART, kwargs=jordan_dosing),
    "treatment:preparation_note": Route(
        "POST", CLINICAL_CHART, kwargs=jordan, data=lambda w: {"expectations": "x"}
    ),
    "treatment:my_appointments": Route(
        "GET", outcomes(FORBIDDEN, anonymous=LOGIN, patient=OK, patient2=OK)
    ),
    # Jordan's checklist: Sam (another patient) finds nothing there
    "treatment:my_checklist": Route(
        "GET",
        outcomes(FORBIDDEN, anonymous=LOGIN, patient=OK, patient2=NOT_FOUND),
        kwargs=own_dosing,
    ),
    "treatment:reassessment": Route("GET", CLINICAL_CHART, kwargs=jordan),
    "treatment:appointment_new": Route("GET", BOOKING, kwargs=jordan),
    "treatment:appointment_move": Route("GET", BOOKING, kwargs=jordan_appointment),
    "treatment:plan_templates": Route("GET", PRESCRIBER_ONLY),
    "treatment:plan_template_edit": Route(
        "GET", PRESCRIBER_ONLY, kwargs=lambda w: {"template_id": "sublingual_kap"}
    ),
    "treatment:preparation_templates": Route("GET", PRESCRIBER_ONLY),
    "treatment:calendar": Route(
        "GET", outcomes(FORBIDDEN, anonymous=LOGIN, **each(CEDAR_STAFF, OK), other=OK)
    ),
    "api:plans": Route("GET", API_CLINICAL, kwargs=jordan),
    "api:plan_create": Route(
        "POST",
        API_PRESCRIBER,
        kwargs=jordan,
        data=lambda w: {"template_id": "iv_racemic_induction"},
        json_body=True,
    ),
    # the matrix client never confirmed a second factor: even the prescriber is refused here
    # (tests/treatment/test_treatment_api.py signs with a stepped-up session)
    "api:plan_sign": Route(
        "POST", outcomes(FORBIDDEN, anonymous=LOGIN), kwargs=jordan_plan, json_body=True
    ),
    "api:appointments": Route(
        "GET", outcomes(FORBIDDEN, anonymous=LOGIN, **each(CEDAR_STAFF, OK), other=OK)
    ),
    "api:appointment_book": Route(
        "POST",
        BOOKING,
        kwargs=jordan,
        data=lambda w: {
            "kind": "consultation",
            "start": "2030-01-07T16:00:00Z",
            "end": "2030-01-07T17:00:00Z",
        },
        json_body=True,
    ),
    "api:appointment_reschedule": Route(
        "POST",
        BOOKING,
        kwargs=appointment_only,
        data=lambda w: {"start": "2030-01-08T16:00:00Z", "end": "2030-01-08T17:00:00Z"},
        json_body=True,
    ),
    "api:appointment_cancel": Route(
        "POST", BOOKING, kwargs=appointment_only, data=lambda w: {"reason": "x"}, json_body=True
    ),
    "api:appointment_attended": Route(
        "POST",
        BOOKING,
        kwargs=lambda w: {"appointment_id": jordan_past_appointment(w)["appointment_id"]},
        json_body=True,
    ),
    "api:preparation": Route("GET", API_PREPARATION, kwargs=own_dosing),
    "api:preparation_complete": Route(
        "POST",
        outcomes(FORBIDDEN, anonymous=LOGIN, patient=OK, patient2=NOT_FOUND),
        kwargs=own_dosing,
        data=lambda w: {"confirmed": ["fasting"]},
        json_body=True,
    ),
}
