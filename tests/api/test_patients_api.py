"""The patients API: list and search, create, read, update, through the access policy and audit."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client

from kapcare.patients.models import Patient
from tests.api.helpers import audit_mark, audit_rows, field_errors, problem, send

NEW_PATIENT = {
    "mrn": "kc-2001",
    "given_name": "Ada",
    "family_name": "Byrne",
    "preferred_name": "Addie",
    "pronouns": "she/her",
    "date_of_birth": "1990-01-02",
    "sex_at_birth": "female",
    "email": "ada@example.com",
}


def mrns(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [p["mrn"] for p in response.json()["items"]]


# Listing and searching --------------------------------------------------------------


def test_it_lists_the_clinics_patients_by_family_name(world: Any, client_for: Any) -> None:
    response = client_for("therapist").get("/api/v1/patients")
    body = response.json()
    assert mrns(response) == ["KC-1003", "KC-1002", "KC-1001"]  # Gonzalez, Lee, Rivera
    assert (body["count"], body["limit"], body["offset"]) == (3, 25, 0)
    assert "HL-2001" not in mrns(response)


def test_a_list_writes_exactly_one_audit_row_naming_what_was_shown(
    world: Any, client_for: Any
) -> None:
    client = client_for("therapist")
    mark = audit_mark()
    client.get("/api/v1/patients?limit=2")
    rows = audit_rows(mark)
    assert [r.action for r in rows] == ["list"]
    assert rows[0].actor == world.users["therapist"]
    assert rows[0].actor_role == "therapist"
    assert rows[0].clinic == world.cedar
    assert rows[0].detail["ids"] == [world.unassigned.pk, world.sam.pk]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=riv", ["KC-1001"]),
        ("q=Sam", ["KC-1002"]),
        ("q=jordan%20rivera", ["KC-1001"]),
        ("q=kc-1002", ["KC-1002"]),
        ("q=KC-10", []),
        ("q=Morgan", []),
        ("status=screening", ["KC-1002"]),
        ("status=active&q=Lee", []),
    ],
)
def test_it_searches_by_name_part_or_full_mrn_and_filters_by_status(
    world: Any, client_for: Any, query: str, expected: list[str]
) -> None:
    assert mrns(client_for("nurse").get(f"/api/v1/patients?{query}")) == expected


def test_mine_lists_only_patients_on_my_care_team(world: Any, client_for: Any) -> None:
    assert mrns(client_for("therapist").get("/api/v1/patients?mine=true")) == ["KC-1002", "KC-1001"]
    assert mrns(client_for("nurse").get("/api/v1/patients?mine=true")) == ["KC-1001"]
    assert mrns(client_for("therapist2").get("/api/v1/patients?mine=true")) == []


def test_it_pages_with_limit_and_offset(world: Any, client_for: Any) -> None:
    body = client_for("nurse").get("/api/v1/patients?limit=1&offset=1").json()
    assert [p["mrn"] for p in body["items"]] == ["KC-1002"]
    assert (body["count"], body["limit"], body["offset"]) == (3, 1, 1)
    assert mrns(client_for("nurse").get("/api/v1/patients?limit=100")) == [
        "KC-1003",
        "KC-1002",
        "KC-1001",
    ]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=101", "limit"),
        ("limit=0", "limit"),
        ("offset=-1", "offset"),
        ("status=asleep", "status"),
    ],
)
def test_a_bad_list_parameter_is_a_422_problem_naming_it(
    world: Any, client_for: Any, query: str, field: str
) -> None:
    body = problem(client_for("nurse").get(f"/api/v1/patients?{query}"), 422)
    assert field in field_errors(body)
    assert not audit_rows(action="list")


def test_the_limit_error_says_what_is_allowed(world: Any, client_for: Any) -> None:
    body = problem(client_for("nurse").get("/api/v1/patients?limit=101"), 422)
    assert field_errors(body)["limit"] == "Input should be less than or equal to 100"


def test_the_status_error_lists_the_allowed_values(world: Any, client_for: Any) -> None:
    body = problem(client_for("nurse").get("/api/v1/patients?status=asleep"), 422)
    assert "'referred'" in field_errors(body)["status"]
    assert "'discontinued'" in field_errors(body)["status"]


# Creating -----------------------------------------------------------------------------


def test_it_registers_a_patient(world: Any, client_for: Any) -> None:
    client = client_for("nurse")
    mark = audit_mark()
    response = send(client, "post", "/api/v1/patients", NEW_PATIENT)
    assert response.status_code == 201, response.content
    body = response.json()
    patient = Patient.objects.get(mrn="KC-2001")
    assert body["id"] == patient.pk
    assert (body["mrn"], body["status"], body["version"], body["care_team"]) == (
        "KC-2001",
        "referred",
        1,
        [],
    )
    assert patient.clinic == world.cedar
    assert patient.sex_at_birth == "female"
    assert response["Location"] == f"/api/v1/patients/{patient.pk}"
    rows = audit_rows(mark)
    assert [(r.action, r.patient, r.actor) for r in rows] == [
        ("create", patient, world.users["nurse"])
    ]


def test_optional_fields_may_be_left_out(world: Any, client_for: Any) -> None:
    body = {
        "mrn": "KC-2002",
        "given_name": "Bo",
        "family_name": "Chan",
        "date_of_birth": "1970-06-01",
    }
    response = send(client_for("nurse"), "post", "/api/v1/patients", body)
    assert response.status_code == 201
    assert (response.json()["email"], response.json()["sex_at_birth"]) == ("", "")


def test_a_duplicate_mrn_is_a_422_naming_mrn(world: Any, client_for: Any) -> None:
    body = problem(
        send(client_for("nurse"), "post", "/api/v1/patients", {**NEW_PATIENT, "mrn": "kc-1001"}),
        422,
    )
    assert "already in use" in field_errors(body)["mrn"]
    assert Patient.objects.filter(clinic=world.cedar).count() == 3
    assert not audit_rows(action="create")


def test_the_same_mrn_may_be_used_at_another_clinic(world: Any, client_for: Any) -> None:
    response = send(
        client_for("other"), "post", "/api/v1/patients", {**NEW_PATIENT, "mrn": "KC-1001"}
    )
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"date_of_birth": "1990-02-30"}, "date_of_birth", "valid date"),
        ({"date_of_birth": "02/01/1990"}, "date_of_birth", "valid date"),
        ({"date_of_birth": "2999-01-01"}, "date_of_birth", "cannot be in the future"),
        ({"date_of_birth": "1850-01-01"}, "date_of_birth", "Enter a date after"),
        ({"sex_at_birth": "x"}, "sex_at_birth", "'female', 'male', 'intersex' or 'unknown'"),
        ({"clinic": 99}, "clinic", "is not a known field"),
        ({"status": "active"}, "status", "is not a known field"),
        ({"mrn": "KC 2001!"}, "mrn", "pattern"),
        ({"email": "not-an-email"}, "email", "email"),
        ({"given_name": ""}, "given_name", "at least 1 character"),
    ],
)
def test_bad_input_is_a_422_with_a_per_field_error(
    world: Any, client_for: Any, change: dict[str, Any], field: str, words: str
) -> None:
    client = client_for("nurse")
    mark = audit_mark()
    body = problem(send(client, "post", "/api/v1/patients", {**NEW_PATIENT, **change}), 422)
    errors = field_errors(body)
    assert field in errors, errors
    assert words in errors[field]
    assert not Patient.objects.filter(mrn="KC-2001").exists()
    assert audit_rows(mark) == []


def test_every_bad_field_is_reported_at_once(world: Any, client_for: Any) -> None:
    payload = {
        "mrn": "KC-2001",
        "date_of_birth": "1990-13-01",
        "sex_at_birth": "x",
        "nickname": "A",
    }
    body = problem(send(client_for("nurse"), "post", "/api/v1/patients", payload), 422)
    assert set(field_errors(body)) == {
        "given_name",
        "family_name",
        "date_of_birth",
        "sex_at_birth",
        "nickname",
    }
    assert field_errors(body)["given_name"] == "is required"


def test_a_body_that_is_not_json_is_a_problem(world: Any, client_for: Any) -> None:
    response = client_for("nurse").post(
        "/api/v1/patients", "{not json", content_type="application/json"
    )
    body = problem(response, 400)
    assert "JSON" in body["detail"]


# Reading ---------------------------------------------------------------------------------


def test_it_reads_a_patient_with_their_care_team(world: Any, client_for: Any) -> None:
    response = client_for("nurse").get(f"/api/v1/patients/{world.jordan.pk}")
    assert response.status_code == 200
    body = response.json()
    assert (body["mrn"], body["given_name"], body["pronouns"], body["date_of_birth"]) == (
        "KC-1001",
        "Jordan",
        "they/them",
        "1987-03-21",
    )
    assert [(m["full_name"], m["team_role"]) for m in body["care_team"]] == [
        ("Nina Alvarez", "nurse"),
        ("Priya Raman", "prescriber_of_record"),
        ("Theo Okafor", "primary_therapist"),
    ]


def test_a_read_writes_exactly_one_view_row(world: Any, client_for: Any) -> None:
    client = client_for("nurse")
    mark = audit_mark()
    client.get(f"/api/v1/patients/{world.jordan.pk}")
    rows = audit_rows(mark)
    assert [(r.action, r.patient, r.object_id) for r in rows] == [
        ("view", world.jordan, str(world.jordan.pk))
    ]


def test_a_foreign_clinic_id_and_an_unknown_id_get_the_same_404(
    world: Any, client_for: Any
) -> None:
    client = client_for("nurse")
    foreign = problem(client.get(f"/api/v1/patients/{world.harbor_patient.pk}"), 404)
    unknown = problem(client.get("/api/v1/patients/999999"), 404)
    for body in (foreign, unknown):
        body.pop("instance")
        body.pop("request_id")
    assert foreign == unknown
    denied = audit_rows(action="denied")
    assert [r.object_id for r in denied] == [str(world.harbor_patient.pk), "999999"]
    assert not audit_rows(action="view")


def test_an_admin_can_read_demographics(world: Any, client_for: Any) -> None:
    response = client_for("admin").get(f"/api/v1/patients/{world.jordan.pk}")
    assert response.status_code == 200
    assert response.json()["email"] == "patient@example.com"
    assert client_for("admin").get("/api/v1/patients").status_code == 200


@pytest.mark.parametrize("persona", ["patient", "support"])
def test_patients_and_support_persons_get_a_403_problem_even_for_the_own_record(
    world: Any, client_for: Any, persona: str
) -> None:
    client = client_for(persona)
    for path in ("/api/v1/patients", f"/api/v1/patients/{world.jordan.pk}"):
        body = problem(client.get(path), 403)
        assert "patient." in body["detail"]
    assert len(audit_rows(action="denied", actor=world.users[persona])) == 2
    assert not audit_rows(action="view")


def test_unauthenticated_requests_get_401_with_www_authenticate(world: Any) -> None:
    for method, path in (
        ("get", "/api/v1/patients"),
        ("get", f"/api/v1/patients/{world.jordan.pk}"),
    ):
        response = send(Client(), method, path)
        problem(response, 401)
        assert response["WWW-Authenticate"] == 'Bearer realm="kapcare"'
    response = send(Client(), "post", "/api/v1/patients", NEW_PATIENT)
    problem(response, 401)


# Updating -----------------------------------------------------------------------------------


def test_a_patch_with_the_current_version_changes_the_record(world: Any, client_for: Any) -> None:
    path = f"/api/v1/patients/{world.jordan.pk}"
    client = client_for("therapist")
    mark = audit_mark()
    response = send(
        client, "patch", path, {"version": 1, "pronouns": "she/her", "phone": "555-0101"}
    )
    assert response.status_code == 200, response.content
    assert (response.json()["pronouns"], response.json()["version"]) == ("she/her", 2)
    world.jordan.refresh_from_db()
    assert (world.jordan.pronouns, world.jordan.phone, world.jordan.version) == (
        "she/her",
        "555-0101",
        2,
    )
    rows = audit_rows(mark)
    assert [(r.action, r.patient) for r in rows] == [("update", world.jordan)]
    assert rows[0].detail == {"fields": ["phone", "pronouns"]}


def test_a_stale_version_is_a_409_and_nothing_is_written(world: Any, client_for: Any) -> None:
    path = f"/api/v1/patients/{world.jordan.pk}"
    client = client_for("therapist")
    mark = audit_mark()
    assert send(client, "patch", path, {"version": 1, "pronouns": "she/her"}).status_code == 200
    body = problem(
        send(client, "patch", path, {"version": 1, "pronouns": "he/him", "phone": "1"}), 409
    )
    assert "changed by someone else" in body["detail"]
    world.jordan.refresh_from_db()
    assert (world.jordan.pronouns, world.jordan.phone, world.jordan.version) == ("she/her", "", 2)
    assert [r.action for r in audit_rows(mark)] == ["update"]


def test_a_patch_needs_the_version(world: Any, client_for: Any) -> None:
    body = problem(
        send(
            client_for("therapist"),
            "patch",
            f"/api/v1/patients/{world.jordan.pk}",
            {"pronouns": "x"},
        ),
        422,
    )
    assert field_errors(body) == {"version": "is required"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"given_name": None}, "given_name"),
        ({"date_of_birth": None}, "date_of_birth"),
        ({"mrn": "KC-1002"}, "mrn"),
        ({"status": "active"}, "status"),
        ({"date_of_birth": "2999-01-01"}, "date_of_birth"),
    ],
)
def test_a_bad_patch_is_a_422_naming_the_field_and_nothing_is_written(
    world: Any, client_for: Any, change: dict[str, Any], field: str
) -> None:
    path = f"/api/v1/patients/{world.jordan.pk}"
    body = problem(send(client_for("therapist"), "patch", path, {"version": 1, **change}), 422)
    assert field in field_errors(body)
    world.jordan.refresh_from_db()
    assert world.jordan.version == 1
    assert not audit_rows(action="update")


def test_a_patch_to_a_foreign_patient_is_a_404(world: Any, client_for: Any) -> None:
    path = f"/api/v1/patients/{world.harbor_patient.pk}"
    client = client_for("therapist")
    mark = audit_mark()
    problem(send(client, "patch", path, {"version": 1, "pronouns": "x"}), 404)
    world.harbor_patient.refresh_from_db()
    assert world.harbor_patient.pronouns == ""
    assert [r.action for r in audit_rows(mark)] == ["denied"]


# CSRF for the browser session -------------------------------------------------------------------


def csrf_client(world: Any) -> Client:
    from tests.conftest import signed_in

    signed = signed_in(world.users["nurse"])
    client = Client(enforce_csrf_checks=True)
    client.cookies = signed.cookies
    return client


def test_a_session_post_without_a_csrf_token_is_refused(world: Any) -> None:
    client = csrf_client(world)
    body = problem(send(client, "post", "/api/v1/patients", NEW_PATIENT), 403)
    assert "CSRF" in body["detail"]
    assert not Patient.objects.filter(mrn="KC-2001").exists()


def test_a_session_patch_without_a_csrf_token_is_refused(world: Any) -> None:
    client = csrf_client(world)
    problem(
        send(
            client, "patch", f"/api/v1/patients/{world.jordan.pk}", {"version": 1, "pronouns": "x"}
        ),
        403,
    )
    world.jordan.refresh_from_db()
    assert world.jordan.version == 1


def test_a_session_post_with_the_csrf_token_is_accepted(world: Any) -> None:
    from django.conf import settings

    client = csrf_client(world)
    client.get("/patients/new/")  # any page with a form sets the CSRF cookie
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    response = send(client, "post", "/api/v1/patients", NEW_PATIENT, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 201, response.content


def test_a_session_get_needs_no_csrf_token(world: Any) -> None:
    assert csrf_client(world).get("/api/v1/patients").status_code == 200


def test_dates_in_responses_are_iso_8601(world: Any, client_for: Any) -> None:
    body = client_for("nurse").get(f"/api/v1/patients/{world.jordan.pk}").json()
    assert dt.datetime.fromisoformat(body["created_at"]).tzinfo is not None
    assert json.dumps(body)
