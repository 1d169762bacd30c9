"""A patient on their phone: signing in, their home page, and who has looked at their record."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import (
    PHONE,
    check_accessibility,
    main_nav,
    screenshot,
    sign_in_staff,
    submit_login,
)

pytestmark = pytest.mark.e2e


def test_a_patient_signs_in_on_a_phone_and_sees_who_viewed_their_record(
    live_world: Any, new_context: Any
) -> None:
    # Earlier that day, the therapist opened Jordan's chart at the clinic.
    clinic = new_context().new_page()
    sign_in_staff(clinic, live_world, "therapist", f"/patients/{live_world.jordan.pk}/")
    expect(clinic.get_by_role("heading", name=re.compile("Jordan Rivera"))).to_be_visible()
    check_accessibility(clinic)

    phone = new_context(phone=True).new_page()
    assert phone.viewport_size == PHONE
    phone.goto("/")
    expect(phone.get_by_role("heading", name="Sign in to kapcare")).to_be_visible()
    check_accessibility(phone)
    submit_login(phone, "patient@example.com")

    # Patients have no second factor: straight to their own home page.
    expect(phone).to_have_url(re.compile(r"/portal/$"))
    expect(phone.get_by_role("heading", name="Hello, Jordan")).to_be_visible()
    team = phone.get_by_role("region", name="Your care team")
    for person in ("Theo Okafor", "Priya Raman", "Nina Alvarez"):
        expect(team).to_contain_text(person)
    crisis = phone.get_by_role("region", name="If you need help now")
    expect(crisis).to_contain_text("988")
    crisis_box = crisis.bounding_box()
    assert crisis_box is not None and crisis_box["y"] < PHONE["height"], "crisis help is off-screen"
    expect(main_nav(phone).get_by_role("link", name="Patients")).to_have_count(0)
    nothing_cut_off = phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert nothing_cut_off, "the portal home page scrolls sideways on a phone"
    check_accessibility(phone)
    screenshot(phone, "portal-home.png")

    phone.get_by_role("link", name=re.compile(r"See who viewed (my|your) record")).click()
    expect(phone).to_have_url(re.compile(r"/portal/access-log/$"))
    expect(phone.get_by_role("heading", name="Who viewed my record")).to_be_visible()
    # Reached from the home page's privacy card; it sits under Home in the navigation.
    expect(main_nav(phone).locator("[aria-current=page]")).to_have_text(["Home"])
    entries = phone.get_by_role("main").get_by_role("listitem")
    therapist_visit = entries.filter(has_text="Theo Okafor").first
    expect(therapist_visit).to_contain_text("Therapist")
    expect(therapist_visit).to_contain_text("Viewed")
    expect(entries.filter(has_text="Jordan Rivera")).to_have_count(0)  # not their own visits
    check_accessibility(phone)
