"""Every route against every persona: the access policy, proven end to end.

The route list is read from the URL configuration, so a new route without an
entry fails ``test_every_route_has_a_name_and_a_matrix_entry``. Each feature keeps
its expectations in ``tests/access/<feature>.py``; they are gathered here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from kapcare.audit.models import AuditEvent
from tests.access import controlled as controlled_access
from tests.access import dosing as dosing_access
from tests.access import dosing_record as dosing_record_access
from tests.access import education as education_access
from tests.access import exposure as exposure_access
from tests.access import foundation
from tests.access import intake as intake_access
from tests.access import integration as integration_access
from tests.access import measures as measures_access
from tests.access import support as support_access
from tests.access import treatment as treatment_access
from tests.access.common import FORBIDDEN, LOGIN, NOT_FOUND, OK, PERSONAS, Route

MATRIX: dict[str, Route] = {
    **integration_access.ROUTES,
    **support_access.ROUTES,
    **education_access.ROUTES,
    **foundation.ROUTES,
    **measures_access.ROUTES,
    **intake_access.ROUTES,
    **treatment_access.ROUTES,
    **dosing_access.ROUTES,
    **exposure_access.ROUTES,
    **controlled_access.ROUTES,
    **dosing_access.API_ROUTES,
    **dosing_record_access.ROUTES,
}

#: routes whose 404 means "there is nothing here" rather than a refused person
NOTHING_THERE = {"accounts:accept_invitation", "api:api-root", "treatment:feed"}


def _walk(patterns: list[Any], namespace: str = "") -> Iterator[tuple[str, Any]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = (
                f"{namespace}:{pattern.namespace}"
                if namespace and pattern.namespace
                else (pattern.namespace or namespace)
            )
            yield from _walk(pattern.url_patterns, inner or "")
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace else (pattern.name or "")
            yield name, pattern.callback


def all_routes() -> list[tuple[str, Any]]:
    return list(_walk(get_resolver().url_patterns))


def test_every_route_has_a_name_and_a_matrix_entry() -> None:
    names = [name for name, _ in all_routes()]
    assert all(names), "every route needs a name so that the access matrix can list it"
    missing = sorted(set(names) - set(MATRIX))
    assert not missing, f"routes without an access-matrix entry: {missing}"
    stale = sorted(set(MATRIX) - set(names))
    assert not stale, f"matrix entries for routes that no longer exist: {stale}"


def test_every_page_view_passes_through_the_access_policy() -> None:
    unguarded = [
        name
        for name, callback in all_routes()
        if not name.startswith("api:") and not hasattr(callback, "access_rule")
    ]
    assert not unguarded, f"views not wrapped by policy.require() or policy.public(): {unguarded}"


def _classify(response: Any, api: bool) -> str:
    status = response.status_code
    if status == 401 or (status == 302 and response["Location"].startswith(reverse("login"))):
        return LOGIN
    if status == 403:
        return FORBIDDEN
    if status == 404:
        return NOT_FOUND
    if status < 400 or status in (400, 405, 409, 422):
        return OK
    return f"unexpected {status}"


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("route_name", sorted(MATRIX))
def test_access_matrix(route_name: str, persona: str, world: Any, client_for: Any) -> None:
    from kapcare.accounts.actors import Actor
    from kapcare.accounts.services import api_token_create, invitation_create

    prescriber = world.memberships["prescriber"]
    world.token = api_token_create(
        actor=Actor(
            user=prescriber.user, clinic=world.cedar, role="prescriber", membership=prescriber
        ),
        name="matrix",
        scope="write",
        days=30,
    ).token
    world.invitation, _ = invitation_create(
        actor=Actor(
            user=world.users["admin"],
            clinic=world.cedar,
            role="admin",
            membership=world.memberships["admin"],
        ),
        email="new.nurse@example.com",
        full_name="New Nurse",
        kind="staff",
        role="nurse",
    )
    route = MATRIX[route_name]
    client = client_for(persona)
    url = reverse(route_name, kwargs=route.kwargs(world))
    data = route.data(world)
    method = getattr(client, route.method.lower())
    if route.json_body:
        response = method(url, data=json.dumps(data), content_type="application/json")
    elif route.method == "GET":
        response = method(url)
    else:
        response = method(url, data=data)
    got = _classify(response, route_name.startswith("api:"))
    assert got == route.expected[persona], (
        f"{route.method} {url} as {persona}: expected {route.expected[persona]}, got {got} "
        f"({response.status_code})"
    )
    if got in (FORBIDDEN, NOT_FOUND) and route_name not in NOTHING_THERE:
        assert AuditEvent.objects.filter(action="denied").exists(), "every denial is audited"
