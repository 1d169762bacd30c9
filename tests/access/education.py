"""Access expectations for education pages, the clinic's editor and the chart tab."""

from __future__ import annotations

from typing import Any

from tests.access.common import (
    CEDAR_STAFF,
    CLINICAL,
    FORBIDDEN,
    LOGIN,
    NOT_FOUND,
    OK,
    PATIENTS,
    Route,
    each,
    jordan,
    outcomes,
)

PATIENT_PAGES = outcomes(FORBIDDEN, anonymous=LOGIN, **each(PATIENTS, OK))


def safety(w: Any) -> dict[str, Any]:
    return {"slug": "safety"}


def granted_safety(w: Any) -> dict[str, Any]:
    from tests.support.helpers import grant

    grant(w, "education")
    return {"slug": "safety"}


def granted(w: Any) -> dict[str, Any]:
    granted_safety(w)
    return {}


#: the editor: clinic admins and clinicians of the clinic (another clinic's therapist edits
#: their own clinic's copy, so the page exists for them too)
EDITORS = outcomes(FORBIDDEN, anonymous=LOGIN, **each(CEDAR_STAFF, OK), other=OK)

ROUTES: dict[str, Route] = {
    "education:library": Route("GET", PATIENT_PAGES),
    "education:page": Route("GET", PATIENT_PAGES, kwargs=safety),
    "education:support_library": Route(
        "GET", outcomes(FORBIDDEN, anonymous=LOGIN, support=OK), kwargs=granted
    ),
    "education:support_page": Route(
        "GET", outcomes(FORBIDDEN, anonymous=LOGIN, support=OK), kwargs=granted_safety
    ),
    "education:manage": Route("GET", EDITORS),
    "education:edit": Route("GET", EDITORS, kwargs=safety),
    # Read receipts are on the chart: clinicians only; another clinic finds nothing.
    "education:tab": Route(
        "GET",
        outcomes(FORBIDDEN, anonymous=LOGIN, **each(CLINICAL, OK), other=NOT_FOUND),
        kwargs=jordan,
    ),
}
