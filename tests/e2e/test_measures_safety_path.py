"""The safety path end to end: a patient reports thoughts of self-harm on a phone PHQ-9,
sees help at once; the therapist finds the alert, acknowledges it with a note, and it closes."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.e2e.browser import (
    PHONE,
    check_accessibility,
    main_nav,
    screenshot,
    sign_in_staff,
    submit_login,
)
from tests.measures.helpers import assign, dosed_sessions, phq9_total, submit

pytestmark = pytest.mark.e2e

#: what Jordan taps for items 1–8 (total 9 with item 9 at 1: a mild total)
ANSWERS = ["Several days", "More than half the days", "Several days", "Several days",
           "Not at all", "Several days", "Not at all", "Not at all"]  # fmt: skip


def _history(world: Any) -> None:
    """Eight weeks of fortnightly scores, so the chart has a trajectory."""
    start = timezone.now() - dt.timedelta(weeks=8)
    for week, (phq, gad) in enumerate([(19, 14), (17, 13), (14, 11), (12, 9)]):
        when = start + dt.timedelta(weeks=2 * week)
        submit(world, phq9_total(phq), when=when)
        gad7 = {str(i): min(3, max(0, gad - 3 * (i - 1))) for i in range(1, 8)}
        submit(world, gad7, instrument="gad7", when=when)
    dosed_sessions(world, 52, 48, 45, 41, 34, 27, 20)  # induction twice weekly, then weekly
    assign(world, "gad7", patient=world.sam, due_in=dt.timedelta(days=-2))


def _question(page: Page, number: int) -> Any:
    return page.locator(f"#item-{number}")


def test_a_patient_reports_item_9_and_the_therapist_closes_the_alert_with_a_note(
    live_world: Any, new_context: Any
) -> None:
    _history(live_world)
    assign(live_world, "phq9")

    # Jordan, at home, on a phone.
    phone = new_context(phone=True).new_page()
    phone.goto("/")
    submit_login(phone, "patient@example.com")
    todo = phone.get_by_role("region", name="Questionnaires for you")
    expect(todo).to_contain_text("Patient Health Questionnaire-9")
    check_accessibility(phone)
    todo.get_by_role("link", name=re.compile("Patient Health Questionnaire-9")).click()

    expect(phone.get_by_role("heading", name="Patient Health Questionnaire-9")).to_be_visible()
    expect(phone.get_by_text("the last 2 weeks", exact=True)).to_be_visible()
    expect(phone.get_by_text("Copyright © Pfizer Inc.", exact=False)).to_be_visible()
    for number, label in enumerate(ANSWERS, start=1):
        option = _question(phone, number).get_by_label(label, exact=True)
        box = option.locator("xpath=..").bounding_box()
        assert box is not None and box["height"] >= 44, "answers are big enough to tap"
        option.check()
    expect(phone.locator("#draft-status")).to_contain_text("Saved at")
    nothing_cut_off = phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert nothing_cut_off, "the questionnaire scrolls sideways on a phone"
    check_accessibility(phone)
    screenshot(phone, "questionnaire.png")

    # Submitting with item 9 unanswered is refused, naming the question.
    phone.get_by_role("button", name="Submit answers").click()
    summary = phone.get_by_role("alert")
    expect(summary).to_contain_text("Question 9: Please answer this question.")
    expect(_question(phone, 1).get_by_label("Several days", exact=True)).to_be_checked()

    _question(phone, 9).get_by_label("Several days", exact=True).check()
    help_now = phone.locator("#crisis-now")
    expect(help_now).to_contain_text("You are not alone")
    expect(help_now).to_contain_text("988")
    check_accessibility(phone)

    phone.get_by_role("button", name="Submit answers").click()
    crisis = phone.get_by_role("region", name="Thank you for telling us")
    expect(crisis).to_be_visible()
    expect(crisis).to_contain_text("988")
    expect(crisis).to_contain_text("emergency")
    expect(crisis).to_contain_text("Your care team has been told")
    box = crisis.bounding_box()
    assert box is not None and box["y"] < PHONE["height"], "the crisis message is seen first"
    check_accessibility(phone)
    screenshot(phone, "crisis-message.png")

    # The therapist, at the clinic.
    desk = new_context().new_page()
    sign_in_staff(desk, live_world, "therapist")
    main_nav(desk).get_by_role("link", name="Needs attention").click()
    alerts = desk.get_by_role("region", name=re.compile(r"Open safety alerts"))
    expect(alerts).to_contain_text("Open safety alerts (1)")
    expect(alerts).to_contain_text("Jordan Rivera")
    expect(alerts).to_contain_text("item 9 answered “Several days” (1)")
    overdue = desk.get_by_role("region", name=re.compile(r"^Overdue questionnaires \("))
    expect(overdue).to_contain_text("Sam Lee")
    check_accessibility(desk)
    screenshot(desk, "worklist.png")

    alerts.get_by_role("link", name="Jordan Rivera").click()
    expect(
        desk.get_by_role("navigation", name="Chart sections").get_by_role("link", name="Measures")
    ).to_have_attribute("aria-current", "page")
    chart = desk.get_by_role("img", name="PHQ-9 scores over time")
    expect(chart).to_be_visible()
    phq = desk.get_by_role("region", name=re.compile("PHQ-9 Patient Health"))
    expect(phq.locator(".outcome-badges")).to_contain_text("Response")
    check_accessibility(desk)
    screenshot(desk, "measures-tab.png")

    note = "Called Jordan at 14:10: passive thoughts, no plan or intent. Safety plan reviewed."
    panel = desk.get_by_role("region", name="Safety alerts")
    panel.get_by_label("What was done").fill(note)
    panel.get_by_role("button", name="Acknowledge and close").click()
    expect(desk.get_by_role("status")).to_contain_text("acknowledged and closed")
    expect(desk.get_by_role("region", name="Safety alerts")).to_contain_text(note)
    main_nav(desk).get_by_role("link", name="Needs attention").click()
    expect(desk.get_by_role("region", name=re.compile(r"Open safety alerts"))).to_contain_text(
        "Open safety alerts (0)"
    )
    check_accessibility(desk)
