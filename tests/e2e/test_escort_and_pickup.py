"""On a phone: the support person confirms escort duty for Jordan's next session and the
nurse's readiness gate shows it; at discharge they confirm pickup and the nurse sees it.
At the desk: the therapist reads what followed a finished session beside it."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import check_accessibility, screenshot, sign_in_staff, submit_login

pytestmark = pytest.mark.e2e


def _no_sideways_scroll(page: Page) -> None:
    fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert fits, f"{page.url} scrolls sideways on a phone"


def _sign_in_support(page: Page) -> None:
    page.goto("/")
    submit_login(page, "support@example.com")
    expect(page.get_by_role("heading", name="Supporting Jordan")).to_be_visible()


def test_the_support_person_confirms_escort_duty_and_pickup_and_the_nurse_sees_both(
    live_world: Any, new_context: Any
) -> None:
    from django.utils import timezone

    from kapcare.dosing.services import session_open
    from tests.dosing.conftest import actor_of, force_state, prepared
    from tests.integration.sessions import book
    from tests.support.helpers import grant

    grant(live_world, "appointments", "escort", "checkins")
    appointment = book(live_world, start=timezone.now() + dt.timedelta(minutes=30))
    session = session_open(actor=actor_of(live_world, "nurse"), appointment=appointment)
    prepared(live_world, session)

    phone = new_context(phone=True).new_page()
    _sign_in_support(phone)
    expect(phone.get_by_role("heading", name="Next session you escort")).to_be_visible()
    check_accessibility(phone)
    phone.get_by_role("button", name=re.compile("Confirm escort duty")).click()
    expect(
        phone.get_by_text(re.compile("Thank you. The clinic knows you will take Jordan home on"))
    ).to_be_visible()
    expect(phone.get_by_text(re.compile("The clinic's nurse can see this"))).to_be_visible()
    check_accessibility(phone)
    _no_sideways_scroll(phone)
    screenshot(phone, "support-person-escort.png")

    desk = new_context().new_page()
    console = f"/patients/{live_world.jordan.pk}/sessions/{session.pk}/"
    sign_in_staff(desk, live_world, "nurse", console)
    escort = desk.locator("#gate-escort")
    expect(escort).to_contain_text("Escort home arranged")
    expect(escort).to_contain_text("Confirmed by Casey Rivera (sibling) on")
    check_accessibility(desk)

    force_state(session, "recovery", dose_started_at=timezone.now(), recovery_at=timezone.now())
    phone.reload()
    expect(phone.get_by_role("heading", name="Today: taking Jordan home")).to_be_visible()
    phone.get_by_role("button", name="I am here to take Jordan home").click()
    expect(phone.get_by_text("The nurse can see that you are here")).to_be_visible()
    check_accessibility(phone)
    _no_sideways_scroll(phone)
    screenshot(phone, "support-person-pickup.png")

    desk.goto(f"{console}discharge/")
    expect(desk.locator("#pickup")).to_contain_text("Casey Rivera (sibling) said at")
    check_accessibility(desk)


def test_the_therapist_reads_what_followed_a_session_beside_it(
    live_world: Any, new_context: Any
) -> None:
    from kapcare.integration import followup, notes, services
    from tests.integration.helpers import patient_actor, staff_actor
    from tests.integration.sessions import discharge, held_session, reflections_in_plan

    reflections_in_plan(live_world)
    session = discharge(live_world, held_session(live_world, days_ago=2))
    me = patient_actor(live_world)
    services.journal_entry_save(
        actor=me, body="I saw the sea and felt held.", mood=7, session=session, share=True
    )
    services.journal_entry_save(
        actor=me, body="Private thoughts about work.", mood=4, session=session
    )
    notes.integration_note_sign(
        actor=staff_actor(live_world, "therapist"),
        patient=live_world.jordan,
        session=session,
        what_came_up="Safety in the body; grief about the grandmother.",
        practices_agreed="Mindful breathing daily.",
    )
    link, _ = followup.followup_link_issue(actor=None, patient=live_world.jordan, session=session)
    followup.checkin_submit(link=link, feeling="good", harm_thoughts=False, worrying="Tired.")

    desk = new_context().new_page()
    sign_in_staff(
        desk, live_world, "therapist", f"/patients/{live_world.jordan.pk}/sessions/{session.pk}/"
    )
    links = desk.get_by_role("region", name="After this session")
    expect(links).to_contain_text("I saw the sea and felt held.")
    expect(links).not_to_contain_text("Private thoughts about work.")
    expect(links).to_contain_text("Safety in the body")
    expect(links).to_contain_text("Next-day reflection")
    check_accessibility(desk)
    links.scroll_into_view_if_needed()
    screenshot(desk, "session-integration-links.png")

    phone = new_context(phone=True).new_page()
    phone.goto("/")
    submit_login(phone, "patient@example.com")
    reflections = phone.get_by_role("region", name="After your sessions")
    expect(reflections).to_contain_text("Next-day reflection")
    expect(reflections).to_contain_text("One-week reflection")
    check_accessibility(phone)
    _no_sideways_scroll(phone)
    screenshot(phone, "portal-reflections.png")
