"""In a browser: a prescriber signs a plan from a template and books it; a patient prepares."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.browser import (
    authenticator_code,
    check_accessibility,
    screenshot,
    sign_in_staff,
    submit_login,
    totp_device,
)

pytestmark = pytest.mark.e2e


def jordan_ready(world: Any) -> None:
    """Jordan eligible and consented, as the intake demo leaves them; two rooms."""
    from kapcare.intake.demo import seed as intake_seed
    from kapcare.intake.selectors import consent_is_current, eligibility_is_current
    from kapcare.treatment.models import Room

    intake_seed()
    assert eligibility_is_current(world.jordan) and consent_is_current(world.jordan)
    Room.objects.create(clinic=world.cedar, name="Willow room", equipment_notes="IV pump")
    Room.objects.create(clinic=world.cedar, name="Aspen room", equipment_notes="Recliner")


def other_patients_week(world: Any, monday: dt.date) -> None:
    """Sam's sessions in the Aspen room in the plan's second week, so the calendar is busy."""
    from zoneinfo import ZoneInfo

    from kapcare.accounts.actors import Actor
    from kapcare.treatment.booking import appointment_book
    from kapcare.treatment.models import Room

    nurse = world.memberships["nurse"]
    actor = Actor(user=nurse.user, clinic=world.cedar, role="nurse", membership=nurse)
    aspen = Room.objects.get(name="Aspen room")
    zone = ZoneInfo("America/Denver")
    for offset, hour in ((7, 13), (9, 13), (10, 9)):
        start = dt.datetime.combine(monday + dt.timedelta(days=offset), dt.time(hour), zone)
        appointment_book(
            actor=actor,
            patient=world.sam,
            kind="dosing",
            start=start,
            end=start + dt.timedelta(minutes=155),
            room=aspen,
            staff=nurse,
        )


def test_a_prescriber_drafts_signs_and_books_a_plan(live_world: Any, new_context: Any) -> None:
    jordan_ready(live_world)
    page = new_context().new_page()
    tab = f"/patients/{live_world.jordan.pk}/plan/"
    sign_in_staff(page, live_world, "prescriber", tab)
    expect(page.get_by_role("heading", name="Treatment plan")).to_be_visible()
    check_accessibility(page)

    page.get_by_role("link", name=re.compile("IV racemic induction")).click()
    expect(page.get_by_role("heading", name=re.compile("Draft a plan"))).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Goals").fill("Get back to teaching\nSleep through the night")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft version 1 saved")).to_be_visible()

    page.get_by_role("link", name="Confirm it's you").click()
    expect(page.get_by_role("heading", name="Confirm it's you")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("textbox", name=re.compile("code", re.I)).fill(
        authenticator_code(totp_device(live_world.users["prescriber"]))
    )
    page.get_by_role("button", name="Confirm").click()
    expect(page).to_have_url(re.compile(r"/plan/$"))
    page.get_by_role("button", name="Sign plan version 1").click()
    expect(page.get_by_text("Plan version 1 is signed.")).to_be_visible()

    monday = timezone.localdate() + dt.timedelta(days=7 - timezone.localdate().weekday())
    page.get_by_label("First appointment on or after").fill(monday.isoformat())
    page.get_by_label("Clinician").select_option(label="Theo Okafor (Therapist)")
    page.get_by_label("Room for dosing sessions").select_option(label="Willow room")
    page.get_by_role("button", name="Book all appointments").click()
    expect(page.get_by_text("13 appointments booked from the plan.")).to_be_visible()
    upcoming = page.get_by_role("table", name="Upcoming")
    expect(upcoming).to_contain_text("Dosing 1")
    expect(upcoming).to_contain_text("Willow room")
    check_accessibility(page)
    screenshot(page, "treatment-plan.png")

    other_patients_week(live_world, monday)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Calendar").click()
    page.get_by_role("link", name="Next week →").click()
    page.get_by_role("link", name="Next week →").click()
    expect(page.get_by_role("table")).to_contain_text("Jordan")
    check_accessibility(page)
    screenshot(page, "calendar.png")


def test_a_patient_prepares_for_a_session_on_a_phone(live_world: Any, new_context: Any) -> None:
    from kapcare.accounts.actors import Actor
    from kapcare.treatment.booking import appointment_book
    from kapcare.treatment.models import Room

    nurse = live_world.memberships["nurse"]
    room = Room.objects.create(clinic=live_world.cedar, name="Willow room")
    start = (timezone.now() + dt.timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    appointment_book(
        actor=Actor(user=nurse.user, clinic=live_world.cedar, role="nurse", membership=nurse),
        patient=live_world.jordan,
        kind="dosing",
        start=start,
        end=start + dt.timedelta(minutes=195),
        room=room,
        staff=nurse,
        dose_number=1,
    )
    phone = new_context(phone=True).new_page()
    phone.goto("/portal/appointments/")
    submit_login(phone, "patient@example.com")
    expect(phone.get_by_role("heading", name="My appointments")).to_be_visible()
    check_accessibility(phone)
    phone.get_by_role("link", name="Prepare for this session").click()
    expect(phone.get_by_role("heading", name="Prepare for your session")).to_be_visible()

    phone.get_by_label(re.compile("No food for 4 hours")).check()
    phone.get_by_label(re.compile("^Medicines")).check()
    phone.get_by_label("Someone takes me home after the session.").check()
    phone.get_by_label("Who takes you home").fill("Casey Rivera")
    phone.get_by_label("Their phone number").fill("555-0100")
    phone.get_by_label(re.compile("will not drive")).check()
    phone.get_by_label(re.compile("comfortable clothes")).check()
    phone.get_by_label("I have written my intention for the session.").check()
    phone.get_by_label("Your intention for the session").fill(
        "To meet my grief with curiosity instead of fear."
    )
    nothing_cut_off = phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert nothing_cut_off, "the checklist scrolls sideways on a phone"
    check_accessibility(phone)
    screenshot(phone, "preparation-checklist.png")
    phone.get_by_role("button", name="Save my checklist").click()
    expect(phone.get_by_text("Saved. You are ready for your session.")).to_be_visible()
    expect(phone.get_by_text("Ready", exact=True)).to_be_visible()
    check_accessibility(phone)


def test_a_nurse_records_who_came_to_last_weeks_appointments(
    live_world: Any, new_context: Any
) -> None:
    from kapcare.treatment.models import Appointment

    for days_ago, kind in ((8, "integration"), (6, "consultation")):
        start = timezone.now() - dt.timedelta(days=days_ago)
        Appointment.objects.create(
            clinic=live_world.cedar,
            patient=live_world.jordan,
            kind=kind,
            start=start,
            end=start + dt.timedelta(hours=1),
            created_by=live_world.users["nurse"],
        )
    page = new_context().new_page()
    sign_in_staff(page, live_world, "nurse", f"/patients/{live_world.jordan.pk}/plan/")
    past = page.get_by_role("table", name=re.compile("Past and cancelled"))
    expect(past.get_by_text("Attendance not recorded")).to_have_count(2)
    expect(page.get_by_text("attendance not yet recorded: 2")).to_be_visible()

    page.locator("summary", has_text="for the integration appointment").click()
    page.get_by_role("button", name="The patient came").first.click()
    expect(page.get_by_text("Recorded: the patient came.")).to_be_visible()

    page.locator("summary", has_text="for the consultation appointment").click()
    page.get_by_label("What happened (for the no-show)").fill("No answer by phone")
    check_accessibility(page)
    screenshot(page, "appointment-attendance.png")
    page.get_by_role("button", name="Record a no-show").click()
    expect(page.get_by_text("Recorded: the patient did not come (no-show).")).to_be_visible()
    expect(page.get_by_text("No-shows: 1")).to_be_visible()
    expect(past.get_by_text("Attendance not recorded")).to_have_count(0)
    expect(past).to_contain_text("No-show: No answer by phone")
    check_accessibility(page)
