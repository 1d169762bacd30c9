"""Intake to consent in a real browser: the patient on a phone, the prescriber at a desk."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import (
    SCREENSHOTS,
    authenticator_code,
    check_accessibility,
    screenshot,
    sign_in_staff,
    submit_login,
    totp_device,
)

pytestmark = pytest.mark.e2e


def sign_in_patient(page: Page, email: str, next_path: str) -> None:
    page.goto(next_path)
    submit_login(page, email)
    expect(page).to_have_url(re.compile(re.escape(next_path) + "$"))


def save_section(page: Page, heading: str) -> None:
    section = page.get_by_role("region", name=heading)
    section.get_by_role("button", name="Save this section").click()
    expect(section.get_by_role("status")).to_have_text("Saved")


def test_a_patient_completes_the_intake_on_a_phone(live_world: Any, new_context: Any) -> None:
    phone = new_context(phone=True).new_page()
    sign_in_patient(phone, "patient2@example.com", "/portal/intake/")
    expect(phone.get_by_role("heading", name="Your intake")).to_be_visible()
    check_accessibility(phone)

    concerns = phone.get_by_role("region", name="Why you are here")
    concerns.get_by_label("In your own words").fill("Years of low mood and poor sleep.")
    concerns.get_by_label("Depression that has not improved with treatment").check()
    save_section(phone, "Why you are here")

    psychiatric = phone.get_by_role("region", name="Mental health history")
    psychiatric.get_by_role("group", name=re.compile("psychosis")).get_by_label(
        "No", exact=True
    ).check()
    psychiatric.get_by_role("group", name=re.compile("mania")).get_by_label(
        "No", exact=True
    ).check()
    save_section(phone, "Mental health history")

    medical = phone.get_by_role("region", name="Medical history")
    medical.get_by_label("I have no known allergies").check()
    medical.get_by_role("group", name=re.compile("pregnant")).get_by_label("No", exact=True).check()
    medical.get_by_role("group", name=re.compile("breastfeeding")).get_by_label(
        "No", exact=True
    ).check()
    save_section(phone, "Medical history")

    vitals = phone.get_by_role("region", name="Blood pressure, pulse, weight and height")
    vitals.get_by_label("top number").fill("128")
    vitals.get_by_label("bottom number").fill("135")
    vitals.get_by_role("button", name="Save this section").click()
    expect(vitals.get_by_role("alert")).to_contain_text("must be lower than the top number")
    vitals = phone.get_by_role("region", name="Blood pressure, pulse, weight and height")
    vitals.get_by_label("bottom number").fill("84")
    vitals.get_by_label("Resting pulse").fill("72")
    vitals.get_by_label("Weight", exact=True).fill("176")
    vitals.get_by_label("Weight unit").select_option("lb")
    vitals.get_by_label("Height", exact=True).fill("170")
    save_section(phone, "Blood pressure, pulse, weight and height")

    medicines = phone.get_by_role("region", name="Current medicines")
    medicines.get_by_label("Medicine name").fill("Clonazepam")
    medicines.get_by_label("Dose per time taken").fill("0.5")
    medicines.get_by_label("How often").select_option("twice_daily")
    medicines.get_by_label("Kind of medicine").select_option("benzodiazepine")
    medicines.get_by_role("button", name="Add medicine").click()
    expect(phone.get_by_role("region", name="Current medicines")).to_contain_text(
        "≈ 20 mg diazepam a day (estimate"
    )

    contact = phone.get_by_role("region", name="Emergency contact")
    contact.get_by_label("Name").fill("Pat Lee")
    contact.get_by_label("Relationship to you").fill("partner")
    contact.get_by_label("Phone").fill("555-0199")
    save_section(phone, "Emergency contact")

    # Stopping here and coming back later keeps every answer.
    phone.reload()
    expect(phone.get_by_label("In your own words")).to_have_value(
        "Years of low mood and poor sleep."
    )
    nothing_cut_off = phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert nothing_cut_off, "the intake scrolls sideways on a phone"
    check_accessibility(phone)
    screenshot(phone, "intake.png")

    phone.get_by_label("The answers above are true").check()
    phone.get_by_role("button", name="Send my intake").click()
    expect(phone.get_by_text("Your intake has been sent to your care team")).to_be_visible()
    check_accessibility(phone)


def submitted_intake_with_aneurysm(world: Any) -> None:
    """Sam's intake, as the phone would have sent it, with an aortic aneurysm ticked."""
    from kapcare.accounts.actors import PATIENT_ROLE, Actor
    from kapcare.intake import services
    from kapcare.intake.demo import _fill, _sections

    me = Actor(
        user=world.users["patient2"], clinic=world.cedar, role=PATIENT_ROLE, patient=world.sam
    )
    intake = _fill(
        me,
        world.sam,
        _sections(
            medical={"conditions": ["aneurysmal_vascular_disease"]},
            emergency_contact={"name": "Pat Lee", "phone": "555-0199"},
        ),
    )
    services.intake_submit(actor=me, intake=intake)


def test_the_prescriber_reviews_findings_and_overrides_a_block_with_a_reason(
    live_world: Any, new_context: Any
) -> None:
    submitted_intake_with_aneurysm(live_world)
    page = new_context().new_page()
    review = f"/patients/{live_world.sam.pk}/intake/"
    sign_in_staff(page, live_world, "prescriber", review)
    expect(page.get_by_role("heading", name="Screening findings")).to_be_visible()
    check_accessibility(page)

    page.get_by_label("Intended route").select_option("intranasal_esketamine")
    page.get_by_role("button", name="Run screening").click()
    findings = page.get_by_role("region", name="Screening findings")
    expect(findings.get_by_role("listitem").first).to_contain_text("Contraindication")
    expect(findings).to_contain_text("[K12c]")

    decide = page.get_by_role("region", name="Eligibility decision")
    decide.get_by_label("Eligible", exact=True).check()
    decide.get_by_role("button", name="Sign decision").click()
    expect(page.get_by_role("region", name="Eligibility decision")).to_contain_text(
        "Write why you are overriding"
    )

    # Step up: confirm the second factor, and come back to the decision.
    page.get_by_role("link", name="Confirm it's you").click()
    expect(page.get_by_role("heading", name="Confirm it's you")).to_be_visible()
    page.get_by_role("textbox", name=re.compile("code", re.I)).fill(
        authenticator_code(totp_device(live_world.users["prescriber"]))
    )
    page.get_by_role("button", name="Confirm").click()
    expect(page).to_have_url(re.compile(r"/intake/"))
    decide = page.get_by_role("region", name="Eligibility decision")
    decide.get_by_label("Eligible", exact=True).check()
    decide.get_by_label("Override reason").fill(
        "Aneurysm repaired by endovascular stent in 2021; vascular surgeon confirms stable."
    )
    decide.get_by_role("button", name="Sign decision").click()
    expect(page.get_by_text("Decision signed.")).to_be_visible()
    decisions = page.get_by_role("region", name="Decisions")
    expect(decisions).to_contain_text("Override")
    expect(decisions).to_contain_text("Signed by Priya Raman")
    expect(page.locator(".patient-header")).to_contain_text("Eligible")
    check_accessibility(page)
    screenshot(page, "eligibility-review.png")


def test_the_patient_signs_consent_and_the_pdf_renders(
    live_world: Any, new_context: Any, tmp_path: Path
) -> None:
    phone = new_context(phone=True).new_page()
    sign_in_patient(phone, "patient2@example.com", "/portal/consent/")
    expect(
        phone.get_by_role("heading", name="Consent to ketamine-assisted psychotherapy")
    ).to_be_visible()
    check_accessibility(phone)
    phone.get_by_label("I have read this document").check()
    phone.get_by_label("Type your full legal name").fill("Sam Lee")
    phone.get_by_role("button", name="Sign consent").click()
    expect(
        phone.get_by_text("Type your full legal name exactly: Samuel Lee.").first
    ).to_be_visible()
    phone.get_by_label("I have read this document").check()
    phone.get_by_label("Type your full legal name").fill("Samuel Lee")
    phone.get_by_role("button", name="Sign consent").click()
    expect(phone.get_by_role("heading", name="You signed this document")).to_be_visible()
    check_accessibility(phone)
    screenshot(phone, "consent.png")

    # A nurse countersigns at the clinic.
    clinic = new_context().new_page()
    sign_in_staff(clinic, live_world, "nurse", f"/patients/{live_world.sam.pk}/intake/")
    clinic.get_by_role("button", name="Countersign consent").click()
    expect(clinic.get_by_text("Consent countersigned.")).to_be_visible()
    check_accessibility(clinic)

    link = phone.get_by_role("link", name="Download a PDF copy")
    response = phone.request.get(link.get_attribute("href") or "")
    assert response.ok and response.headers["content-type"] == "application/pdf"
    pdf = tmp_path / "consent.pdf"
    pdf.write_bytes(response.body())
    subprocess.run(
        [
            "/usr/bin/pdftoppm",
            "-png",
            "-r",
            "70",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf),
            str(tmp_path / "page"),
        ],
        check=True,
    )
    (SCREENSHOTS / "consent-pdf.png").write_bytes((tmp_path / "page.png").read_bytes())
    last = tmp_path / "last"
    subprocess.run(["/usr/bin/pdftotext", str(pdf), str(last)], check=True)
    text = last.read_text()
    assert "Samuel Lee (typed)" in text
    assert "Nina Alvarez" in text
