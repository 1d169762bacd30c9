"""A therapist's first sign-in (password, authenticator, recovery codes), then a daily one."""

from __future__ import annotations

import base64
import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import (
    authenticator_code,
    check_accessibility,
    enter_code,
    screenshot,
    submit_login,
    totp_device,
)

pytestmark = pytest.mark.e2e


def code_from_secret(secret_text: str) -> str:
    """What an authenticator app shows after the person types in the key from the setup page."""
    from django_otp.oath import totp

    secret = secret_text.replace(" ", "").upper()
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{totp(key):06d}"


def test_a_therapist_sets_up_two_factor_sign_in_then_signs_in_with_a_code(
    live_world: Any, page: Page
) -> None:
    therapist = live_world.users["therapist"]

    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login/"))
    expect(page.get_by_role("heading", name="Sign in to kapcare")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "login.png")

    submit_login(page, therapist.email)
    expect(page).to_have_url(re.compile(r"/mfa/setup/"))
    expect(page.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    secret = page.get_by_test_id("totp-secret")
    expect(secret).to_have_text(re.compile(r"^[A-Z2-7]{4}( [A-Z2-7]{1,4})+$"))
    check_accessibility(page)
    screenshot(page, "mfa-setup.png")

    enter_code(page, code_from_secret(secret.inner_text()), "Confirm and continue")
    expect(page.get_by_role("heading", name="Save your recovery codes")).to_be_visible()
    codes = page.get_by_test_id("recovery-codes").get_by_role("listitem")
    expect(codes).not_to_have_count(0)
    check_accessibility(page)

    page.get_by_role("link", name="I have saved them").click()
    expect(page).to_have_url(re.compile(r"/patients/$"))
    expect(page.get_by_role("heading", name="Patients", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Jordan Rivera")).to_be_visible()
    expect(page.get_by_role("banner")).to_contain_text("Theo Okafor · Therapist")
    check_accessibility(page)
    screenshot(page, "patient-list.png")

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in to kapcare")).to_be_visible()
    page.goto("/patients/")
    expect(page).to_have_url(re.compile(r"/login/\?next=(/|%2F)patients(/|%2F)"))
    check_accessibility(page)

    submit_login(page, therapist.email)
    expect(page).to_have_url(re.compile(r"/mfa/verify/"))
    expect(page.get_by_role("heading", name="Enter your sign-in code")).to_be_visible()
    check_accessibility(page)
    enter_code(page, authenticator_code(totp_device(therapist)), "Verify")
    expect(page).to_have_url(re.compile(r"/patients/$"))
    expect(page.get_by_role("link", name="Jordan Rivera")).to_be_visible()
    check_accessibility(page)
