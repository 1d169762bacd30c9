"""A therapist finds a patient, reads the chart header, writes a note; navigation follows role."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.e2e.browser import check_accessibility, main_nav, screenshot, sign_in_staff

pytestmark = pytest.mark.e2e


def test_a_therapist_finds_jordan_rivera_and_writes_a_care_team_note(
    live_world: Any, page: Page
) -> None:
    jordan = live_world.jordan
    sign_in_staff(page, live_world, "therapist")
    expect(page.get_by_role("heading", name="Patients", exact=True)).to_be_visible()

    page.get_by_role("searchbox", name="Search by name or MRN").fill("Rivera")
    results = page.locator("#results").get_by_role("row")
    expect(results).to_have_count(2)  # the header row and Jordan
    expect(page.get_by_role("link", name="Sam Lee")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"q=Rivera"))
    check_accessibility(page)
    page.get_by_role("link", name="Jordan Rivera").click()

    header = page.get_by_role("region", name="Patient")
    expect(header.get_by_role("heading", name="Jordan Rivera (they/them)")).to_be_visible()
    expect(header).to_contain_text(f"Age {jordan.age_on(timezone.localdate())}")
    expect(header).to_contain_text("MRN KC-1001")
    expect(header).to_contain_text("Active treatment")
    for member in ("Theo Okafor", "Priya Raman", "Nina Alvarez"):
        expect(header).to_contain_text(member)
    expect(header).to_contain_text("Allergies")
    tabs = page.get_by_role("navigation", name="Chart sections")
    expect(tabs.get_by_role("link", name="Overview")).to_have_attribute("aria-current", "page")
    check_accessibility(page)

    tabs.get_by_role("link", name="Notes").click()
    expect(tabs.get_by_role("link", name="Notes")).to_have_attribute("aria-current", "page")
    expect(page.get_by_text("No notes yet")).to_be_visible()
    check_accessibility(page)
    form = page.get_by_role("region", name="Write a note")
    form.get_by_label("Title").fill("Preparation session 1")
    form.get_by_label("Note", exact=True).fill(
        "Discussed intentions and set and setting. Jordan feels ready."
    )
    form.get_by_label("Who may read it").select_option(label="Care team only")
    form.get_by_role("button", name="Sign and add note").click()

    expect(page.get_by_role("status")).to_contain_text("Note signed and added to the chart.")
    note = page.get_by_role("article").filter(has_text="Preparation session 1")
    expect(note).to_contain_text("Care team only")
    expect(note).to_contain_text("Theo Okafor")
    expect(note).to_contain_text("Jordan feels ready.")
    check_accessibility(page)
    page.get_by_role("navigation", name="Chart sections").get_by_role(
        "link", name="Overview"
    ).click()
    expect(page.get_by_role("heading", name="Journey")).to_be_visible()
    screenshot(page, "patient-chart.png")


@pytest.mark.parametrize(
    ("persona", "shown", "hidden"),
    [
        ("nurse", ["Patients", "Needs attention"], ["Audit trail", "Staff", "API tokens"]),
        ("admin", ["Patients", "Staff", "Audit trail", "Clinic setup"], ["Needs attention"]),
    ],
)
def test_each_role_sees_the_navigation_of_its_role(
    live_world: Any, page: Page, persona: str, shown: list[str], hidden: list[str]
) -> None:
    sign_in_staff(page, live_world, persona)
    nav = main_nav(page)
    for label in shown:
        expect(nav.get_by_role("link", name=label, exact=True)).to_be_visible()
    for label in hidden:
        expect(nav.get_by_role("link", name=label, exact=True)).to_have_count(0)
    check_accessibility(page)
    if persona == "nurse":
        answer = page.goto("/audit/")  # typing the address does not get round the navigation
        assert answer is not None and answer.status == 403
        expect(
            page.get_by_role("heading", name="This page is not part of your role")
        ).to_be_visible()
        expect(page.get_by_role("heading", name="Audit trail")).to_have_count(0)
        check_accessibility(page)
