"""Access expectations for the foundation's routes (accounts, patients, audit, portal, API)."""

from __future__ import annotations

from tests.access.common import (
    CEDAR_STAFF,
    CHART,
    CLINICAL,
    FORBIDDEN,
    LOGIN,
    NOT_FOUND,
    OK,
    PAGE_STAFF,
    PATIENTS,
    Route,
    each,
    jordan,
    jordan_member,
    outcomes,
    prescriber_token,
)

NEW_PATIENT = {
    "mrn": "KC-9000",
    "given_name": "Ada",
    "family_name": "Quinn",
    "date_of_birth": "1990-01-01",
}

ROUTES: dict[str, Route] = {
    "home": Route("GET", outcomes(OK, anonymous=LOGIN)),
    "healthz": Route("GET", outcomes(OK)),
    "clinic_setup": Route("GET", PAGE_STAFF),
    "login": Route("GET", outcomes(OK)),
    # Signing out ends at the sign-in page, whoever you were.
    "logout": Route("POST", outcomes(LOGIN)),
    "mfa_setup": Route("GET", outcomes(OK, anonymous=LOGIN)),
    "mfa_verify": Route("GET", outcomes(OK, anonymous=LOGIN)),
    "mfa_recovery_codes": Route("GET", outcomes(OK, anonymous=LOGIN)),
    "mfa_step_up": Route("GET", outcomes(OK, anonymous=LOGIN)),
    "session_status": Route("GET", outcomes(OK)),
    "session_keepalive": Route("POST", outcomes(OK, anonymous=LOGIN)),
    "password_reset": Route("GET", outcomes(OK)),
    "password_reset_done": Route("GET", outcomes(OK)),
    "password_reset_confirm": Route(
        "GET", outcomes(OK), kwargs=lambda w: {"uidb64": "MQ", "token": "bad-token"}
    ),
    "password_reset_complete": Route("GET", outcomes(OK)),
    "accounts:security": Route("GET", outcomes(OK, anonymous=LOGIN)),
    # Only people with an authenticator app have recovery codes to regenerate.
    "accounts:regenerate_codes": Route(
        "POST",
        outcomes(OK, anonymous=LOGIN, patient=FORBIDDEN, patient2=FORBIDDEN, support=FORBIDDEN),
    ),
    "accounts:token_create": Route(
        "POST", outcomes(FORBIDDEN, anonymous=LOGIN, **each(CEDAR_STAFF, OK), other=OK)
    ),
    # The owner and their clinic's admin may revoke a token; for everyone else it does not exist.
    "accounts:token_revoke": Route(
        "POST",
        outcomes(NOT_FOUND, anonymous=LOGIN, prescriber=OK, admin=OK),
        kwargs=prescriber_token,
    ),
    "accounts:switch_clinic": Route(
        "POST",
        outcomes(FORBIDDEN, anonymous=LOGIN, **each(CEDAR_STAFF, OK), other=NOT_FOUND),
        data=lambda w: {"clinic": w.cedar.pk},
    ),
    "accounts:clinic_tokens": Route("GET", outcomes(FORBIDDEN, anonymous=LOGIN, admin=OK)),
    "accounts:staff": Route("GET", outcomes(FORBIDDEN, anonymous=LOGIN, admin=OK)),
    "accounts:clinic_settings": Route("GET", outcomes(FORBIDDEN, anonymous=LOGIN, admin=OK)),
    "accounts:invitation_revoke": Route(
        "POST",
        outcomes(FORBIDDEN, anonymous=LOGIN, admin=OK),
        kwargs=lambda w: {"invitation_id": w.invitation.pk},
    ),
    "accounts:accept_invitation": Route(
        "GET", outcomes(NOT_FOUND), kwargs=lambda w: {"token": "no-such-invitation"}
    ),
    "patients:list": Route("GET", PAGE_STAFF),
    "patients:create": Route("GET", PAGE_STAFF),
    "patients:chart": Route("GET", CHART, kwargs=jordan),
    "patients:edit": Route("GET", CHART, kwargs=jordan),
    "patients:transition": Route(
        "POST",
        outcomes(FORBIDDEN, anonymous=LOGIN, prescriber=OK, therapist=OK, other=FORBIDDEN),
        kwargs=jordan,
        data=lambda w: {"transition": "move_to_maintenance"},
    ),
    "patients:care_team_add": Route(
        "POST", outcomes(FORBIDDEN, anonymous=LOGIN, admin=OK, prescriber=OK), kwargs=jordan
    ),
    "patients:care_team_remove": Route(
        "POST", outcomes(FORBIDDEN, anonymous=LOGIN, admin=OK, prescriber=OK), kwargs=jordan_member
    ),
    "patients:notes": Route(
        "GET",
        outcomes(FORBIDDEN, anonymous=LOGIN, **each(CLINICAL, OK), other=NOT_FOUND),
        kwargs=jordan,
    ),
    "patients:invite": Route("POST", CHART, kwargs=jordan),
    "audit:trail": Route("GET", outcomes(FORBIDDEN, anonymous=LOGIN, admin=OK)),
    "portal:home": Route("GET", outcomes(FORBIDDEN, anonymous=LOGIN, **each(PATIENTS, OK))),
    "portal:access_log": Route("GET", outcomes(FORBIDDEN, anonymous=LOGIN, **each(PATIENTS, OK))),
    "support:home": Route("GET", outcomes(FORBIDDEN, anonymous=LOGIN, support=OK)),
    "api:api-root": Route("GET", outcomes(NOT_FOUND)),
    "api:openapi-json": Route("GET", outcomes(OK)),
    "api:openapi-view": Route("GET", outcomes(OK)),
    "api:me": Route("GET", outcomes(OK, anonymous=LOGIN)),
    "api:patients": Route("GET", PAGE_STAFF),
    "api:patient_create": Route("POST", PAGE_STAFF, data=lambda w: NEW_PATIENT, json_body=True),
    "api:patient": Route("GET", CHART, kwargs=jordan),
    "api:patient_update": Route(
        "PATCH", CHART, kwargs=jordan, data=lambda w: {"version": w.jordan.version}, json_body=True
    ),
}

# The other clinic's therapist may not move a Cedar Grove patient: the role check runs first (403)
# for roles without the permission; with the permission the patient is simply not found (404).
ROUTES["patients:transition"].expected["other"] = NOT_FOUND
ROUTES["patients:care_team_add"].expected["other"] = FORBIDDEN
