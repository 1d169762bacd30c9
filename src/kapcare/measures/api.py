"""The measures part of the JSON API: responses, scores and safety alerts.

Every operation passes ``authorize()`` and obtains the patient through
``policy.get_patient`` (or an alert through ``access.get_alert``), so the API
answers exactly what the pages would, and each read or write is audited.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja import Status as Reply
from ninja.errors import HttpError
from pydantic import ConfigDict, Field

from kapcare.accounts.policy import Perm, get_patient
from kapcare.api.access import authorize
from kapcare.audit.models import Action
from kapcare.audit.services import record
from kapcare.clinical.instruments import InvalidResponse
from kapcare.measures import alerts as alert_services
from kapcare.measures import services
from kapcare.measures.access import alerts_for, assignment_of, get_alert
from kapcare.measures.models import AlertStatus, QuestionnaireResponse, SafetyAlert
from kapcare.measures.scoring import change_since_baseline
from kapcare.measures.selectors import (
    current_responses,
    first_of_each_instrument,
    responses_of,
)

router = Router(tags=["measures"])

PAGE_MAX = settings.KAPCARE_API_MAX_PAGE_SIZE


class ResponseOut(Schema):
    id: int
    patient_id: int
    instrument: str
    definition_version: str
    answers: dict[str, Any]
    total: float | None
    band: str
    subscales: dict[str, int]
    flags: list[str]
    entered_on_behalf: bool
    entered_by_id: int
    answered_at: dt.datetime
    submitted_at: dt.datetime
    corrects_id: int | None
    superseded: bool
    assignment_id: int | None


class ResponsePage(Schema):
    items: list[ResponseOut]
    count: int
    limit: int
    offset: int


class ResponseIn(Schema):
    model_config = ConfigDict(extra="forbid")

    instrument: str = Field(description="phq9, gad7, pcl5, peg, daily_checkin, …")
    answers: dict[str, Any] = Field(
        description='Item key to value, e.g. {"1": 0, "2": 1, …, "difficulty": 1}'
    )
    assignment_id: int | None = Field(None, description="The questionnaire this completes")
    answered_at: dt.datetime | None = Field(None, description="When the patient answered")


class AlertOut(Schema):
    id: int
    patient_id: int
    response_id: int
    kind: str
    priority: str
    status: str
    detail: str
    created_at: dt.datetime
    escalated_at: dt.datetime | None
    acknowledged_by_id: int | None
    acknowledged_at: dt.datetime | None
    acknowledgement_note: str


class SubmittedOut(Schema):
    response: ResponseOut
    alerts: list[AlertOut]


class ScoreOut(Schema):
    response_id: int
    instrument: str
    answered_at: dt.datetime
    score: float | None
    band: str
    flags: list[str]
    baseline_response_id: int | None
    change_from_baseline: float | None
    percent_change: float | None
    response: bool | None
    remission: bool | None
    meaningful_improvement: bool | None
    meaningful_worsening: bool | None


class AcknowledgeIn(Schema):
    model_config = ConfigDict(extra="forbid")

    note: str = Field(min_length=1, max_length=4000, description="What was done")


class Paging(Schema):
    limit: int = Field(25, ge=1, le=PAGE_MAX)
    offset: int = Field(0, ge=0)


class AlertFilters(Paging):
    status: AlertStatus | None = None


def _response_out(response: QuestionnaireResponse) -> dict[str, Any]:
    return {
        **{
            name: getattr(response, name)
            for name in ResponseOut.model_fields
            if name != "superseded"
        },
        "superseded": bool(getattr(response, "superseded", False)),
    }


def _alert_out(alert: SafetyAlert) -> dict[str, Any]:
    data = {name: getattr(alert, name) for name in AlertOut.model_fields}
    data["priority"] = alert.get_priority_display().lower()
    return data


def _patient(actor: Any, patient_id: int, perm: Perm, audit: Action | None = Action.VIEW) -> Any:
    return get_patient(
        actor, patient_id, perm, audit=audit, object_type="measures.questionnaireresponse"
    )


@router.get(
    "/patients/{patient_id}/responses",
    response=ResponsePage,
    url_name="responses",
    summary="List a patient's questionnaire responses, oldest first",
)
def list_responses(request: HttpRequest, patient_id: int, paging: Query[Paging]) -> dict[str, Any]:
    actor = authorize(request, Perm.PATIENT_CLINICAL)
    patient = _patient(actor, patient_id, Perm.PATIENT_CLINICAL)
    responses = responses_of(patient)
    items = list(responses[paging.offset : paging.offset + paging.limit])
    return {
        "items": [_response_out(r) for r in items],
        "count": responses.count(),
        "limit": paging.limit,
        "offset": paging.offset,
    }


@router.post(
    "/patients/{patient_id}/responses",
    response={201: SubmittedOut},
    url_name="response_submit",
    summary="Submit a questionnaire response (entered by staff on the patient's behalf)",
)
def submit_response(
    request: HttpRequest, patient_id: int, payload: ResponseIn
) -> Reply[dict[str, Any]]:
    actor = authorize(request, Perm.MEASURES_ENTER)
    patient = _patient(actor, patient_id, Perm.MEASURES_ENTER, audit=None)
    assignment = (
        assignment_of(patient, payload.assignment_id, actor, Perm.MEASURES_ENTER)
        if payload.assignment_id is not None
        else None
    )
    try:
        submitted = services.response_submit(
            actor=actor,
            patient=patient,
            instrument=payload.instrument,
            answers=payload.answers,
            assignment=assignment,
            on_behalf=True,
            answered_at=payload.answered_at,
        )
    except InvalidResponse as exc:
        raise ValidationError(
            {f"answers.{exc.item}" if exc.item else "answers": [str(exc)]}
        ) from None
    except services.AlreadyCompleted:
        raise ValidationError(
            {"assignment_id": ["This questionnaire was already submitted."]}
        ) from None
    return Reply(
        201,
        {
            "response": _response_out(submitted.response),
            "alerts": [_alert_out(a) for a in submitted.alerts],
        },
    )


class ScorePage(Schema):
    items: list[ScoreOut]
    count: int
    limit: int
    offset: int


@router.get(
    "/patients/{patient_id}/scores",
    response=ScorePage,
    url_name="scores",
    summary="A patient's scores with change from baseline, oldest first (corrected ones left out)",
)
def list_scores(request: HttpRequest, patient_id: int, paging: Query[Paging]) -> dict[str, Any]:
    actor = authorize(request, Perm.PATIENT_CLINICAL)
    patient = _patient(actor, patient_id, Perm.PATIENT_CLINICAL)
    # Paged like every list: years of daily check-ins must not come back in one reply.
    scored = current_responses(
        QuestionnaireResponse.objects.filter(
            patient=patient, clinic_id=patient.clinic_id, total__isnull=False
        )
    ).order_by("answered_at", "id")
    page = list(scored[paging.offset : paging.offset + paging.limit])
    baselines = first_of_each_instrument(scored, {r.instrument for r in page})
    items = []
    for response in page:
        baseline = baselines[response.instrument]
        change = (
            change_since_baseline(response.instrument, baseline.score, response.score)
            if baseline.pk != response.pk
            else None
        )
        items.append(
            {
                "response_id": response.pk,
                "instrument": response.instrument,
                "answered_at": response.answered_at,
                "score": response.score,
                "band": response.band,
                "flags": response.flags,
                "baseline_response_id": baseline.pk,
                "change_from_baseline": change.difference if change else None,
                "percent_change": change.percent_change if change else None,
                "response": change.response if change else None,
                "remission": change.remission if change else None,
                "meaningful_improvement": change.meaningful_improvement if change else None,
                "meaningful_worsening": change.meaningful_worsening if change else None,
            }
        )
    return {"items": items, "count": scored.count(), "limit": paging.limit, "offset": paging.offset}


@router.get(
    "/alerts",
    response=list[AlertOut],
    url_name="alerts",
    summary="Safety alerts of the clinic, open and most urgent first",
)
def list_alerts(request: HttpRequest, filters: Query[AlertFilters]) -> list[dict[str, Any]]:
    actor = authorize(request, Perm.PATIENT_CLINICAL)
    alerts = alerts_for(actor).order_by("status", "priority", "created_at", "id")
    if filters.status:
        alerts = alerts.filter(status=filters.status)
    items = list(alerts[filters.offset : filters.offset + filters.limit])
    record(
        Action.LIST,
        actor=actor,
        object_type="measures.safetyalert",
        detail={"ids": [a.pk for a in items], "api": True},
    )
    return [_alert_out(a) for a in items]


@router.post(
    "/alerts/{alert_id}/acknowledge",
    response=AlertOut,
    url_name="alert_acknowledge",
    summary="Acknowledge an open alert with a note of what was done",
)
def acknowledge_alert(
    request: HttpRequest, alert_id: int, payload: AcknowledgeIn
) -> dict[str, Any]:
    actor = authorize(request, Perm.ALERT_ACKNOWLEDGE)
    alert = get_alert(actor, alert_id, Perm.ALERT_ACKNOWLEDGE)
    try:
        closed = alert_services.acknowledge(actor=actor, alert=alert, note=payload.note)
    except alert_services.AlreadyAcknowledged as exc:
        raise HttpError(409, " ".join(exc.messages)) from None
    return _alert_out(closed)
