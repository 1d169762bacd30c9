"""The patient list: search, filters, my patients, pages, clinic isolation, constant queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from kapcare.patients.models import CareTeamMember, Patient, TeamRole


def names(response: Any) -> str:
    return response.content.decode()


def test_search_finds_by_part_of_a_name_and_by_full_mrn(world: Any, client_for: Any) -> None:
    client = client_for("therapist")
    assert "Jordan Rivera" in names(client.get("/patients/?q=rive"))
    assert "Sam Lee" in names(client.get("/patients/?q=kc-1002"))
    page = names(client.get("/patients/?q=jordan+rivera"))
    assert "Jordan Rivera" in page and "Sam Lee" not in page


def test_filters_by_status_and_by_my_patients(world: Any, client_for: Any) -> None:
    client = client_for("therapist2")
    assert "No patients match" in names(client.get("/patients/?mine=on"))
    page = names(client_for("therapist").get("/patients/?mine=on"))
    assert "Jordan Rivera" in page and "Maria Gonzalez" not in page
    screening = names(client.get("/patients/?status=screening"))
    assert "Sam Lee" in screening and "Jordan Rivera" not in screening


def test_staff_never_see_another_clinics_patients(world: Any, client_for: Any) -> None:
    page = names(client_for("other").get("/patients/"))
    assert "Morgan Ellis" in page and "Jordan Rivera" not in page
    assert "Jordan Rivera" not in names(client_for("other").get("/patients/?q=KC-1001"))


def test_htmx_search_returns_only_the_results_fragment(world: Any, client_for: Any) -> None:
    response = client_for("nurse").get("/patients/?q=lee", HTTP_HX_REQUEST="true")
    assert "Sam Lee" in names(response)
    assert "<html" not in names(response)


def _add_patients(world: Any, count: int) -> None:
    patients = Patient.objects.bulk_create(
        Patient(
            clinic=world.cedar,
            mrn=f"KC-5{i:04d}",
            given_name=f"Test{i}",
            family_name="Bulk",
            date_of_birth=dt.date(1980, 1, 1),
        )
        for i in range(count)
    )
    CareTeamMember.objects.bulk_create(
        CareTeamMember(
            patient=p, membership=world.memberships["therapist"], team_role=TeamRole.THERAPIST
        )
        for p in patients
    )


def test_the_list_costs_the_same_number_of_queries_whatever_the_data_size(
    world: Any, client_for: Any
) -> None:
    client = client_for("therapist")
    client.get("/patients/")
    with CaptureQueriesContext(connection) as small:
        assert client.get("/patients/").status_code == 200
    _add_patients(world, 60)
    with CaptureQueriesContext(connection) as large:
        page = client.get("/patients/?page=2")
    assert page.status_code == 200
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]


def test_the_chart_costs_the_same_number_of_queries_whatever_the_team_and_history(
    world: Any, client_for: Any
) -> None:
    client = client_for("prescriber")
    url = f"/patients/{world.jordan.pk}/"
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for persona in ("therapist2", "admin"):
        CareTeamMember.objects.create(
            patient=world.jordan,
            membership=world.memberships[persona],
            team_role=TeamRole.THERAPIST,
        )
    from kapcare.accounts.actors import Actor
    from kapcare.patients import services

    m = world.memberships["prescriber"]
    actor = Actor(user=m.user, clinic=m.clinic, role=m.role, membership=m)
    services.move_to_maintenance(actor=actor, patient=world.jordan)
    services.resume_active_treatment(actor=actor, patient=world.jordan)
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large) == len(small)
