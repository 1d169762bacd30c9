"""TOTP two-factor sign-in for staff: enrolment, verification, recovery codes, who is asked."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kapcare.accounts.services import RECOVERY_CODE_COUNT
from kapcare.audit.models import AuditEvent
from tests.accounts.helpers import code_for, post_login, totp_device

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def password_only(email: str, **extra: Any) -> tuple[Client, Any]:
    client = Client()
    response = post_login(client, email, **extra)
    return client, response


def enrol(client: Client, next_url: str = "/") -> list[str]:
    """Walk through enrolment with the right code; return the recovery codes shown."""
    client.get(reverse("mfa_setup"))
    device = TOTPDevice.objects.get(confirmed=False)
    response = client.post(reverse("mfa_setup"), {"token": code_for(device), "next": next_url})
    assert response.status_code == 302, response.content
    page = client.get(response["Location"])
    return re.findall(r"<li>([a-z2-7]{8})</li>", page.text)


def test_staff_without_a_device_are_sent_to_enrolment_after_the_password(world: Any) -> None:
    _, response = password_only("nurse@example.com", next="/patients/")
    assert response.status_code == 302
    assert response["Location"] == "/mfa/setup/?next=%2Fpatients%2F"


def test_staff_with_a_device_are_sent_to_verification_after_the_password(world: Any) -> None:
    totp_device(world.users["nurse"])
    _, response = password_only("nurse@example.com", next="/patients/")
    assert response.status_code == 302
    assert response["Location"] == "/mfa/verify/?next=%2Fpatients%2F"


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/patients/",
        "/patients/new/",
        "/patients/1/",
        "/account/",
        "/staff/",
        "/audit/",
        "/clinic/tokens/",
    ],
)
def test_every_staff_page_redirects_to_verification_until_verified(world: Any, path: str) -> None:
    totp_device(world.users["admin"])
    client, _ = password_only("admin@example.com")
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/mfa/verify/?next=")


def test_the_api_answers_401_problem_until_verified(world: Any) -> None:
    totp_device(world.users["nurse"])
    client, _ = password_only("nurse@example.com")
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    body = json.loads(response.content)
    assert body["title"] == "Two-factor verification required"
    assert body["status"] == 401


def test_the_right_code_verifies_and_continues_to_the_page_asked_for(world: Any) -> None:
    device = totp_device(world.users["nurse"])
    client, _ = password_only("nurse@example.com")
    response = client.post(
        reverse("mfa_verify"), {"token": code_for(device), "next": "/patients/?q=Riv"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/patients/?q=Riv"
    assert client.get("/patients/").status_code == 200
    assert AuditEvent.objects.filter(action="mfa", object_type="otp.verify").count() == 1


def test_verification_never_redirects_to_another_site(world: Any) -> None:
    device = totp_device(world.users["nurse"])
    client, _ = password_only("nurse@example.com")
    response = client.post(
        reverse("mfa_verify"), {"token": code_for(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_a_wrong_code_is_refused_and_audited(world: Any) -> None:
    device = totp_device(world.users["nurse"])
    client, _ = password_only("nurse@example.com")
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("mfa_verify"), {"token": wrong})
    assert response.status_code == 200
    assert "That code did not match" in response.text
    assert client.get("/patients/").status_code == 302
    row = AuditEvent.objects.get(action="login_failed", object_type="otp.verify")
    assert row.actor == world.users["nurse"]


def test_enrolment_with_the_right_code_confirms_the_device_and_shows_ten_recovery_codes_once(
    world: Any,
) -> None:
    client, _ = password_only("nurse@example.com")
    page = client.get(reverse("mfa_setup"))
    assert page.status_code == 200
    assert "<svg" in page.text
    codes = enrol(client, next_url="/patients/")
    assert len(codes) == RECOVERY_CODE_COUNT == 10
    assert len(set(codes)) == 10
    assert TOTPDevice.objects.get(user=world.users["nurse"]).confirmed
    # Stored as a django-otp static device, and shown only once.
    assert StaticToken.objects.filter(device__user=world.users["nurse"]).count() == 10
    again = client.get(reverse("mfa_recovery_codes"))
    assert again.status_code == 302
    # Enrolment also completes this sign-in.
    assert client.get("/patients/").status_code == 200


def test_enrolment_with_a_wrong_code_leaves_the_device_unconfirmed(world: Any) -> None:
    client, _ = password_only("nurse@example.com")
    client.get(reverse("mfa_setup"))
    device = TOTPDevice.objects.get(user=world.users["nurse"])
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("mfa_setup"), {"token": wrong})
    assert response.status_code == 200
    assert "That code did not match" in response.text
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get("/patients/").status_code == 302


def test_enrolment_names_the_field_when_the_code_is_not_six_digits(world: Any) -> None:
    client, _ = password_only("nurse@example.com")
    response = client.post(reverse("mfa_setup"), {"token": "12ab"})
    assert response.status_code == 200
    assert "Six-digit code from your app: Enter the 6 digits" in response.text


def test_a_recovery_code_works_once(world: Any) -> None:
    with time_machine.travel(START, tick=False):
        client, _ = password_only("nurse@example.com")
        codes = enrol(client)
        client.post(reverse("logout"))

        client, _ = password_only("nurse@example.com")
        response = client.post(reverse("mfa_verify"), {"token": codes[0], "next": "/patients/"})
        assert response["Location"] == "/patients/"
        assert client.get("/patients/").status_code == 200
        client.post(reverse("logout"))

        client, _ = password_only("nurse@example.com")
        response = client.post(reverse("mfa_verify"), {"token": codes[0]})
        assert response.status_code == 200
        assert client.get("/patients/").status_code == 302
    assert StaticToken.objects.filter(device__user=world.users["nurse"]).count() == 9


def test_patients_are_not_asked_for_a_second_factor(world: Any) -> None:
    client, response = password_only("patient@example.com")
    assert response["Location"] == "/"
    assert client.get("/portal/").status_code == 200


def test_support_persons_are_not_asked_for_a_second_factor(world: Any) -> None:
    client, response = password_only("support@example.com")
    assert response["Location"] == "/"
    assert client.get("/support/").status_code == 200


def test_turning_the_setting_off_lets_staff_in_with_the_password_alone(
    world: Any, settings: Any
) -> None:
    settings.KAPCARE_REQUIRE_MFA = False
    client, response = password_only("nurse@example.com", next="/patients/")
    assert response["Location"] == "/patients/"
    assert client.get("/patients/").status_code == 200
    assert client.get("/api/v1/me").status_code == 200


def test_a_password_alone_cannot_replace_an_enrolled_authenticator(world: Any) -> None:
    device = totp_device(world.users["nurse"])
    client, _ = password_only("nurse@example.com")
    response = client.get(reverse("mfa_setup"))
    assert response.status_code == 302
    assert response["Location"].startswith("/mfa/verify/")
    response = client.post(reverse("mfa_setup"), {"token": "123456"})
    assert response.status_code == 302
    assert list(TOTPDevice.objects.filter(user=world.users["nurse"])) == [device]


def test_linking_a_different_phone_needs_a_step_up_first(world: Any) -> None:
    client = Client()
    client.force_login(world.users["nurse"])
    device = totp_device(world.users["nurse"])
    with time_machine.travel(START, tick=False):
        client.post(reverse("mfa_verify"), {"token": code_for(device)})
        response = client.get(reverse("mfa_setup"))
        assert response.status_code == 302
        assert response["Location"] == "/mfa/step-up/?next=%2Fmfa%2Fsetup%2F"
    with time_machine.travel(START + dt.timedelta(seconds=40), tick=False):
        client.post(reverse("mfa_step_up"), {"token": code_for(device), "next": "/mfa/setup/"})
        assert client.get(reverse("mfa_setup")).status_code == 200
        new_device = TOTPDevice.objects.get(user=world.users["nurse"], confirmed=False)
        response = client.post(reverse("mfa_setup"), {"token": code_for(new_device)})
        assert response.status_code == 302
    assert list(TOTPDevice.objects.filter(user=world.users["nurse"])) == [new_device]


def test_a_change_posted_before_verification_is_not_made(world: Any) -> None:
    from kapcare.accounts.models import Invitation

    totp_device(world.users["admin"])
    client, _ = password_only("admin@example.com")
    response = client.post(
        "/staff/", {"full_name": "Rowan Blake", "email": "rowan@example.com", "role": "nurse"}
    )
    assert response["Location"].startswith("/mfa/verify/")
    assert not Invitation.objects.exists()


def test_signing_out_works_before_verification(world: Any) -> None:
    totp_device(world.users["nurse"])
    client, _ = password_only("nurse@example.com")
    assert client.post(reverse("logout"))["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session
