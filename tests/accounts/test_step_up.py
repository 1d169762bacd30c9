"""Step-up: re-enter the second factor (or the password where there is none) before danger."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kapcare.accounts.mfa import STEP_UP_KEY, mark_stepped_up, step_up_required
from kapcare.accounts.services import recovery_codes_issue
from kapcare.audit.models import AuditEvent
from tests.accounts.helpers import PASSWORD, code_for

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@step_up_required
def sign_the_plan(request: HttpRequest) -> HttpResponse:
    """A test-only dangerous view."""
    return HttpResponse("signed")


def request_for(
    user: Any, method: str = "get", path: str = "/plans/7/sign/?draft=1", **headers: Any
) -> Any:
    request = getattr(RequestFactory(), method)(path, **headers)
    request.user = user if user is not None else AnonymousUser()
    request.session = SessionStore()
    return request


def device_of(user: Any) -> TOTPDevice:
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="test", defaults={"confirmed": True}
    )
    return device


# The decorator --------------------------------------------------------------


def test_the_decorator_sends_a_get_to_the_step_up_page_with_the_full_path(world: Any) -> None:
    response = sign_the_plan(request_for(world.users["prescriber"]))
    assert response.status_code == 302
    assert response["Location"] == "/mfa/step-up/?next=%2Fplans%2F7%2Fsign%2F%3Fdraft%3D1"


def test_the_decorator_sends_a_post_back_to_the_path_only(world: Any) -> None:
    response = sign_the_plan(request_for(world.users["prescriber"], "post"))
    assert response["Location"] == "/mfa/step-up/?next=%2Fplans%2F7%2Fsign%2F"


def test_the_decorator_answers_htmx_with_hx_redirect(world: Any) -> None:
    response = sign_the_plan(request_for(world.users["prescriber"], headers={"HX-Request": "true"}))
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith("/mfa/step-up/?next=")


def test_the_decorator_lets_the_view_run_once_stepped_up(world: Any) -> None:
    request = request_for(world.users["prescriber"])
    mark_stepped_up(request)
    assert sign_the_plan(request).content == b"signed"


def test_a_step_up_lasts_the_configured_minutes(world: Any, settings: Any) -> None:
    settings.KAPCARE_STEP_UP_MINUTES = 5
    request = request_for(world.users["prescriber"])
    with time_machine.travel(START, tick=False):
        mark_stepped_up(request)
    with time_machine.travel(START + dt.timedelta(minutes=4, seconds=59), tick=False):
        assert sign_the_plan(request).status_code == 200
    with time_machine.travel(START + dt.timedelta(minutes=5, seconds=1), tick=False):
        assert sign_the_plan(request).status_code == 302


def test_the_decorator_marks_the_view_for_the_access_matrix() -> None:
    assert sign_the_plan.step_up is True  # type: ignore[attr-defined]


# The step-up page -----------------------------------------------------------


def test_the_right_code_marks_the_session_and_returns_to_next(world: Any, client_for: Any) -> None:
    client = client_for("prescriber")
    device = device_of(world.users["prescriber"])
    response = client.post(
        reverse("mfa_step_up"), {"token": code_for(device), "next": "/plans/7/sign/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/plans/7/sign/"
    assert STEP_UP_KEY in client.session
    assert AuditEvent.objects.filter(action="mfa", object_type="otp.step_up").count() == 1


def test_a_wrong_code_is_refused(world: Any, client_for: Any) -> None:
    client = client_for("prescriber")
    device = device_of(world.users["prescriber"])
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("mfa_step_up"), {"token": wrong, "next": "/plans/7/sign/"})
    assert response.status_code == 200
    assert "That did not match" in response.text
    assert STEP_UP_KEY not in client.session
    row = AuditEvent.objects.get(action="login_failed", object_type="otp.step_up")
    assert row.actor == world.users["prescriber"]


def test_the_step_up_page_asks_for_the_code_when_the_user_has_a_device(
    world: Any, client_for: Any
) -> None:
    response = client_for("prescriber").get(reverse("mfa_step_up"))
    assert 'name="token"' in response.text
    assert 'name="password"' not in response.text


def test_where_mfa_is_off_and_there_is_no_device_the_password_is_asked(
    world: Any, settings: Any
) -> None:
    settings.KAPCARE_REQUIRE_MFA = False
    client = Client()
    client.force_login(world.users["therapist"])
    page = client.get(reverse("mfa_step_up"))
    assert 'name="password"' in page.text
    wrong = client.post(reverse("mfa_step_up"), {"password": "not-my-password", "next": "/x/"})
    assert wrong.status_code == 200
    assert STEP_UP_KEY not in client.session
    right = client.post(reverse("mfa_step_up"), {"password": PASSWORD, "next": "/x/"})
    assert right["Location"] == "/x/"
    assert STEP_UP_KEY in client.session


def test_a_patient_confirms_with_their_password(world: Any, client_for: Any) -> None:
    client = client_for("patient")
    response = client.post(reverse("mfa_step_up"), {"password": PASSWORD, "next": "/portal/"})
    assert response["Location"] == "/portal/"


def test_password_step_up_guesses_count_towards_the_lockout(world: Any, client_for: Any) -> None:
    client = client_for("patient")
    for _ in range(10):
        client.post(reverse("mfa_step_up"), {"password": "wrong-guess-123"})
    response = client.post(reverse("mfa_step_up"), {"password": PASSWORD})
    assert response.status_code == 429
    assert STEP_UP_KEY not in client.session


@pytest.mark.parametrize("persona", ["anonymous"])
def test_the_step_up_page_needs_a_signed_in_person(
    world: Any, client_for: Any, persona: str
) -> None:
    response = client_for(persona).get(reverse("mfa_step_up"))
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


# Regenerating recovery codes requires a step-up ---------------------------------


def test_new_recovery_codes_need_a_step_up_then_replace_the_old_ones(
    world: Any, client_for: Any
) -> None:
    user = world.users["prescriber"]
    client = client_for("prescriber")
    device = device_of(user)
    old_codes = recovery_codes_issue(user)
    with time_machine.travel(START, tick=False):
        response = client.post(reverse("accounts:regenerate_codes"))
        assert response.status_code == 302
        assert response["Location"] == "/mfa/step-up/?next=%2Faccount%2F"
        assert StaticToken.objects.filter(device__user=user, token__in=old_codes).count() == 10

        client.post(reverse("mfa_step_up"), {"token": code_for(device), "next": "/account/"})
        response = client.post(reverse("accounts:regenerate_codes"))
        assert response["Location"] == reverse("mfa_recovery_codes")
        page = client.get(response["Location"])
        new_codes = re.findall(r"<li>([a-z2-7]{8})</li>", page.text)
    assert len(new_codes) == 10
    assert not set(new_codes) & set(old_codes)
    assert not StaticToken.objects.filter(device__user=user, token__in=old_codes).exists()
    with time_machine.travel(START + dt.timedelta(minutes=6), tick=False):
        response = client.post(reverse("accounts:regenerate_codes"))
        assert response["Location"].startswith("/mfa/step-up/")


def test_recovery_codes_cannot_be_made_without_an_authenticator(
    world: Any, client_for: Any
) -> None:
    response = client_for("patient").post(reverse("accounts:regenerate_codes"))
    assert response.status_code == 403
