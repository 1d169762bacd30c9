"""On a tablet: a nurse receives a lot, wastes a vial's rest with a witness, reads the ledger."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.browser import PASSWORD, check_accessibility, screenshot, sign_in_staff

pytestmark = pytest.mark.e2e
TABLET = {"width": 820, "height": 1180}


def test_a_nurse_receives_stock_records_a_witnessed_waste_and_reads_the_ledger(
    live_world: Any, new_context: Any
) -> None:
    page = new_context().new_page()
    page.set_viewport_size(TABLET)
    sign_in_staff(page, live_world, "nurse", "/stock/")
    expect(page.get_by_role("heading", name="Controlled substances")).to_be_visible()
    check_accessibility(page)

    page.get_by_role("link", name="Receive stock").click()
    check_accessibility(page)
    page.get_by_label("Product").fill("Ketamine HCl 10 mg/mL")
    page.get_by_label("Form").select_option("vial")
    page.get_by_label("Strength (mg per mL, per device or per tablet)").fill("10")
    page.get_by_label("Lot number").fill("KX-2291")
    page.get_by_label("Expiry").fill((timezone.localdate() + dt.timedelta(days=300)).isoformat())
    page.get_by_label("Safe or cabinet").fill("Main safe")
    page.get_by_label("Quantity received (mL for vials, else devices or tablets)").fill("100")
    page.get_by_label("Supplier").fill("Demo Pharma Distribution")
    page.get_by_role("button", name="Record the receipt").click()
    expect(page.get_by_role("status")).to_contain_text("Received 100 mL")
    expect(page.locator("#lot-balance")).to_have_text("100 mL")
    check_accessibility(page)

    page.get_by_role("link", name="Waste").click()
    page.get_by_label("Quantity wasted").fill("4.4")
    page.get_by_label("Why").fill("Rest of an opened 10 mL single-dose vial")
    page.get_by_label("Witness", exact=True).select_option(label="Priya Raman (Prescriber)")
    page.get_by_label("Witness's password (typed by the witness)").fill("not-her-password")
    page.get_by_role("button", name="Record the waste").click()
    expect(page.get_by_role("alert")).to_contain_text("That is not Priya Raman's password")
    check_accessibility(page)
    page.get_by_label("Witness's password (typed by the witness)").fill(PASSWORD)
    page.get_by_role("button", name="Record the waste").click()
    expect(page.get_by_role("status")).to_contain_text("witnessed by Priya Raman")
    expect(page.locator("#lot-balance")).to_have_text("95.6 mL")
    expect(page.locator("#entry-2")).to_contain_text("Wasted (witnessed)")
    expect(page.locator("#entry-2")).to_contain_text("Priya Raman")
    check_accessibility(page)
    screenshot(page, "controlled-substance-ledger.png")

    page.get_by_role("link", name="← Controlled substances").click()
    expect(page.locator("#stock-lots")).to_contain_text("95.6 mL")
    check_accessibility(page)
    screenshot(page, "controlled-substance-lots.png")
