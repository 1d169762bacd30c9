"""An administrator checks who opened a patient's record."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import check_accessibility, main_nav, screenshot, sign_in_staff

pytestmark = pytest.mark.e2e


def test_an_admin_filters_the_audit_trail_to_see_who_viewed_a_patient(
    live_world: Any, new_context: Any
) -> None:
    # The therapist opens Jordan Rivera's chart.
    clinic = new_context().new_page()
    sign_in_staff(clinic, live_world, "therapist", f"/patients/{live_world.jordan.pk}/")
    expect(clinic.get_by_role("heading", name=re.compile("Jordan Rivera"))).to_be_visible()

    # The administrator (already enrolled in two-factor sign-in) signs in and opens the trail.
    page = new_context().new_page()
    sign_in_staff(page, live_world, "admin")
    check_accessibility(page)
    main_nav(page).get_by_role("link", name="Audit trail").click()
    expect(page.get_by_role("heading", name="Audit trail")).to_be_visible()
    check_accessibility(page)

    filters = page.get_by_role("search", name="Filter the audit trail")
    filters.get_by_label("Action").select_option(label="Viewed")
    filters.get_by_label("Patient MRN").fill("KC-1001")
    filters.get_by_role("button", name="Filter").click()

    expect(page).to_have_url(re.compile(r"action=view"))
    rows = page.get_by_role("table").get_by_role("row")
    therapist_view = rows.filter(has_text="Theo Okafor").filter(has_text="Jordan Rivera")
    expect(therapist_view.first).to_be_visible()
    expect(therapist_view.first).to_contain_text("(Therapist)")
    expect(therapist_view.first).to_contain_text("KC-1001")
    for row_text in rows.all_inner_texts()[1:]:
        assert "Viewed" in row_text and "KC-1001" in row_text, (
            f"a row outside the filter is shown: {row_text!r}"
        )
    expect(filters.get_by_label("Patient MRN")).to_have_value("KC-1001")
    check_accessibility(page)
    screenshot(page, "audit-trail.png")
