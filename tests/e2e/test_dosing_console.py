"""On a tablet: the nurse checks a patient in, fixes the gate, and the board shows the session."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import (
    authenticator_code,
    check_accessibility,
    screenshot,
    sign_in_staff,
    totp_device,
)

pytestmark = pytest.mark.e2e
TABLET = {"width": 820, "height": 1180}


def jordan_session(world: Any) -> Any:
    """Jordan eligible, consented and prepared (checked in at the desk), with a dosing session."""
    from kapcare.intake.demo import seed as intake_seed
    from tests.dosing.conftest import open_session, prepared

    intake_seed()
    session = open_session(world)
    prepared(world, session)
    return session


def test_a_nurse_checks_in_on_a_tablet_and_the_gate_shows_what_is_missing(
    live_world: Any, new_context: Any
) -> None:
    session = jordan_session(live_world)
    page = new_context().new_page()
    page.set_viewport_size(TABLET)
    console = f"/patients/{live_world.jordan.pk}/sessions/{session.pk}/"
    sign_in_staff(page, live_world, "nurse", console)
    expect(page.get_by_role("heading", name="Check in")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Weight (kg), if weighed now").fill("80")
    page.get_by_role("button", name="Check the patient in").click()
    expect(page.get_by_text("Checked in.")).to_be_visible()
    expect(page.locator("#gate-vitals")).to_contain_text("Missing")
    expect(page.locator("#gate-weight")).to_contain_text("Met")

    page.get_by_label("Systolic (mmHg)").fill("150")
    page.get_by_label("Diastolic (mmHg)").fill("95")
    page.get_by_label("Heart rate (bpm)").fill("88")
    page.get_by_label("SpO2 (%)").fill("98")
    page.get_by_role("button", name="Record vital signs").click()
    expect(page.locator("#gate-vitals")).to_contain_text("A prescriber must accept")
    check_accessibility(page)
    screenshot(page, "dosing-console-gate.png")

    expect(page.get_by_role("button", name="Mark ready to dose")).to_have_count(0)
    expect(page.locator("#not-ready-why")).to_contain_text("pre-dose vital signs")

    doctor = new_context().new_page()
    doctor.set_viewport_size(TABLET)
    sign_in_staff(doctor, live_world, "prescriber", console)
    doctor.get_by_role("link", name="Confirm it's you").click()
    doctor.get_by_role("textbox", name=re.compile("code", re.I)).fill(
        authenticator_code(totp_device(live_world.users["prescriber"]))
    )
    doctor.get_by_role("button", name="Confirm").click()
    doctor.get_by_label(re.compile("accept this reading")).fill("Anxious on arrival; repeat soon")
    doctor.get_by_role("button", name="Accept the reading").click()
    expect(doctor.locator("#gate-vitals")).to_contain_text("accepted by a prescriber")

    page.reload()
    page.get_by_role("button", name="Mark ready to dose").click()
    expect(page.get_by_role("status")).to_contain_text("ready to dose")

    page.get_by_role("link", name="Clinic board").click()
    expect(page.get_by_role("heading", name="Clinic board")).to_be_visible()
    expect(page.get_by_role("link", name="Jordan Rivera")).to_be_visible()
    expect(page.locator("#board")).to_contain_text("Ready to dose")
    expect(page.locator("#board")).not_to_contain_text("Pre-dose blood pressure")
    check_accessibility(page)
    screenshot(page, "dosing-clinic-board.png")
