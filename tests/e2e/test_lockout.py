"""Guessing passwords: ten failures pause sign-in; the page never says if the account exists."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import PASSWORD, check_accessibility, screenshot, submit_login

pytestmark = pytest.mark.e2e

FAILURES_BEFORE_LOCKOUT = 10


def fail_to_sign_in(page: Page, email: str) -> None:
    """Nine wrong passwords are told "incorrect"; the tenth failure itself pauses sign-in."""
    for attempt in range(1, FAILURES_BEFORE_LOCKOUT):
        submit_login(page, email, f"wrong-password-{attempt}")
        expect(page.get_by_role("alert")).to_contain_text("Email or password is incorrect")
        if attempt == 1:
            check_accessibility(page)  # the form with its error summary
    with page.expect_response(re.compile(r"/login/")) as answer:
        submit_login(page, email, f"wrong-password-{FAILURES_BEFORE_LOCKOUT}")
    assert answer.value.status == 429
    expect_lockout_page(page)


def expect_lockout_page(page: Page) -> None:
    expect(page.get_by_role("heading", name="Too many sign-in attempts")).to_be_visible()
    expect(page.get_by_text("sign-in is paused for 15 minutes")).to_be_visible()
    expect(page.get_by_role("link", name="Reset password")).to_be_visible()


def test_a_known_account_is_locked_after_ten_wrong_passwords_even_for_the_right_one(
    live_world: Any, page: Page
) -> None:
    page.goto("/login/")
    check_accessibility(page)
    fail_to_sign_in(page, "prescriber@example.com")
    page.goto("/login/")

    with page.expect_response(re.compile(r"/login/")) as answer:
        submit_login(page, "prescriber@example.com", PASSWORD)
    assert answer.value.status == 429
    expect_lockout_page(page)
    expect(page.get_by_role("main")).not_to_contain_text("prescriber@example.com")
    expect(page).not_to_have_url(re.compile(r"/mfa/"))
    check_accessibility(page)
    screenshot(page, "lockout.png")


def test_an_unknown_email_gets_the_same_lockout_page_after_ten_failures(
    live_world: Any, page: Page
) -> None:
    page.goto("/login/")
    fail_to_sign_in(page, "nobody-here@example.com")
    page.goto("/login/")

    with page.expect_response(re.compile(r"/login/")) as answer:
        submit_login(page, "nobody-here@example.com", "another-guess-entirely")
    assert answer.value.status == 429
    expect_lockout_page(page)
    expect(page.get_by_role("main")).not_to_contain_text("nobody-here@example.com")
    check_accessibility(page)
