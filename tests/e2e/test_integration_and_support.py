"""On a phone: the journal, the integration plan, education, a support person accepting an
invitation and confirming escort duty, and a check-in through a one-time link."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import check_accessibility, screenshot, sign_in_staff, submit_login

pytestmark = pytest.mark.e2e


def _no_sideways_scroll(page: Page) -> None:
    fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert fits, f"{page.url} scrolls sideways on a phone"


def _sign_in_patient(page: Page, email: str = "patient@example.com") -> None:
    page.goto("/")
    submit_login(page, email)
    expect(page).to_have_url(re.compile(r"/portal/$"))


def test_a_patient_writes_and_shares_a_journal_entry_that_the_therapist_reads(
    live_world: Any, new_context: Any
) -> None:
    from tests.integration.helpers import write_entry

    write_entry(live_world, "Slept well after the first session.", share=True)
    phone = new_context(phone=True).new_page()
    _sign_in_patient(phone)
    phone.get_by_role("link", name="My journal").first.click()
    expect(phone.get_by_role("heading", name="My journal")).to_be_visible()
    check_accessibility(phone)
    phone.get_by_role("link", name="Write an entry").click()
    phone.get_by_role("link", name="The evening of a session").click()
    expect(phone.get_by_text("What do you remember most from today's session?")).to_be_visible()
    phone.get_by_label("Your entry").fill("I felt held and calm; I saw the sea.")
    expect(phone.get_by_text(re.compile(r"Draft saved at"))).to_be_visible()
    phone.get_by_label(re.compile("Your mood right now")).select_option("7")
    phone.get_by_label("Tags").fill("calm, sea")
    check_accessibility(phone)
    _no_sideways_scroll(phone)
    phone.get_by_label("Share this entry with my care team").check()
    phone.get_by_role("button", name="Save entry").click()
    expect(phone.get_by_text("Your entry is saved and shared with your care team.")).to_be_visible()
    expect(phone.get_by_text("I felt held and calm; I saw the sea.")).to_be_visible()
    check_accessibility(phone)
    _no_sideways_scroll(phone)
    screenshot(phone, "journal.png")

    desk = new_context().new_page()
    sign_in_staff(desk, live_world, "therapist", f"/patients/{live_world.jordan.pk}/integration/")
    expect(desk.get_by_text("I felt held and calm; I saw the sea.")).to_be_visible()
    check_accessibility(desk)
    screenshot(desk, "integration-chart.png")

    # Jordan stops sharing the first entry; the therapist no longer sees it.
    phone.get_by_role("button", name="Stop sharing").last.click()
    expect(phone.get_by_text("The entry is private again")).to_be_visible()
    desk.reload()
    expect(desk.get_by_text("Slept well after the first session.")).to_have_count(0)

    # Jordan's support people: who sees what, changed on the spot.
    phone.goto("/")
    phone.get_by_role("link", name="My support people").click()
    expect(phone.get_by_role("heading", name=re.compile("Casey Rivera"))).to_be_visible()
    casey = phone.get_by_role("region", name=re.compile("Casey Rivera"))
    casey.get_by_label(re.compile("Escort instructions")).check()
    casey.get_by_role("button", name="Save what Casey sees").click()
    expect(phone.get_by_text("Casey Rivera now sees only what you ticked.")).to_be_visible()
    check_accessibility(phone)
    _no_sideways_scroll(phone)


def test_a_patient_ticks_off_practices_and_reads_an_education_page(
    live_world: Any, new_context: Any
) -> None:
    import datetime as dt

    from django.utils import timezone

    from kapcare.integration.models import PlanItem, PracticeCheck
    from tests.integration.helpers import assign, ensure_libraries

    ensure_libraries()
    today = timezone.localdate()
    for name, frequency in (("Mindful breathing", "daily"), ("Time outdoors", "few_times")):
        item = assign(live_world, name, frequency)
        PlanItem.objects.filter(pk=item.pk).update(
            assigned_at=timezone.now() - dt.timedelta(days=22)
        )
        for n in range(1, 22, 2 if frequency == "daily" else 4):
            PracticeCheck.objects.create(item=item, done_on=today - dt.timedelta(days=n))
    phone = new_context(phone=True).new_page()
    _sign_in_patient(phone)
    phone.get_by_role("link", name="My practices").first.click()
    expect(phone.get_by_role("heading", name="My practices")).to_be_visible()
    phone.get_by_role("button", name="I did this today").first.click()
    expect(phone.get_by_text("Well done: Mindful breathing is ticked off.")).to_be_visible()
    check_accessibility(phone)
    _no_sideways_scroll(phone)
    screenshot(phone, "integration-plan.png")

    phone.get_by_role("navigation", name="Main").get_by_role("link", name="Learn").click()
    expect(phone.get_by_role("heading", name="Learn about your care")).to_be_visible()
    check_accessibility(phone)
    _no_sideways_scroll(phone)
    phone.get_by_role("link", name="Safety, side effects and medicines").first.click()
    expect(phone.get_by_role("heading", name="Going home")).to_be_visible()
    expect(phone.get_by_role("complementary", name="Crisis help")).to_contain_text("988")
    check_accessibility(phone)
    _no_sideways_scroll(phone)
    screenshot(phone, "education-page.png")


def test_a_support_person_accepts_an_invitation_and_confirms_escort_duty(
    live_world: Any, new_context: Any
) -> None:
    from tests.support.helpers import invite

    _, raw = invite(
        live_world, email="robin@example.com", grants=("appointments", "escort", "checkins")
    )
    phone = new_context(phone=True).new_page()
    phone.goto(f"/support/accept/{raw}/")
    expect(phone.get_by_role("heading", name="Support Jordan")).to_be_visible()
    check_accessibility(phone)
    phone.get_by_label("Your full name").fill("Robin Friend")
    phone.get_by_label("Choose a password").fill("a long support passphrase")
    phone.get_by_label("Type the password again").fill("a long support passphrase")
    phone.get_by_role("button", name="Accept and create my account").click()
    expect(phone.get_by_role("heading", name="Sign in to kapcare")).to_be_visible()
    submit_login(phone, "robin@example.com", "a long support passphrase")
    expect(phone.get_by_role("heading", name="Supporting Jordan")).to_be_visible()
    expect(phone.get_by_text("No session is booked yet")).to_be_visible()
    expect(phone.get_by_role("heading", name="What to bring")).to_be_visible()
    check_accessibility(phone)
    phone.get_by_role("button", name=re.compile("I will take Jordan home")).click()
    expect(
        phone.get_by_text("Thank you. The clinic knows you will take Jordan home")
    ).to_be_visible()
    expect(
        phone.get_by_text(re.compile("You have confirmed you will take Jordan home"))
    ).to_be_visible()
    check_accessibility(phone)
    _no_sideways_scroll(phone)
    screenshot(phone, "support-person.png")


def test_a_follow_up_link_is_completed_without_signing_in(
    live_world: Any, new_context: Any
) -> None:
    from kapcare.integration import followup

    _, token = followup.followup_link_issue(actor=None, patient=live_world.jordan)
    phone = new_context(phone=True).new_page()
    phone.goto(f"/check-in/{token}/")
    expect(phone.get_by_role("heading", name="How are you, Jordan?")).to_be_visible()
    check_accessibility(phone)
    phone.get_by_label("Okay").check()
    phone.get_by_label("Nausea").check()
    phone.get_by_label("No", exact=True).check()
    phone.get_by_label(re.compile("book my integration session")).check()
    _no_sideways_scroll(phone)
    phone.get_by_role("button", name="Send to my care team").click()
    expect(phone.get_by_role("heading", name="Thank you")).to_be_visible()
    check_accessibility(phone)
    phone.goto(f"/check-in/{token}/")
    expect(phone.get_by_role("heading", name="This link cannot be opened")).to_be_visible()
    check_accessibility(phone)
