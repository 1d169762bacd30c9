"""The JSON API under /api/v1/: typed, paginated, problem+json errors, one access policy."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, reverse
from django.utils import timezone
from ninja import NinjaAPI, Query, Schema
from ninja import Status as Reply
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import Field

from kapcare.accounts.policy import Perm, get_patient
from kapcare.accounts.selectors import active_memberships
from kapcare.api.access import authorize
from kapcare.api.auth import API_AUTH
from kapcare.api.problems import (
    PROBLEM_CONTENT_TYPE,
    field_errors_from_django,
    field_errors_from_ninja,
    problem_response,
)
from kapcare.api.schemas import (
    MeOut,
    PatientDetailOut,
    PatientIn,
    PatientPage,
    PatientPatch,
)
from kapcare.audit.models import Action
from kapcare.audit.services import record
from kapcare.controlled.api import router as stock_router
from kapcare.dosing.api import router as dosing_router
from kapcare.dosing.observations_api import router as dosing_observations_router
from kapcare.exposure.api import router as exposure_router
from kapcare.intake.api import router as intake_router
from kapcare.integration.api import router as integration_router
from kapcare.measures.api import router as measures_router
from kapcare.patients import services
from kapcare.patients.models import Patient, Status
from kapcare.patients.selectors import care_team_prefetch, patient_search
from kapcare.treatment.api import router as treatment_router


class KapcareAPI(NinjaAPI):
    """NinjaAPI whose "method not allowed" answers are problem documents like every other error."""

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        urls = super()._get_urls()
        for pattern in urls:
            if isinstance(pattern, URLPattern):
                pattern.callback = _method_not_allowed_as_problem(pattern.callback)
        return urls


def _method_not_allowed_as_problem(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    @functools.wraps(view)  # keeps csrf_exempt and the other markers ninja sets
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and response.get("Content-Type", "") != PROBLEM_CONTENT_TYPE:
            allowed = response.get("Allow", "")
            problem = problem_response(
                request,
                405,
                HTTPStatus.METHOD_NOT_ALLOWED.phrase,
                f"{request.method} is not allowed here; allowed: {allowed}.",
            )
            problem["Allow"] = allowed
            return problem
        return response

    return wrapper


api = KapcareAPI(
    title="kapcare API",
    version="1",
    description=(
        "Patients and (as features land) questionnaires, plans and sessions. "
        "Authenticate with the browser session or a personal access token "
        "(`Authorization: Bearer kc_…`). Errors are RFC 9457 problem+json."
    ),
    auth=API_AUTH,
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


# Errors ---------------------------------------------------------------------


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return problem_response(
        request,
        422,
        "Invalid request",
        "One or more fields are not valid.",
        errors=field_errors_from_ninja(list(exc.errors)),
    )


@api.exception_handler(ValidationError)
def on_model_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = (
        field_errors_from_django(exc.message_dict)
        if hasattr(exc, "error_dict")
        else [{"field": "body", "message": m} for m in exc.messages]
    )
    return problem_response(
        request, 422, "Invalid request", "One or more fields are not valid.", errors=errors
    )


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = problem_response(
        request,
        401,
        "Authentication required",
        "Sign in, or send a valid personal access token as 'Authorization: Bearer kc_…'.",
    )
    response["WWW-Authenticate"] = 'Bearer realm="kapcare"'
    return response


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem_response(
        request, 404, "Not found", str(exc) or "There is nothing at this address."
    )


@api.exception_handler(PermissionDenied)
def on_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return problem_response(request, 403, "Forbidden", str(exc) or "Your role does not allow this.")


@api.exception_handler(services.StaleRecord)
def on_conflict(request: HttpRequest, exc: services.StaleRecord) -> HttpResponse:
    return problem_response(
        request, 409, "Conflict", f"{exc} Read the record again and re-apply your change."
    )


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    detail = str(exc)
    if exc.status_code == 400 and detail.startswith("Cannot parse request body"):
        detail = (
            "The request body is not valid JSON; "
            "send a JSON object with Content-Type: application/json."
        )
    return problem_response(request, exc.status_code, HTTPStatus(exc.status_code).phrase, detail)


# Me -------------------------------------------------------------------------


@api.get("/me", response=MeOut, url_name="me", tags=["me"], summary="Who am I")
def me(request: HttpRequest) -> dict[str, Any]:
    actor = authorize(request, Perm.SIGNED_IN)
    user = request.user
    clinic = actor.clinic
    return {
        "id": user.pk,
        "email": user.email,  # type: ignore[union-attr]
        "full_name": user.full_name,  # type: ignore[union-attr]
        "kind": user.kind,  # type: ignore[union-attr]
        "clinic": {"id": clinic.pk, "name": clinic.name, "time_zone": clinic.time_zone}
        if clinic
        else None,
        "role": actor.role,
        "memberships": [
            {
                "clinic": {
                    "id": m.clinic.pk,
                    "name": m.clinic.name,
                    "time_zone": m.clinic.time_zone,
                },
                "role": m.role,
            }
            for m in active_memberships(user)
        ],
        "patient_id": actor.patient.pk if actor.patient else None,
    }


# Patients ---------------------------------------------------------------------


class PatientFilters(Schema):
    q: str = Field("", max_length=100, description="Part of a name, or a full MRN")
    status: Status | None = None
    mine: bool = False
    limit: int = Field(25, ge=1, le=settings.KAPCARE_API_MAX_PAGE_SIZE)
    offset: int = Field(0, ge=0)


@api.get(
    "/patients",
    response=PatientPage,
    url_name="patients",
    tags=["patients"],
    summary="List or search patients",
)
def list_patients(request: HttpRequest, filters: Query[PatientFilters]) -> dict[str, Any]:
    actor = authorize(request, Perm.PATIENT_LIST)
    patients = patient_search(actor, q=filters.q, status=filters.status or "", mine=filters.mine)
    count = patients.count()
    items = list(patients[filters.offset : filters.offset + filters.limit])
    record(
        Action.LIST,
        actor=actor,
        object_type="patients.patient",
        detail={"ids": [p.pk for p in items], "api": True},
    )
    return {"items": items, "count": count, "limit": filters.limit, "offset": filters.offset}


def _detail(patient: Patient) -> dict[str, Any]:
    data = {
        name: getattr(patient, name)
        for name in PatientDetailOut.model_fields
        if name != "care_team"
    }
    data["care_team"] = [
        {
            "user_id": m.membership.user_id,
            "full_name": m.membership.user.full_name,
            "team_role": m.team_role,
        }
        for m in patient.care_team.all()
    ]
    return data


def _patient_for(
    request: HttpRequest, actor: Any, patient_id: int, perm: Perm, audit: Action | None
) -> Patient:
    from kapcare.accounts.policy import patients_for

    patient: Patient = get_patient(
        actor,
        patient_id,
        perm,
        audit=audit,
        queryset=patients_for(actor).prefetch_related(care_team_prefetch()),
    )
    return patient


@api.post(
    "/patients",
    response={201: PatientDetailOut},
    url_name="patient_create",
    tags=["patients"],
    summary="Register a patient",
)
def create_patient(
    request: HttpRequest, payload: PatientIn, response: HttpResponse
) -> Reply[dict[str, Any]]:
    actor = authorize(request, Perm.PATIENT_CREATE)
    data = payload.model_dump()
    data["email"] = data["email"] or ""
    data["sex_at_birth"] = data["sex_at_birth"] or ""
    data["mrn"] = data["mrn"].upper()
    patient = services.patient_create(actor=actor, **data)
    response["Location"] = reverse("api:patient", args=[patient.pk])
    return Reply(
        201, _detail(Patient.objects.prefetch_related(care_team_prefetch()).get(pk=patient.pk))
    )


@api.get(
    "/patients/{patient_id}",
    response=PatientDetailOut,
    url_name="patient",
    tags=["patients"],
    summary="Read a patient",
)
def read_patient(request: HttpRequest, patient_id: int) -> dict[str, Any]:
    actor = authorize(request, Perm.PATIENT_DEMOGRAPHICS)
    return _detail(_patient_for(request, actor, patient_id, Perm.PATIENT_DEMOGRAPHICS, Action.VIEW))


@api.patch(
    "/patients/{patient_id}",
    response=PatientDetailOut,
    url_name="patient_update",
    tags=["patients"],
    summary="Change a patient's details",
)
def update_patient(request: HttpRequest, patient_id: int, payload: PatientPatch) -> dict[str, Any]:
    actor = authorize(request, Perm.PATIENT_EDIT)
    patient = _patient_for(request, actor, patient_id, Perm.PATIENT_EDIT, None)
    changes = payload.model_dump(exclude_unset=True)
    version = changes.pop("version")
    for key in ("email", "sex_at_birth"):
        if key in changes and changes[key] is None:
            changes[key] = ""
    if changes.get("mrn"):
        changes["mrn"] = changes["mrn"].upper()
    none_fields = [k for k, v in changes.items() if v is None]
    if none_fields:
        raise ValidationError(
            {k: ["cannot be null; send a value or leave the field out"] for k in none_fields}
        )
    services.patient_update(actor=actor, patient=patient, expected_version=version, **changes)
    return _detail(Patient.objects.prefetch_related(care_team_prefetch()).get(pk=patient.pk))


# Features ---------------------------------------------------------------------

api.add_router("", measures_router)
api.add_router("", intake_router)
api.add_router("", integration_router)
api.add_router("", treatment_router)
api.add_router("", stock_router)
api.add_router("", dosing_router)
api.add_router("", dosing_observations_router)
api.add_router("", exposure_router)

__all__ = ["api", "dt", "timezone"]
