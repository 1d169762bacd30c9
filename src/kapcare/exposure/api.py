"""The exposure part of the JSON API: a patient's cumulative dose and bladder checks.

Every operation passes ``authorize()`` and obtains the patient through
``policy.get_patient``, so the API answers what the Exposure tab would, audited alike.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja import Status as Reply
from pydantic import ConfigDict, Field

from kapcare.accounts.policy import Perm, get_patient
from kapcare.api.access import authorize
from kapcare.audit.models import Action
from kapcare.clinical import bladder_check as checklist
from kapcare.exposure import services
from kapcare.exposure.models import BladderCheck
from kapcare.exposure.selectors import exposure_summary

router = Router(tags=["exposure"])

#: most bladder checks one list returns (newest first)
MAX_CHECKS = 200


class FindingOut(Schema):
    rule_id: str
    severity: str
    message: str
    action: str
    local_choice: bool


class SessionOut(Schema):
    session_id: int
    started_at: dt.datetime
    route: str
    mg: Decimal
    weight_kg: Decimal | None
    mg_per_kg: Decimal | None
    in_course: bool


class LimitsOut(Schema):
    """The clinic's own warning levels; null when the clinic has not set one."""

    week_mg: Decimal | None
    month_mg: Decimal | None
    course_mg: Decimal | None
    session_mg_per_kg: Decimal | None
    bladder_check_every_weeks: int | None
    bladder_check_every_sessions: int | None
    confirmed_at: dt.datetime | None


class BladderDueOut(Schema):
    status: str = Field(description="off, not_yet, due or overdue")
    reasons: list[str]
    due_on: dt.date | None
    sessions_since_check: int


class ExposureOut(Schema):
    at: dt.datetime
    week_from: dt.datetime
    week_mg: Decimal
    month_from: dt.datetime
    month_mg: Decimal
    course_from: dt.datetime | None
    course_mg: Decimal
    course_sessions: int
    findings: list[FindingOut]
    sessions: list[SessionOut]
    clinic_limits: LimitsOut
    bladder_check: BladderDueOut
    bladder_checks_to_review: list[int]


class BladderCheckOut(Schema):
    id: int
    patient_id: int
    checked_at: dt.datetime
    answers: dict[str, bool]
    notes: str
    needs_review: bool
    checklist_version: str
    recorded_by_id: int
    reviewed_at: dt.datetime | None
    review_note: str


class BladderCheckIn(Schema):
    model_config = ConfigDict(extra="forbid")

    answers: dict[str, bool] = Field(
        description="Every item, true for yes: " + ", ".join(checklist.KEYS)
    )
    notes: str = Field("", max_length=services.NOTES_MAX)
    checked_at: dt.datetime | None = Field(None, description="Default: now")


def _patient(actor: Any, patient_id: int, perm: Perm, audit: Action | None) -> Any:
    return get_patient(actor, patient_id, perm, audit=audit, object_type="exposure.exposure")


def _check_out(check: BladderCheck) -> dict[str, Any]:
    review = check.review if _has_review(check) else None
    return {
        "id": check.pk,
        "patient_id": check.patient_id,
        "checked_at": check.checked_at,
        "answers": check.answers,
        "notes": check.notes,
        "needs_review": check.needs_review,
        "checklist_version": check.checklist_version,
        "recorded_by_id": check.recorded_by_id,
        "reviewed_at": review.reviewed_at if review else None,
        "review_note": review.note if review else "",
    }


def _has_review(check: BladderCheck) -> bool:
    try:
        check.review  # noqa: B018 (reading the relation is the test)
    except BladderCheck.review.RelatedObjectDoesNotExist:
        return False
    return True


@router.get(
    "/patients/{patient_id}/exposure",
    response=ExposureOut,
    url_name="exposure",
    summary="A patient's cumulative ketamine dose, the clinic's warnings and the bladder check",
)
def read_exposure(request: HttpRequest, patient_id: int) -> dict[str, Any]:
    actor = authorize(request, Perm.PATIENT_CLINICAL)
    patient = _patient(actor, patient_id, Perm.PATIENT_CLINICAL, Action.VIEW)
    view = exposure_summary(patient)
    e, s = view.exposure, view.settings
    return {
        "at": e.now,
        "week_from": e.week_from,
        "week_mg": e.week_mg,
        "month_from": e.month_from,
        "month_mg": e.month_mg,
        "course_from": e.course_from,
        "course_mg": e.course_mg,
        "course_sessions": e.course_sessions,
        "findings": [
            {
                "rule_id": f.rule_id,
                "severity": f.severity.value,
                "message": f.message,
                "action": f.action,
                "local_choice": f.local_choice,
            }
            for f in e.findings
        ],
        "sessions": [
            {
                "session_id": r.session,
                "started_at": r.started_at,
                "route": r.route,
                "mg": r.mg,
                "weight_kg": r.weight_kg,
                "mg_per_kg": r.mg_per_kg,
                "in_course": r.in_course,
            }
            for r in e.sessions
        ],
        "clinic_limits": {
            "week_mg": s.week_mg_limit,
            "month_mg": s.month_mg_limit,
            "course_mg": s.course_mg_limit,
            "session_mg_per_kg": s.session_mg_per_kg_notice,
            "bladder_check_every_weeks": s.bladder_check_every_weeks,
            "bladder_check_every_sessions": s.bladder_check_every_sessions,
            "confirmed_at": s.confirmed_at,
        },
        "bladder_check": {
            "status": view.due.status.value,
            "reasons": list(view.due.reasons),
            "due_on": view.due.due_on,
            "sessions_since_check": view.due.sessions_since_check,
        },
        "bladder_checks_to_review": [c.pk for c in view.to_review],
    }


@router.get(
    "/patients/{patient_id}/bladder-checks",
    response=list[BladderCheckOut],
    url_name="bladder_checks",
    summary="A patient's bladder and urinary symptom checks, newest first",
)
def list_bladder_checks(request: HttpRequest, patient_id: int) -> list[dict[str, Any]]:
    actor = authorize(request, Perm.PATIENT_CLINICAL)
    patient = _patient(actor, patient_id, Perm.PATIENT_CLINICAL, Action.VIEW)
    checks = BladderCheck.objects.filter(patient=patient).select_related("review")[:MAX_CHECKS]
    return [_check_out(c) for c in checks]


@router.post(
    "/patients/{patient_id}/bladder-checks",
    response={201: BladderCheckOut},
    url_name="bladder_check_create",
    summary="Record a bladder and urinary symptom check (the clinic's screening checklist)",
)
def create_bladder_check(
    request: HttpRequest, patient_id: int, payload: BladderCheckIn
) -> Reply[dict[str, Any]]:
    actor = authorize(request, Perm.BLADDER_CHECK_RECORD)
    patient = _patient(actor, patient_id, Perm.BLADDER_CHECK_RECORD, None)
    check = services.bladder_check_record(
        actor=actor,
        patient=patient,
        answers=payload.answers,
        notes=payload.notes,
        checked_at=payload.checked_at,
    )
    return Reply(201, _check_out(check))
