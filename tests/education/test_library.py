"""Patients read the education library; pages appear at their journey stage; receipts show."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from kapcare.education.models import EducationPage, ReadReceipt
from tests.support.helpers import grant

SLUGS = {
    "what-is-kap",
    "how-to-prepare",
    "the-experience",
    "staying-present",
    "reflecting-and-integrating",
    "support-network",
    "self-care",
    "safety",
    "how-many-sessions",
}


def test_our_default_library_is_installed(db: Any) -> None:
    assert set(EducationPage.objects.filter(clinic=None).values_list("slug", flat=True)) == SLUGS


def test_pages_for_the_patients_stage_are_suggested(world: Any, client_for: Any) -> None:
    # Sam is in screening: preparation pages are suggested, integration pages are not.
    html = client_for("patient2").get("/portal/learn/").content.decode()
    now = html.split("For you now")[1].split("All pages")[0]
    assert "How to prepare" in now
    assert "Reflecting, journaling and integrating" not in now


def test_opening_a_page_records_a_read_receipt_the_care_team_sees(
    world: Any, client_for: Any
) -> None:
    page = client_for("patient").get("/portal/learn/safety/")
    assert page.status_code == 200
    assert "<h2>Going home</h2>" in page.content.decode()
    assert ReadReceipt.objects.filter(patient=world.jordan).count() == 1
    tab = client_for("therapist").get(f"/patients/{world.jordan.pk}/education/")
    assert "(version 1)" in tab.content.decode()


def test_every_patient_page_has_the_clinics_crisis_text(world: Any, client_for: Any) -> None:
    world.cedar.crisis_line_text = "Call Cedar Grove's crisis line 555-0199."
    world.cedar.save()
    client = client_for("patient")
    for url in ("/portal/", "/portal/journal/", "/portal/learn/", "/portal/learn/safety/"):
        assert "Call Cedar Grove&#x27;s crisis line 555-0199." in client.get(url).content.decode()
    grant(world, "escort")
    assert "555-0199" in client_for("support").get("/support/").content.decode()
    assert "crisis-footer" not in client_for("therapist").get("/patients/").content.decode()


def test_support_persons_read_pages_only_when_granted(world: Any, client_for: Any) -> None:
    client = client_for("support")
    assert client.get("/support/learn/").status_code == 404
    grant(world, "education")
    assert client.get("/support/learn/").status_code == 200
    assert client.get("/support/learn/support-network/").status_code == 200
    grant(world)
    assert client.get("/support/learn/support-network/").status_code == 404


def test_the_library_costs_a_constant_number_of_queries(world: Any, client_for: Any) -> None:
    client = client_for("patient")
    client.get("/portal/learn/")
    with CaptureQueriesContext(connection) as few:
        client.get("/portal/learn/")
    for slug in ("safety", "self-care", "how-to-prepare"):
        client.get(f"/portal/learn/{slug}/")
    with CaptureQueriesContext(connection) as more:
        client.get("/portal/learn/")
    assert len(more) == len(few)


def test_a_page_with_its_own_crisis_section_does_not_repeat_it_in_the_footer(
    world: Any, client_for: Any
) -> None:
    world.cedar.crisis_line_text = "Call the Cedar Grove crisis line 555-0199."
    world.cedar.save()
    patient = client_for("patient")
    home = patient.get("/portal/").content.decode()
    assert home.count("Call the Cedar Grove crisis line 555-0199.") == 1
    assert "crisis-footer" not in home
    journal = patient.get("/portal/journal/")
    assert journal.status_code == 200
    assert "crisis-footer" in journal.content.decode()  # pages without their own still carry it
