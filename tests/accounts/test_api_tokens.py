"""Personal access tokens: shown once, stored hashed, scoped, expiring, revocable."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from kapcare.accounts.models import Membership, PersonalAccessToken
from kapcare.audit.models import AuditEvent

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def create_token(
    client: Client, name: str = "Lab feed", scope: str = "read", days: Any = 30
) -> str:
    response = client.post(
        reverse("accounts:token_create"), {"name": name, "scope": scope, "days": days}
    )
    assert response.status_code == 200, response.content
    match = re.search(r'data-testid="new-token">([^<]+)<', response.text)
    assert match
    return match.group(1)


def bearer(raw: str) -> dict[str, Any]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def api(method: str, path: str, raw: str, body: Any = None) -> Any:
    client = Client()
    if body is None:
        return getattr(client, method)(path, **bearer(raw))
    return getattr(client, method)(
        path, json.dumps(body), content_type="application/json", **bearer(raw)
    )


NEW_PATIENT = {
    "mrn": "KC-2001",
    "given_name": "Ada",
    "family_name": "Byrne",
    "date_of_birth": "1990-01-02",
}


# Creating ---------------------------------------------------------------------


def test_a_token_is_shown_once_and_stored_only_as_a_hash(world: Any, client_for: Any) -> None:
    client = client_for("prescriber")
    raw = create_token(client)
    assert raw.startswith("kc_")
    token = PersonalAccessToken.objects.get()
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw.split("_")[1] == token.prefix
    stored = [str(v) for v in PersonalAccessToken.objects.values().get().values()]
    assert not any(raw in value for value in stored)
    assert (token.user, token.clinic, token.scope) == (
        world.users["prescriber"],
        world.cedar,
        "read",
    )
    assert token.expires_at - token.created_at == dt.timedelta(days=30)
    assert raw not in client.get(reverse("accounts:security")).text
    assert (
        AuditEvent.objects.filter(
            action="create", object_type="accounts.personalaccesstoken"
        ).count()
        == 1
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "scope": "read", "days": 30}, "Token name: This field is required."),
        (
            {"name": "Feed", "scope": "admin", "days": 30},
            "Access: Select a valid choice. admin is not one",
        ),
        (
            {"name": "Feed", "scope": "read", "days": 0},
            "Valid for (days): Ensure this value is greater than or equal to 1.",
        ),
        (
            {"name": "Feed", "scope": "read", "days": 366},
            "Valid for (days): Ensure this value is less than or equal to 365.",
        ),
        (
            {"name": "Feed", "scope": "read", "days": "soon"},
            "Valid for (days): Enter a whole number.",
        ),
    ],
)
def test_bad_input_is_refused_with_a_message_naming_the_field(
    world: Any, client_for: Any, data: dict[str, Any], message: str
) -> None:
    response = client_for("prescriber").post(reverse("accounts:token_create"), data)
    assert response.status_code == 400
    assert message in response.text
    assert not PersonalAccessToken.objects.exists()


@pytest.mark.parametrize("days", [1, 365])
def test_the_validity_may_be_one_to_365_days(world: Any, client_for: Any, days: int) -> None:
    create_token(client_for("nurse"), days=days)
    token = PersonalAccessToken.objects.get()
    assert token.expires_at - token.created_at == dt.timedelta(days=days)


@pytest.mark.parametrize("persona", ["patient", "support"])
def test_only_staff_may_create_tokens(world: Any, client_for: Any, persona: str) -> None:
    response = client_for(persona).post(
        reverse("accounts:token_create"), {"name": "Feed", "scope": "read", "days": 30}
    )
    assert response.status_code == 403
    assert not PersonalAccessToken.objects.exists()


# Using -------------------------------------------------------------------------


def test_a_bearer_token_works_on_me_and_patients(world: Any, client_for: Any) -> None:
    raw = create_token(client_for("prescriber"))
    me = api("get", "/api/v1/me", raw)
    assert me.status_code == 200
    assert json.loads(me.content)["email"] == "prescriber@example.com"
    patients = api("get", "/api/v1/patients", raw)
    assert patients.status_code == 200
    assert {p["mrn"] for p in json.loads(patients.content)["items"]} == {
        "KC-1001",
        "KC-1002",
        "KC-1003",
    }
    assert PersonalAccessToken.objects.get().last_used_at is not None


def test_the_token_scheme_and_header_are_checked(world: Any, client_for: Any) -> None:
    raw = create_token(client_for("prescriber"))
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Token {raw}").status_code == 401
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}x").status_code == 401


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "/api/v1/patients", NEW_PATIENT),
        ("patch", "/api/v1/patients/{jordan}", {"version": 1, "pronouns": "she/her"}),
    ],
)
def test_a_read_only_token_is_refused_on_changes(
    world: Any, client_for: Any, method: str, path: str, body: dict[str, Any]
) -> None:
    raw = create_token(client_for("prescriber"), scope="read")
    response = api(method, path.format(jordan=world.jordan.pk), raw, body)
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert "read-only" in json.loads(response.content)["detail"]
    assert AuditEvent.objects.filter(action="denied", actor=world.users["prescriber"]).count() == 1
    world.jordan.refresh_from_db()
    assert world.jordan.pronouns == "they/them"
    assert not world.cedar.patients.filter(mrn="KC-2001").exists()


def test_a_read_only_token_is_refused_before_the_body_is_checked(
    world: Any, client_for: Any
) -> None:
    raw = create_token(client_for("prescriber"), scope="read")
    response = api("post", "/api/v1/patients", raw, {"mrn": ""})
    assert response.status_code == 403


def test_a_write_token_may_create_and_change(world: Any, client_for: Any) -> None:
    raw = create_token(client_for("prescriber"), scope="write")
    assert api("post", "/api/v1/patients", raw, NEW_PATIENT).status_code == 201
    response = api(
        "patch", f"/api/v1/patients/{world.jordan.pk}", raw, {"version": 1, "pronouns": "she/her"}
    )
    assert response.status_code == 200


def test_a_write_token_does_not_need_a_csrf_token(world: Any, client_for: Any) -> None:
    raw = create_token(client_for("prescriber"), scope="write")
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/v1/patients", json.dumps(NEW_PATIENT), content_type="application/json", **bearer(raw)
    )
    assert response.status_code == 201


def test_an_expired_token_answers_401(world: Any, client_for: Any) -> None:
    with time_machine.travel(START, tick=False):
        raw = create_token(client_for("prescriber"), days=1)
    with time_machine.travel(START + dt.timedelta(hours=23), tick=False):
        assert api("get", "/api/v1/me", raw).status_code == 200
    with time_machine.travel(START + dt.timedelta(days=1, seconds=1), tick=False):
        response = api("get", "/api/v1/me", raw)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_an_invalid_token_is_refused_even_beside_a_signed_in_session(
    world: Any, client_for: Any
) -> None:
    client = client_for("prescriber")
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer kc_nothing_here").status_code == 401


def test_a_token_stops_working_when_the_membership_ends(world: Any, client_for: Any) -> None:
    raw = create_token(client_for("prescriber"))
    Membership.objects.filter(pk=world.memberships["prescriber"].pk).update(is_active=False)
    assert api("get", "/api/v1/me", raw).status_code == 401


def test_a_token_acts_only_through_the_membership_of_its_own_clinic(
    world: Any, client_for: Any
) -> None:
    raw = create_token(client_for("prescriber"))
    # still a therapist at Harbor Light, but the token was made at Cedar Grove
    Membership.objects.create(user=world.users["prescriber"], clinic=world.harbor, role="therapist")
    me = api("get", "/api/v1/me", raw).json()
    assert (me["clinic"]["name"], me["role"]) == ("Cedar Grove Ketamine Clinic", "prescriber")
    Membership.objects.filter(pk=world.memberships["prescriber"].pk).update(is_active=False)
    assert api("get", "/api/v1/me", raw).status_code == 401


def test_a_token_stops_working_when_the_account_is_deactivated(world: Any, client_for: Any) -> None:
    raw = create_token(client_for("prescriber"))
    world.users["prescriber"].is_active = False
    world.users["prescriber"].save()
    assert api("get", "/api/v1/me", raw).status_code == 401


# Revoking ---------------------------------------------------------------------------


def test_the_owner_revokes_a_token(world: Any, client_for: Any) -> None:
    client = client_for("prescriber")
    raw = create_token(client)
    token = PersonalAccessToken.objects.get()
    response = client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert token.revoked_by == world.users["prescriber"]
    assert api("get", "/api/v1/me", raw).status_code == 401
    assert AuditEvent.objects.filter(action="revoke", object_id=str(token.pk)).count() == 1


def test_a_clinic_admin_sees_and_revokes_any_token_of_the_clinic(
    world: Any, client_for: Any
) -> None:
    raw = create_token(client_for("prescriber"), name="Pharmacy bridge")
    token = PersonalAccessToken.objects.get()
    admin = client_for("admin")
    page = admin.get(reverse("accounts:clinic_tokens"))
    assert page.status_code == 200
    assert "Pharmacy bridge" in page.text
    assert "Priya Raman" in page.text
    assert raw not in page.text
    response = admin.post(
        reverse("accounts:token_revoke", args=[token.pk]),
        {"next": reverse("accounts:clinic_tokens")},
    )
    assert response["Location"] == reverse("accounts:clinic_tokens")
    token.refresh_from_db()
    assert token.revoked_by == world.users["admin"]
    assert api("get", "/api/v1/me", raw).status_code == 401


@pytest.mark.parametrize("persona", ["therapist", "other"])
def test_nobody_else_may_revoke_a_token(world: Any, client_for: Any, persona: str) -> None:
    raw = create_token(client_for("prescriber"))
    token = PersonalAccessToken.objects.get()
    response = client_for(persona).post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 404
    assert api("get", "/api/v1/me", raw).status_code == 200


def test_an_admin_of_another_clinic_may_not_revoke_the_token(world: Any, client_for: Any) -> None:
    Membership.objects.filter(pk=world.memberships["other"].pk).update(role="admin")
    create_token(client_for("prescriber"))
    token = PersonalAccessToken.objects.get()
    assert (
        client_for("other").post(reverse("accounts:token_revoke", args=[token.pk])).status_code
        == 404
    )
    assert "Priya Raman" not in client_for("other").get(reverse("accounts:clinic_tokens")).text


@pytest.mark.parametrize("persona", ["prescriber", "therapist", "nurse"])
def test_only_admins_see_the_clinic_token_list(world: Any, client_for: Any, persona: str) -> None:
    assert client_for(persona).get(reverse("accounts:clinic_tokens")).status_code == 403


# Clinic isolation ----------------------------------------------------------------------


def test_a_token_from_one_clinic_never_sees_another_clinics_patients(
    world: Any, client_for: Any
) -> None:
    raw = create_token(client_for("other"))
    listing = json.loads(api("get", "/api/v1/patients", raw).content)
    assert [p["mrn"] for p in listing["items"]] == ["HL-2001"]
    assert api("get", f"/api/v1/patients/{world.jordan.pk}", raw).status_code == 404
    assert api("get", "/api/v1/patients?q=KC-1001", raw).json()["count"] == 0


def test_a_token_stays_bound_to_the_clinic_it_was_made_in(world: Any, client_for: Any) -> None:
    Membership.objects.create(
        user=world.users["prescriber"], clinic=world.harbor, role="prescriber"
    )
    client = client_for("prescriber")
    raw = create_token(client)
    client.post(reverse("accounts:switch_clinic"), {"clinic": world.harbor.pk})
    assert PersonalAccessToken.objects.get().clinic == world.cedar
    me = api("get", "/api/v1/me", raw).json()
    assert me["clinic"]["name"] == "Cedar Grove Ketamine Clinic"
    listing = api("get", "/api/v1/patients", raw).json()
    assert "HL-2001" not in {p["mrn"] for p in listing["items"]}
