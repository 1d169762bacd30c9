"""Signing in with email and password, signing out, and django-axes lockout."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse

from kapcare.audit.models import AuditEvent
from tests.accounts.helpers import PASSWORD, audit_actions, page_without_secrets, post_login

WRONG_MESSAGE = "Email or password is incorrect"


def session_cookie(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def fail_login(client: Client, email: str, times: int, ip: str = "127.0.0.1") -> Any:
    response = None
    for _ in range(times):
        response = post_login(client, email, "not-the-password", REMOTE_ADDR=ip)
    return response


def test_the_login_page_asks_for_email_and_password(world: Any) -> None:
    response = Client().get(reverse("login"))
    assert response.status_code == 200
    assert 'type="email"' in response.text
    assert 'name="password"' in response.text


def test_a_patient_signs_in_with_email_and_password(world: Any) -> None:
    client = Client()
    response = post_login(client, "patient@example.com")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.users["patient"].pk)


def test_the_email_is_not_case_sensitive_at_sign_in(world: Any) -> None:
    client = Client()
    response = post_login(client, "Patient@Example.COM")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.users["patient"].pk)


def test_a_wrong_password_and_an_unknown_email_get_the_same_message(world: Any) -> None:
    wrong_password = post_login(Client(), "patient@example.com", "wrong-password-1")
    unknown_email = post_login(Client(), "nobody@example.com", "wrong-password-1")
    assert wrong_password.status_code == unknown_email.status_code == 200
    assert WRONG_MESSAGE in wrong_password.text
    assert WRONG_MESSAGE in unknown_email.text
    strip = lambda html: html.replace("patient@example.com", "X").replace("nobody@example.com", "X")  # noqa: E731
    assert strip(wrong_password.context["form"].errors.as_text()) == strip(
        unknown_email.context["form"].errors.as_text()
    )


def test_the_session_key_is_rotated_at_login(world: Any) -> None:
    client = Client()
    client.get(reverse("login"))
    session = client.session
    session["before_login"] = True
    session.save()
    before = session_cookie(client)
    post_login(client, "patient@example.com")
    assert session_cookie(client) != before


def test_logout_by_post_ends_the_session(world: Any) -> None:
    client = Client()
    post_login(client, "patient@example.com")
    key = session_cookie(client)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    from django.contrib.sessions.models import Session

    assert not Session.objects.filter(session_key=key).exists()
    assert client.get(reverse("portal:home")).status_code == 302
    assert audit_actions(actor=world.users["patient"])[-1] == "logout"


def test_logout_by_get_is_refused(world: Any) -> None:
    client = Client()
    post_login(client, "patient@example.com")
    assert client.get(reverse("logout")).status_code == 405
    assert "_auth_user_id" in client.session


def test_a_successful_login_is_audited(world: Any) -> None:
    post_login(Client(), "patient@example.com")
    row = AuditEvent.objects.get(action="login")
    assert row.actor == world.users["patient"]
    assert row.object_id == str(world.users["patient"].pk)
    assert row.ip == "127.0.0.1"


def test_a_failed_login_is_audited_with_the_attempted_email(world: Any) -> None:
    post_login(Client(), "nobody@example.com", "wrong-password-1")
    row = AuditEvent.objects.get(action="login_failed")
    assert row.actor is None
    assert row.outcome == "failure"
    assert row.detail == {"attempted_email": "nobody@example.com"}


def test_it_locks_the_account_after_ten_failures(world: Any) -> None:
    client = Client()
    ninth = fail_login(client, "patient@example.com", 9)
    assert ninth.status_code == 200
    tenth = fail_login(client, "patient@example.com", 1)
    assert tenth.status_code == 429
    # Even the right password is refused while locked, with the same answer.
    locked = post_login(client, "patient@example.com", PASSWORD)
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lockout_is_keyed_on_the_username_from_any_address(world: Any) -> None:
    for n in range(10):
        post_login(
            Client(), "patient@example.com", "wrong-password-1", REMOTE_ADDR=f"10.0.0.{n + 1}"
        )
    response = post_login(Client(), "patient@example.com", PASSWORD, REMOTE_ADDR="10.0.1.1")
    assert response.status_code == 429


def test_the_lockout_is_keyed_on_the_username_whatever_its_case(world: Any) -> None:
    for n in range(10):
        email = "patient@example.com" if n % 2 else "PATIENT@example.com"
        post_login(Client(), email, "wrong-password-1", REMOTE_ADDR=f"10.0.0.{n + 1}")
    response = post_login(Client(), "Patient@Example.com", PASSWORD, REMOTE_ADDR="10.0.1.1")
    assert response.status_code == 429


def test_the_lockout_is_keyed_on_the_address_across_usernames(world: Any) -> None:
    for n in range(10):
        post_login(Client(), f"guess{n}@example.com", "wrong-password-1", REMOTE_ADDR="10.9.9.9")
    from_same_address = post_login(
        Client(), "patient@example.com", PASSWORD, REMOTE_ADDR="10.9.9.9"
    )
    assert from_same_address.status_code == 429
    from_elsewhere = post_login(Client(), "patient@example.com", PASSWORD, REMOTE_ADDR="10.8.8.8")
    assert from_elsewhere.status_code == 302


def test_a_lockout_reveals_nothing_about_whether_the_account_exists(world: Any) -> None:
    existing = fail_login(Client(), "patient@example.com", 10, ip="10.1.1.1")
    unknown = fail_login(Client(), "nobody@example.com", 10, ip="10.2.2.2")
    assert existing.status_code == unknown.status_code == 429
    assert page_without_secrets(existing) == page_without_secrets(unknown)


def test_the_lockout_is_audited(world: Any) -> None:
    fail_login(Client(), "patient@example.com", 10)
    rows = AuditEvent.objects.filter(action="lockout")
    assert rows.count() == 1
    assert rows.get().outcome == "denied"
    assert rows.get().detail == {"attempted_email": "patient@example.com"}


def test_the_lockout_ends_after_fifteen_minutes(world: Any) -> None:
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        fail_login(Client(), "patient@example.com", 10)
        assert post_login(Client(), "patient@example.com").status_code == 429
    with time_machine.travel(start + dt.timedelta(minutes=16), tick=False):
        assert post_login(Client(), "patient@example.com").status_code == 302


def test_an_attempt_during_the_lockout_does_not_extend_it(world: Any) -> None:
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        fail_login(Client(), "patient@example.com", 10)
    with time_machine.travel(start + dt.timedelta(minutes=14), tick=False):
        assert post_login(Client(), "patient@example.com").status_code == 429
    with time_machine.travel(start + dt.timedelta(minutes=16), tick=False):
        assert post_login(Client(), "patient@example.com").status_code == 302


def test_a_successful_login_resets_the_failure_count(world: Any) -> None:
    fail_login(Client(), "patient@example.com", 9)
    assert post_login(Client(), "patient@example.com").status_code == 302
    assert fail_login(Client(), "patient@example.com", 9).status_code == 200


def test_a_signed_in_person_visiting_the_login_page_goes_home(world: Any, client_for: Any) -> None:
    response = client_for("patient").get(reverse("login"))
    assert response.status_code == 302
