"""Clinics edit pages as new versions; Markdown is sanitised with nh3."""

from __future__ import annotations

from typing import Any

from kapcare.education.models import EducationPage
from kapcare.education.rendering import render_markdown

FORM = {
    "title": "Preparing at Cedar Grove",
    "summary": "Our way",
    "body": (
        "## Before\n\nBring a blanket.\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1))"
    ),
    "sources": "K10c",
    "audience": "both",
    "stages": ["screening"],
}


def test_markdown_is_rendered_and_dangerous_html_removed() -> None:
    html = render_markdown(FORM["body"] + '\n\n<img src=x onerror="alert(1)">')
    assert "<h2>Before</h2>" in html
    # raw HTML shows as harmless text; no live tag or script link survives
    assert "<script" not in html and "<img" not in html and 'href="javascript' not in html
    assert "&lt;script&gt;" in html
    assert render_markdown('[x](https://example.org "t")').count('rel="noopener noreferrer"') == 1


def test_editing_a_default_makes_the_clinics_own_version(world: Any, client_for: Any) -> None:
    response = client_for("therapist").post("/education/how-to-prepare/edit/", FORM)
    assert response.status_code == 302
    own = EducationPage.objects.get(clinic=world.cedar, slug="how-to-prepare")
    assert own.current.number == 1 and own.current.title == "Preparing at Cedar Grove"
    # the patient now reads the clinic's wording; another clinic keeps ours
    html = client_for("patient").get("/portal/learn/how-to-prepare/").content.decode()
    assert "Bring a blanket." in html and "<script>" not in html
    default = EducationPage.objects.get(clinic=None, slug="how-to-prepare")
    assert default.current.title == "How to prepare"


def test_a_second_edit_is_a_new_version_and_receipts_say_so(world: Any, client_for: Any) -> None:
    therapist = client_for("therapist")
    therapist.post("/education/how-to-prepare/edit/", FORM)
    client_for("patient").get("/portal/learn/how-to-prepare/")
    therapist.post("/education/how-to-prepare/edit/", {**FORM, "title": "Version two"})
    own = EducationPage.objects.get(clinic=world.cedar, slug="how-to-prepare")
    assert list(own.versions.values_list("number", flat=True)) == [2, 1]
    tab = therapist.get(f"/patients/{world.jordan.pk}/education/").content.decode()
    assert "since revised" in tab


def test_an_empty_body_is_refused_naming_the_field(world: Any, client_for: Any) -> None:
    response = client_for("admin").post("/education/safety/edit/", {**FORM, "body": ""})
    assert response.status_code == 400
    assert "Text (Markdown): This field is required." in response.content.decode()
