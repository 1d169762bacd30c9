"""Access expectations for support persons: the patient's side and the support person's side."""

from __future__ import annotations

from typing import Any

from tests.access.common import (
    FORBIDDEN,
    LOGIN,
    NOT_FOUND,
    OK,
    PATIENTS,
    PERSONAS,
    Route,
    each,
    outcomes,
)

#: the patient's own support-people pages
OWN = outcomes(FORBIDDEN, anonymous=LOGIN, **each(PATIENTS, OK))
#: Jordan's own objects: Sam finds nothing
JORDANS = outcomes(FORBIDDEN, anonymous=LOGIN, patient=OK, patient2=NOT_FOUND)


def jordans_link(w: Any) -> dict[str, Any]:
    from tests.support.helpers import grant

    return {"link_id": grant(w, "appointments").pk}


def jordans_appointment(w: Any) -> dict[str, Any]:
    """Jordan's dosing session in recovery today, shared with Casey (escort and pickup)."""
    from tests.integration.sessions import held_session

    session = held_session(w, days_ago=0.05)
    return {**jordans_link(w), "appointment_id": session.appointment_id}


def jordans_invitation(w: Any) -> dict[str, Any]:
    from tests.support.helpers import invite

    return {"invitation_id": invite(w)[0].pk}


def fresh_token(w: Any) -> dict[str, Any]:
    from tests.support.helpers import invite

    return {"token": invite(w)[1]}


ROUTES: dict[str, Route] = {
    # Anyone holding the link may open it; accepting needs the password form.
    "support:accept": Route("GET", each(PERSONAS, OK), kwargs=fresh_token),
    "support:escort": Route(
        "POST", outcomes(FORBIDDEN, anonymous=LOGIN, support=OK), kwargs=jordans_link
    ),
    # Only Casey has a link to Jordan: every other support person finds nothing.
    "support:escort_appointment": Route(
        "POST", outcomes(FORBIDDEN, anonymous=LOGIN, support=OK), kwargs=jordans_appointment
    ),
    "support:pickup": Route(
        "POST", outcomes(FORBIDDEN, anonymous=LOGIN, support=OK), kwargs=jordans_appointment
    ),
    "support:people": Route("GET", OWN),
    "support:invite": Route("POST", OWN),
    "support:grants": Route("POST", JORDANS, kwargs=jordans_link),
    "support:revoke": Route("POST", JORDANS, kwargs=jordans_link),
    "support:withdraw": Route("POST", JORDANS, kwargs=jordans_invitation),
}
