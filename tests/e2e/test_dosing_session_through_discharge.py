"""On a tablet, one IV session from check-in to discharge, on a clock the test controls.

The nurse checks Jordan in; the gate shows the escort is not yet confirmed; the escort
arrives and the nurse confirms them; a high pre-dose blood pressure is accepted by the
prescriber (after confirming their identity again) with a reason; the prescriber orders
the calculated dose, the nurse checks it, starts it and records it drawn from a stock lot;
a high reading in recovery raises an alert on the console and on the clinic board;
discharge is refused while the observation time has not passed, then allowed.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from playwright.sync_api import Page, expect

from kapcare.accounts.actors import Actor
from tests.e2e.browser import (
    authenticator_code,
    check_accessibility,
    screenshot,
    sign_in_staff,
    totp_device,
)

pytestmark = pytest.mark.e2e
TABLET = {"width": 820, "height": 1180}


def jordan_waiting_for_an_escort(world: Any) -> Any:
    """Jordan eligible, consented, a signed IV plan; every preparation item confirmed by
    Jordan (escort named) and at the desk, except the escort, who has not arrived yet.
    The clinic keeps a logged lot of racemic ketamine 10 mg/mL."""
    from kapcare.intake.demo import seed as intake_seed
    from kapcare.treatment.preparation import checklist_check_in, checklist_complete
    from tests.controlled.conftest import receive
    from tests.dosing.conftest import actor_of, open_session

    intake_seed()
    session = open_session(world)
    checklist = session.appointment.checklist
    keys = set(checklist.items.values_list("key", flat=True))
    jordan = Actor(user=world.jordan.user, clinic=world.cedar, role="patient", patient=world.jordan)
    checklist_complete(
        actor=jordan,
        checklist=checklist,
        ticked=keys,
        escort_name="Robin Lee",
        escort_phone="+1 303 555 0147",
        intention="To rest and notice.",
    )
    checklist_check_in(actor=actor_of(world, "nurse"), checklist=checklist, keys=keys - {"escort"})
    receive(world, quantity="100")
    return session


def record_vitals(page: Page, systolic: str, diastolic: str, *, moaas: str = "") -> None:
    page.get_by_label("Systolic (mmHg)").fill(systolic)
    page.get_by_label("Diastolic (mmHg)").fill(diastolic)
    page.get_by_label("Heart rate (bpm)").fill("82")
    page.get_by_label("SpO2 (%)").fill("98")
    if moaas:
        page.get_by_label("MOAA/S (0–5; 5 = fully alert)").fill(moaas)
    page.get_by_role("button", name="Record vital signs").click()
    expect(page.get_by_role("status")).to_contain_text("recorded")


def tick_bedside_items(page: Page) -> None:
    for label in (
        "An escort is here to take the patient home",
        "No driving until the next day, after a restful sleep",
        "Steady on their feet",
        "Nausea controlled",
    ):
        page.get_by_label(label).check()


def test_a_session_runs_from_check_in_to_a_discharge_that_waits_for_the_observation_time(
    live_world: Any, new_context: Any, settings: Any
) -> None:
    # The clock jumps 20-125 minutes between steps; at the chair the nurse acts far more
    # often than that. The idle sign-out has its own browser test.
    settings.KAPCARE_STAFF_IDLE_MINUTES = 240
    session = jordan_waiting_for_an_escort(live_world)
    console = f"/patients/{live_world.jordan.pk}/sessions/{session.pk}/"
    from django.utils import timezone

    with time_machine.travel(timezone.now(), tick=True) as clock:
        nurse = new_context().new_page()
        nurse.set_viewport_size(TABLET)
        sign_in_staff(nurse, live_world, "nurse", console)

        # Check-in: the escort is named but not here, so the gate says so.
        nurse.get_by_label("Weight (kg), if weighed now").fill("80")
        nurse.get_by_role("button", name="Check the patient in").click()
        expect(nurse.get_by_text("Checked in.")).to_be_visible()
        expect(nurse.locator("#gate-escort")).to_contain_text("Missing")
        expect(nurse.locator("#gate-escort")).to_contain_text("not yet confirmed at check-in")
        expect(nurse.locator("#not-ready-why")).to_contain_text("escort home arranged")

        # The escort arrives: the nurse confirms them on the preparation checklist.
        nurse.get_by_role("link", name="Open the checklist").click()
        nurse.get_by_label("Confirmed").check()
        nurse.get_by_role("button", name="Confirm ticked items at check-in").click()
        expect(nurse.get_by_text("Every critical item is confirmed")).to_be_visible()
        nurse.goto(console)
        expect(nurse.locator("#gate-escort")).to_contain_text("Met")
        expect(nurse.locator("#gate-escort")).to_contain_text("Robin Lee")

        # A high pre-dose blood pressure needs a prescriber's decision.
        record_vitals(nurse, "150", "95")
        expect(nurse.locator("#gate-vitals")).to_contain_text("A prescriber must accept")
        nurse.get_by_label("Waive it, because…").fill("Answered on paper at the desk")
        nurse.get_by_role("button", name="Waive the questionnaire").click()
        expect(nurse.get_by_role("button", name="Mark ready to dose")).to_have_count(0)

        doctor = new_context().new_page()
        doctor.set_viewport_size(TABLET)
        sign_in_staff(doctor, live_world, "prescriber", console)
        doctor.get_by_role("link", name="Confirm it's you").click()
        doctor.get_by_role("textbox", name=re.compile("code", re.I)).fill(
            authenticator_code(totp_device(live_world.users["prescriber"]))
        )
        doctor.get_by_role("button", name="Confirm").click()
        doctor.get_by_label(re.compile("accept this reading")).fill(
            "Anxious on arrival; usual BP 128/82. Repeat before the dose."
        )
        doctor.get_by_role("button", name="Accept the reading").click()
        expect(doctor.locator("#gate-vitals")).to_contain_text("accepted by a prescriber")

        nurse.reload()
        nurse.get_by_role("button", name="Mark ready to dose").click()
        expect(nurse.get_by_role("status")).to_contain_text("ready to dose")

        # The prescriber orders the calculated dose; the nurse checks it and starts.
        doctor.reload()
        doctor.get_by_label("Concentration (mg/mL)").fill("10")
        doctor.get_by_role("button", name="Order the calculated dose").click()
        expect(doctor.locator("#order-h + dl")).to_contain_text("40")
        nurse.reload()
        expect(nurse.get_by_text("Not checked yet")).to_be_visible()
        nurse.get_by_role("button", name="I have checked this order").click()
        nurse.get_by_role("button", name="Start the dose").click()
        expect(nurse.locator("#session-state")).to_have_text("Dosing")
        lot = nurse.locator("#a-stock-lot option", has_text="KX-2291").get_attribute("value")
        nurse.get_by_label("Drawn from stock lot").select_option(lot)
        nurse.get_by_label("Site").fill("Left forearm")
        nurse.get_by_label("Dose given (mg)").fill("40")
        checker = nurse.locator("#a-checker option", has_text="Prescriber").get_attribute("value")
        nurse.get_by_label("Checked by").select_option(checker)
        nurse.get_by_role("button", name="Record administration").click()
        expect(nurse.locator("#given-h")).to_contain_text("Given: 40")
        record_vitals(nurse, "138", "86", moaas="4")

        # Forty minutes of infusion, then recovery; five minutes later the BP spikes.
        clock.shift(dt.timedelta(minutes=40))
        nurse.reload()
        nurse.get_by_role("button", name="Dose complete: start recovery").click()
        expect(nurse.locator("#session-state")).to_have_text("Recovery")
        clock.shift(dt.timedelta(minutes=5))
        nurse.reload()
        record_vitals(nurse, "184", "112", moaas="4")
        expect(nurse.locator("#alerts")).to_contain_text("184")
        expect(nurse.get_by_role("status")).to_have_text(
            "Vital signs recorded, with 1 alert: see below."
        )
        infusion = nurse.locator(f"#infusion-{session.administrations.get().pk}")
        expect(infusion).to_contain_text("Complete")
        check_accessibility(nurse)
        screenshot(nurse, "dosing-console.png")

        nurse.get_by_role("link", name="Clinic board").click()
        board = nurse.locator("#board")
        expect(board).to_contain_text("Jordan Rivera")
        expect(board).to_contain_text("Recovery")
        expect(board).to_contain_text("Alert")
        check_accessibility(nurse)
        screenshot(nurse, "dosing-clinic-board-alert.png")

        # Fifteen minutes on, the reading is back within limits and Jordan is fully alert,
        # but the observation time has not passed: discharge is refused.
        clock.shift(dt.timedelta(minutes=15))
        nurse.goto(console)
        record_vitals(nurse, "132", "84", moaas="5")
        expect(nurse.locator("#alerts")).to_have_count(0)
        nurse.get_by_role("link", name="Discharge…").click()
        expect(nurse.get_by_role("heading", name="Discharge")).to_be_visible()
        expect(nurse.locator("#unmet")).to_contain_text("observation")
        tick_bedside_items(nurse)
        nurse.get_by_role("button", name="Discharge the patient").click()
        expect(nurse.get_by_role("status")).to_contain_text("minimum observation of 120 minutes")
        expect(nurse.get_by_role("heading", name="Discharge")).to_be_visible()
        check_accessibility(nurse)
        screenshot(nurse, "dosing-discharge.png")

        # Two hours after the dose ended (the clinic's minimum), with a fresh reading.
        clock.shift(dt.timedelta(minutes=106))
        nurse.goto(console)
        record_vitals(nurse, "124", "80", moaas="5")
        nurse.get_by_role("link", name="Discharge…").click()
        expect(nurse.locator("#unmet")).to_have_count(0)
        expect(nurse.get_by_text("are all within limits")).to_be_visible()
        tick_bedside_items(nurse)
        nurse.get_by_role("button", name="Discharge the patient").click()
        expect(nurse.get_by_role("heading", name="Discharge summary")).to_be_visible()
        expect(nurse.locator("#after-care")).to_contain_text("Do not drive")
        expect(nurse.get_by_text("Robin Lee, +1 303 555 0147")).to_be_visible()
        expect(nurse.get_by_role("button", name="Print the summary")).to_be_visible()
        nurse.emulate_media(media="print")
        expect(nurse.get_by_role("navigation", name="Main")).to_be_hidden()
        expect(nurse.get_by_role("button", name="Print the summary")).to_be_hidden()
        nurse.emulate_media(media="screen")
        check_accessibility(nurse)
        screenshot(nurse, "dosing-discharge-summary.png")

    session.refresh_from_db()
    assert session.state == "discharged"
    assert session.discharge_override_reason == ""
    minutes = (session.discharged_at - session.recovery_at).total_seconds() / 60
    assert minutes >= 120
    draw = session.administrations.get().stock_draw  # drawn from the logged lot
    assert (draw.kind, draw.quantity, draw.lot.lot_number) == ("draw", 4, "KX-2291")
