"""The pages the performance issue measures cost a fixed number of queries at any data size.

Each page is counted with a small clinic, then again after the clinic has grown (more
patients with care teams, a long questionnaire history, open alerts and overdue
assignments). The count must not move, and it must equal the figure below: a change
to it is a deliberate decision, made here, not a side effect.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kapcare.accounts.actors import Actor
from kapcare.accounts.services import api_token_create
from kapcare.patients.models import CareTeamMember, Patient, TeamRole
from tests.measures.helpers import assign, phq9, phq9_total, submit

#: queries per request on SQLite, identical at both data sizes (the audit append included);
#: on PostgreSQL the append inserts the row and moves the chain head in one statement
EXPECTED = {
    "patient chart": 14,
    "measures tab": 16,  # + the dosing sessions marked on the charts
    # each section a COUNT and then one page: off track (stored progress), open alerts and
    # overdue questionnaires; the two bounded lists add a query each over reading all;
    # off track also counts the patients in treatment apart, so its own count and page
    # read only the clinic's progress rows
    "clinic worklist": 17,
    # open and acknowledged alerts: each a COUNT and then one page; then which of the
    # listed alerts are about the reader's patients
    "alerts inbox": 14,
    "API patient read": 8,
    "API patients list": 9,
    # a page of scores, their count, and the baselines they are compared with
    "API scores list": 10,
}


def _pages(world: Any) -> dict[str, str]:
    jordan = world.jordan.pk
    return {
        "patient chart": reverse("patients:chart", args=[jordan]),
        "measures tab": reverse("measures:tab", args=[jordan]),
        "clinic worklist": reverse("measures:worklist"),
        "alerts inbox": reverse("measures:alerts"),
        "API patient read": f"/api/v1/patients/{jordan}",
        "API patients list": "/api/v1/patients?limit=25",
        "API scores list": f"/api/v1/patients/{jordan}/scores",
    }


def _count(client: Client, url: str, **headers: str) -> int:
    client.get(url, **headers)  # the first request of a session also writes it: not counted
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **headers)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured)


def _counts(world: Any, browser: Client, token: str) -> dict[str, int]:
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    api = Client()  # a script with a token: no browser session travels with it
    return {
        name: _count(api, url, **bearer) if name.startswith("API") else _count(browser, url)
        for name, url in _pages(world).items()
    }


def _grow(world: Any) -> None:
    """Many more patients, a long questionnaire history, alerts and overdue assignments."""
    start = timezone.now() - dt.timedelta(weeks=40)
    patients = Patient.objects.bulk_create(
        Patient(
            clinic=world.cedar,
            mrn=f"KC-9{n:03d}",
            given_name=f"Given{n}",
            family_name=f"Family{n}",
            date_of_birth=dt.date(1980, 1, 1) + dt.timedelta(days=n),
            status="active" if n % 2 else "maintenance",
        )
        for n in range(60)
    )
    CareTeamMember.objects.bulk_create(
        CareTeamMember(
            patient=p, membership=world.memberships["prescriber"], team_role=TeamRole.PRESCRIBER
        )
        for p in patients
    )
    for week in range(30):
        submit(world, phq9_total(8 + week % 10), when=start + dt.timedelta(weeks=week))
    for patient in (world.jordan, world.sam, *patients[:4]):
        submit(world, phq9(0, 0, 0, 0, 0, 0, 0, 0, 2), patient=patient, by="nurse")
        assign(world, patient=patient, due_in=dt.timedelta(days=-2))
    assign(world, "gad7")


@pytest.mark.django_db
def test_measured_pages_cost_the_same_queries_at_two_data_sizes(
    world: Any, client_for: Any
) -> None:
    prescriber = world.memberships["prescriber"]
    token = api_token_create(
        actor=Actor(
            user=prescriber.user, clinic=world.cedar, role=prescriber.role, membership=prescriber
        ),
        name="counts",
        scope="read",
        days=1,
    ).raw
    browser = client_for("prescriber")
    submit(world, phq9_total(14))
    submit(world, phq9(0, 0, 0, 0, 0, 0, 0, 0, 1), by="nurse")  # one open alert
    small = _counts(world, browser, token)
    _grow(world)
    large = _counts(world, browser, token)
    assert small == large, f"query counts grew with the data: {small} -> {large}"
    saved = 1 if connection.vendor == "postgresql" else 0
    assert small == {name: count - saved for name, count in EXPECTED.items()}
