"""On a tablet: a nurse records an observation and an adverse event, then opens the REMS data."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import check_accessibility, screenshot, sign_in_staff

pytestmark = pytest.mark.e2e
TABLET = {"width": 820, "height": 1180}


def test_a_nurse_records_what_happens_in_the_chair_and_prints_the_rems_data(
    live_world: Any, new_context: Any
) -> None:
    from tests.dosing.record_helpers import discharged_esketamine, running

    session = running(live_world)
    finished = discharged_esketamine(live_world, live_world.sam)
    page = new_context().new_page()
    page.set_viewport_size(TABLET)
    console = f"/patients/{live_world.jordan.pk}/sessions/{session.pk}/"
    sign_in_staff(page, live_world, "nurse", console)
    expect(page.get_by_role("heading", name="Observations")).to_be_visible()

    page.get_by_label("MOAA/S (5 = fully alert)").select_option("3")
    page.get_by_label("Dissociation").select_option("moderate")
    page.get_by_label("Nausea", exact=True).select_option("mild")
    page.get_by_label("Dizziness").check()
    page.get_by_role("button", name="Record observation").click()
    expect(page.get_by_role("status")).to_contain_text("Observation recorded.")
    expect(page.locator("#observation-alerts")).to_contain_text("MOAA/S 3")

    page.get_by_label("What happened").fill("Vomited once after the infusion was paused.")
    page.get_by_label("Severity").select_option("moderate")
    page.get_by_label("Action taken").fill("Ondansetron 4 mg oral; sat upright.")
    page.get_by_label("Needs reporting").check()
    page.get_by_role("button", name="Record adverse event").click()
    expect(page.get_by_role("status")).to_contain_text("Adverse event recorded.")
    expect(page.locator("#adverse-events")).to_contain_text("To report")
    check_accessibility(page)
    page.locator("#observations").scroll_into_view_if_needed()
    screenshot(page, "dosing-observations.png")

    page.goto("/rems/")
    expect(page.get_by_role("heading", name="REMS forms to file")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("link", name="Open the monitoring data").first.click()
    expect(
        page.get_by_role("heading", name="Esketamine REMS: patient monitoring data")
    ).to_be_visible()
    expect(page.locator("#rems-sedation")).to_contain_text("3")
    expect(page.get_by_text("kapcare does not send it")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "rems-monitoring.png")
    page.get_by_label("Portal reference").fill("REMS-4471")
    page.get_by_role("button", name="Record as filed").click()
    expect(page.locator("#rems-filed")).to_contain_text("REMS-4471")
    assert finished.pk


def test_an_admin_confirms_a_local_choice_on_the_dosing_settings_page(
    live_world: Any, new_context: Any
) -> None:
    page = new_context().new_page()
    page.set_viewport_size(TABLET)
    sign_in_staff(page, live_world, "admin", "/setup/dosing/")
    expect(page.get_by_role("heading", name="Dosing settings")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Confirm SpO2: warn below").check()
    page.get_by_role("button", name="Save and confirm").click()
    expect(page.get_by_role("status")).to_contain_text("Dosing settings saved.")
    expect(page.locator("#setting-spo2_warn_below")).to_contain_text("Confirmed")
    expect(page.locator("#setting-spo2_block_below")).to_contain_text("Local choice — confirm")
    screenshot(page, "dosing-settings.png")
