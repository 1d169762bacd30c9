"""Idle (15 min staff, 30 min patients) and absolute (12 h) session limits."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.accounts.helpers import post_login

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def later(clock: Any, **delta: float) -> None:
    clock.move_to(START + dt.timedelta(**delta))


def is_signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_staff_stay_signed_in_while_active_within_fifteen_minutes(
    client_for: Any, clock: Any
) -> None:
    client = client_for("therapist")
    assert client.get("/patients/").status_code == 200
    later(clock, minutes=14)
    assert client.get("/patients/").status_code == 200
    later(clock, minutes=28)
    assert client.get("/patients/").status_code == 200


def test_staff_are_signed_out_after_fifteen_idle_minutes(client_for: Any, clock: Any) -> None:
    client = client_for("therapist")
    client.get("/patients/")
    later(clock, minutes=15, seconds=1)
    response = client.get("/patients/?q=Riv")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=%2Fpatients%2F%3Fq%3DRiv&expired=idle"
    assert not is_signed_in(client)


def test_patients_may_be_idle_for_thirty_minutes(client_for: Any, clock: Any) -> None:
    client = client_for("patient")
    client.get("/portal/")
    later(clock, minutes=29)
    assert client.get("/portal/").status_code == 200
    later(clock, minutes=29 + 30, seconds=1)
    response = client.get("/portal/")
    assert response["Location"] == "/login/?next=%2Fportal%2F&expired=idle"


def test_every_session_ends_after_twelve_hours_however_active(client_for: Any, clock: Any) -> None:
    client = client_for("therapist")
    client.get("/patients/")
    minutes = 0
    while minutes + 14 < 12 * 60:
        minutes += 14
        later(clock, minutes=minutes)
        assert client.get("/patients/").status_code == 200
    later(clock, hours=12, seconds=1)
    response = client.get("/patients/")
    assert response["Location"] == "/login/?next=%2Fpatients%2F&expired=max"
    assert not is_signed_in(client)


def test_htmx_requests_get_hx_redirect_instead_of_a_redirect(client_for: Any, clock: Any) -> None:
    client = client_for("therapist")
    client.get("/patients/")
    later(clock, minutes=16)
    response = client.get("/patients/", headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"] == "/login/?next=%2Fpatients%2F&expired=idle"


def test_a_post_after_expiry_returns_to_the_page_path(client_for: Any, clock: Any) -> None:
    client = client_for("therapist")
    client.get("/patients/")
    later(clock, minutes=16)
    response = client.post("/patients/new/?from=list", {"given_name": "A"})
    assert response["Location"] == "/login/?next=%2Fpatients%2Fnew%2F&expired=idle"


def test_the_status_check_does_not_count_as_activity(client_for: Any, clock: Any) -> None:
    client = client_for("therapist")
    client.get("/patients/")
    later(clock, minutes=10)
    status = client.get(reverse("session_status"))
    assert json.loads(status.content) == {"signed_in": True, "remaining_seconds": 5 * 60}
    later(clock, minutes=15, seconds=30)
    assert client.get("/patients/")["Location"].endswith("expired=idle")


def test_the_status_check_reports_a_session_that_has_expired(client_for: Any, clock: Any) -> None:
    client = client_for("therapist")
    client.get("/patients/")
    later(clock, minutes=16)
    status = client.get(reverse("session_status"))
    assert status.status_code == 200
    assert json.loads(status.content) == {"signed_in": False, "remaining_seconds": 0}
    assert not is_signed_in(client)


def test_a_keepalive_post_counts_as_activity(client_for: Any, clock: Any) -> None:
    client = client_for("therapist")
    client.get("/patients/")
    later(clock, minutes=10)
    response = client.post(reverse("session_keepalive"))
    assert json.loads(response.content) == {"signed_in": True, "remaining_seconds": 15 * 60}
    later(clock, minutes=24)
    assert client.get("/patients/").status_code == 200


def test_a_keepalive_after_expiry_answers_401_and_does_not_revive_the_session(
    client_for: Any, clock: Any
) -> None:
    client = client_for("therapist")
    client.get("/patients/")
    later(clock, minutes=16)
    response = client.post(reverse("session_keepalive"))
    assert response.status_code == 401
    assert json.loads(response.content) == {"signed_in": False, "remaining_seconds": 0}
    assert not is_signed_in(client)


def test_a_keepalive_must_be_a_post(client_for: Any) -> None:
    assert client_for("therapist").get(reverse("session_keepalive")).status_code == 405


def test_an_idle_session_cannot_be_used_for_the_api(client_for: Any, clock: Any) -> None:
    client = client_for("therapist")
    assert client.get("/api/v1/me").status_code == 200
    later(clock, minutes=16)
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert json.loads(response.content)["title"] == "Session expired"
    assert not is_signed_in(client)


def test_api_use_with_the_session_counts_as_activity(client_for: Any, clock: Any) -> None:
    client = client_for("therapist")
    client.get("/patients/")
    later(clock, minutes=10)
    client.get("/api/v1/me")
    later(clock, minutes=24)
    assert client.get("/patients/").status_code == 200


def test_the_login_page_explains_an_idle_sign_out(world: Any) -> None:
    response = Client().get("/login/?next=/patients/&expired=idle")
    assert "period of inactivity" in response.text
    assert 'name="next" value="/patients/"' in response.text


def test_signing_in_again_returns_to_the_page_that_expired(world: Any, settings: Any) -> None:
    settings.KAPCARE_REQUIRE_MFA = False
    client = Client()
    response = post_login(client, "therapist@example.com", next="/patients/?q=Riv")
    assert response["Location"] == "/patients/?q=Riv"


def test_the_session_cookie_does_not_outlive_the_absolute_limit() -> None:
    assert settings.SESSION_COOKIE_AGE == settings.KAPCARE_SESSION_MAX_HOURS * 3600 == 12 * 3600
