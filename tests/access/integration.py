"""Access expectations for integration: the patient's journal and the Integration chart tab."""

from __future__ import annotations

from typing import Any

from tests.access.common import (
    CLINICAL,
    FORBIDDEN,
    LOGIN,
    NOT_FOUND,
    OK,
    PATIENTS,
    PERSONAS,
    Route,
    each,
    jordan,
    outcomes,
)

#: the patient's own pages: every patient reaches their own, nobody else's
OWN_JOURNAL = outcomes(FORBIDDEN, anonymous=LOGIN, **each(PATIENTS, OK))


def jordans_entry(w: Any) -> dict[str, Any]:
    from tests.integration.helpers import write_entry

    return {"entry_id": write_entry(w, "matrix entry").pk}


def jordans_practice(w: Any) -> dict[str, Any]:
    from tests.integration.helpers import assign

    return {"item_id": assign(w).pk}


def jordans_plan_item(w: Any) -> dict[str, Any]:
    return {"patient_id": w.jordan.pk, **jordans_practice(w)}


#: writing integration notes and plans: clinicians of the clinic, never admins
WRITE = outcomes(FORBIDDEN, anonymous=LOGIN, **each(CLINICAL, OK), other=NOT_FOUND)


def cedar_prompt(w: Any) -> dict[str, Any]:
    from kapcare.integration.models import JournalPrompt

    prompt = JournalPrompt.objects.create(clinic=w.cedar, stage="evening", text="Ours")
    return {"kind": "prompt", "item_id": prompt.pk}


def checkin_token(w: Any) -> dict[str, Any]:
    from kapcare.integration import followup

    return {"token": followup.followup_link_issue(actor=None, patient=w.jordan)[1]}


ROUTES: dict[str, Route] = {
    "integration:journal": Route("GET", OWN_JOURNAL),
    "integration:journal_new": Route("GET", OWN_JOURNAL),
    "integration:journal_draft": Route("POST", OWN_JOURNAL, data=lambda w: {"body": "draft"}),
    "integration:journal_export": Route("GET", OWN_JOURNAL),
    # Only Jordan's own entry can be shared; for Sam it does not exist.
    "integration:journal_share": Route(
        "POST",
        outcomes(FORBIDDEN, anonymous=LOGIN, patient=OK, patient2=NOT_FOUND),
        kwargs=jordans_entry,
        data=lambda w: {"share": "1"},
    ),
    "integration:practices": Route("GET", OWN_JOURNAL),
    "integration:practice_check": Route(
        "POST",
        outcomes(FORBIDDEN, anonymous=LOGIN, patient=OK, patient2=NOT_FOUND),
        kwargs=jordans_practice,
    ),
    "integration:note_sign": Route("POST", WRITE, kwargs=jordan),
    # The clinic's own prompts and practices: clinicians; another clinic edits its own.
    "integration:settings": Route(
        "GET", outcomes(FORBIDDEN, anonymous=LOGIN, **each(CLINICAL, OK), other=OK)
    ),
    "integration:retire": Route(
        "POST",
        outcomes(FORBIDDEN, anonymous=LOGIN, **each(CLINICAL, OK), other=NOT_FOUND),
        kwargs=cedar_prompt,
    ),
    "integration:followup_issue": Route("POST", WRITE, kwargs=jordan),
    # The link is the credential: whoever holds it opens the check-in, signed in or not.
    "integration:checkin": Route("GET", each(PERSONAS, OK), kwargs=checkin_token),
    "integration:plan_assign": Route("POST", WRITE, kwargs=jordan),
    "integration:plan_end": Route("POST", WRITE, kwargs=jordans_plan_item),
    # Clinical staff only: admins never see journals; another clinic's staff find nothing.
    "integration:tab": Route(
        "GET",
        outcomes(FORBIDDEN, anonymous=LOGIN, **each(CLINICAL, OK), other=NOT_FOUND),
        kwargs=jordan,
    ),
}


def _api_jordans_link(w: Any) -> dict[str, Any]:
    from tests.support.helpers import grant

    return {"link_id": grant(w, "appointments").pk}


OWN_API = OWN_JOURNAL
JORDANS_API = outcomes(FORBIDDEN, anonymous=LOGIN, patient=OK, patient2=NOT_FOUND)

#: the API routes of issue 8 (journal, practices, support persons, education)
API_ROUTES: dict[str, Route] = {
    "api:journal_entries": Route("GET", OWN_API),
    "api:journal_entry_create": Route(
        "POST", OWN_API, data=lambda w: {"body": "From the API", "mood": 5}, json_body=True
    ),
    "api:journal_entry_sharing": Route(
        "PUT", JORDANS_API, kwargs=jordans_entry, data=lambda w: {"shared": True}, json_body=True
    ),
    "api:practice_plan": Route("GET", OWN_API),
    "api:practice_check": Route(
        "POST", JORDANS_API, kwargs=jordans_practice, data=lambda w: {"done": True}, json_body=True
    ),
    "api:support_people": Route("GET", OWN_API),
    "api:support_invitation_create": Route(
        "POST",
        OWN_API,
        data=lambda w: {"full_name": "Robin", "relationship": "friend", "phone": "555-0100"},
        json_body=True,
    ),
    "api:support_grants": Route(
        "PUT",
        JORDANS_API,
        kwargs=_api_jordans_link,
        data=lambda w: {"grants": ["escort"]},
        json_body=True,
    ),
    "api:support_revoke": Route("DELETE", JORDANS_API, kwargs=_api_jordans_link),
    "api:education_pages": Route("GET", OWN_API),
    "api:education_page": Route("GET", OWN_API, kwargs=lambda w: {"slug": "safety"}),
}
ROUTES.update(API_ROUTES)
