"""On a tablet: a nurse opens the Exposure tab, reads the totals and records a bladder check."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import check_accessibility, screenshot, sign_in_staff

pytestmark = pytest.mark.e2e
TABLET = {"width": 820, "height": 1180}


def test_a_nurse_reads_the_totals_and_records_a_bladder_check(
    live_world: Any, new_context: Any
) -> None:
    from kapcare.exposure.models import ExposureSettings
    from tests.exposure.conftest import course, dosed

    plan = course(live_world, days_ago=50)
    dosed(live_world, plan, days_ago=2, doses=("40", "12.5"))
    dosed(live_world, plan, days_ago=9, doses=("50",))
    dosed(live_world, plan, days_ago=33, doses=("30",), state="aborted")
    ExposureSettings.objects.create(
        clinic=live_world.cedar, bladder_check_every_weeks=4, bladder_check_every_sessions=3
    )
    page = new_context().new_page()
    page.set_viewport_size(TABLET)
    sign_in_staff(page, live_world, "nurse", f"/patients/{live_world.jordan.pk}/")
    page.get_by_role("link", name="Exposure").click()
    expect(page.get_by_role("heading", name="Ketamine given")).to_be_visible()
    expect(page.locator("#total-week")).to_contain_text("52.5 mg")
    expect(page.locator("#total-month")).to_contain_text("102.5 mg")
    expect(page.locator("#total-course")).to_contain_text("132.5 mg")
    expect(page.locator("#bladder-due")).to_contain_text("Overdue")
    check_accessibility(page)
    screenshot(page, "exposure-tab.png")

    form = page.locator("#bladder-form")
    for question in (
        "Passing urine more often than usual",
        "Sudden, strong urges to pass urine",
        "Pain or burning when passing urine",
        "Blood in the urine",
        "Leaking urine (incontinence)",
    ):
        form.get_by_role("group", name=question).get_by_label("No").check()
    page.get_by_role("button", name="Record bladder check").click()
    expect(page.locator("#error-summary")).to_contain_text(
        "Pain in the lower abdomen or bladder area: Answer yes or no."
    )
    check_accessibility(page)
    form = page.locator("#bladder-form")
    form.get_by_role("group", name="Pain in the lower abdomen or bladder area").get_by_label(
        "Yes"
    ).check()
    page.get_by_role("button", name="Record bladder check").click()
    expect(page.get_by_role("status")).to_contain_text("a prescriber reviews")
    expect(page.locator("#to-review")).to_contain_text("pain in the lower abdomen")
    expect(page.locator("#bladder-due")).to_contain_text("Not due yet")
    check_accessibility(page)
