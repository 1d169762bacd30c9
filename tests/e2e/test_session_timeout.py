"""Idle sessions: a warning before sign-out, and nothing typed is lost when signing in again."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import (
    authenticator_code,
    check_accessibility,
    enter_code,
    sign_in_staff,
    submit_login,
    totp_device,
)

pytestmark = pytest.mark.e2e


def test_staff_are_warned_before_the_idle_sign_out_and_can_stay_signed_in(
    live_world: Any, page: Page
) -> None:
    sign_in_staff(page, live_world, "therapist")
    page.clock.install()
    page.goto(f"/patients/{live_world.jordan.pk}/")
    dialog = page.get_by_role("dialog", name="Still there?")
    expect(dialog).to_be_hidden()

    page.clock.fast_forward("14:00")  # fourteen quiet minutes of the fifteen allowed
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("you will be signed out in")
    expect(page.locator("#idle-countdown")).to_have_text(re.compile(r"^[01]:\d\d$"))
    check_accessibility(page)

    with page.expect_response(re.compile(r"/session/keepalive/")) as keepalive:
        dialog.get_by_role("button", name="Stay signed in").click()
    assert keepalive.value.ok
    expect(dialog).to_be_hidden()
    page.clock.fast_forward("10:00")  # the countdown started again: no warning ten minutes later...
    expect(dialog).to_be_hidden()
    page.clock.fast_forward("04:00")  # ...and the next one fourteen minutes after "Stay signed in"
    expect(dialog).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/patients/{live_world.jordan.pk}/$"))


def expire_server_session(page: Page, *, idle_minutes: int) -> None:
    """Make the server see the session as quiet for ``idle_minutes`` (the person walked away)."""
    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore

    from kapcare.accounts.middleware import LAST_SEEN_KEY

    cookie = next(c for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME)
    session = SessionStore(session_key=cookie["value"])
    session[LAST_SEEN_KEY] = time.time() - idle_minutes * 60
    session.save()


def test_a_half_written_note_survives_the_idle_sign_out(live_world: Any, page: Page) -> None:
    therapist = live_world.users["therapist"]
    notes_url = f"/patients/{live_world.jordan.pk}/notes/"
    sign_in_staff(page, live_world, "therapist", notes_url)
    page.clock.install()
    page.goto(notes_url)
    form = page.get_by_role("region", name="Write a note")
    form.get_by_label("Title").fill("Integration session")
    form.get_by_label("Note", exact=True).fill(
        "Jordan described the session as calm; we talked about"
    )
    form.get_by_label("Who may read it").select_option(label="Care team only")

    # The therapist is called away. Fifteen quiet minutes later the server has ended the
    # session, and the page signs itself out.
    expire_server_session(page, idle_minutes=16)
    page.clock.fast_forward("15:05")

    expect(page).to_have_url(re.compile(r"/login/\?.*expired=idle"))
    expect(page.get_by_role("status")).to_contain_text("signed out after a period of inactivity")
    check_accessibility(page)
    submit_login(page, therapist.email)
    expect(page.get_by_role("heading", name="Enter your sign-in code")).to_be_visible()
    enter_code(page, authenticator_code(totp_device(therapist)), "Verify")

    expect(page).to_have_url(re.compile(rf"{notes_url}$"))
    form = page.get_by_role("region", name="Write a note")
    expect(form.get_by_role("status")).to_contain_text("We restored what you had typed")
    expect(form.get_by_label("Title")).to_have_value("Integration session")
    expect(form.get_by_label("Note", exact=True)).to_have_value(
        "Jordan described the session as calm; we talked about"
    )
    expect(form.get_by_label("Who may read it")).to_have_value("care_team")
    check_accessibility(page)

    form.get_by_label("Note", exact=True).press_sequentially(" next steps.")
    form.get_by_role("button", name="Sign and add note").click()
    saved = page.get_by_role("article").filter(has_text="Integration session")
    expect(saved).to_contain_text("we talked about next steps.")
    expect(saved).to_contain_text("Care team only")
    page.reload()  # a signed note leaves no draft behind
    expect(page.get_by_text("We restored what you had typed")).to_have_count(0)
