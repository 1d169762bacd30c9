"""Patients see their own progress in plain language, when their clinic allows it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone

from kapcare.measures.models import MeasuresSettings
from tests.measures.helpers import phq9_total, submit


def test_a_patient_reads_their_progress_in_plain_words(world: Any, client_for: Any) -> None:
    submit(world, phq9_total(18), when=timezone.now() - dt.timedelta(weeks=8))
    submit(world, phq9_total(4))
    submit(world, phq9_total(20), patient=world.sam, by="nurse")
    page = client_for("patient").get(reverse("measures:progress"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Your score went from <strong>18</strong>" in text
    assert "to <strong>4</strong>" in text
    assert "<strong>response</strong>" in text
    assert "<strong>remission</strong>" in text
    assert "<strong>20</strong>" not in text, "another patient's score must never show"
    home = client_for("patient").get(reverse("portal:home"))
    assert b"See your progress" in home.content


def test_a_clinic_may_keep_progress_for_the_consultation(world: Any, client_for: Any) -> None:
    MeasuresSettings.objects.create(clinic=world.cedar, patients_see_progress=False)
    submit(world, phq9_total(18))
    page = client_for("patient").get(reverse("measures:progress"))
    assert b"in person" in page.content
    assert b"Your score went" not in page.content
    assert b"See your progress" not in client_for("patient").get(reverse("portal:home")).content


def test_the_settings_page_lets_an_admin_change_the_clinics_choices(
    world: Any, client_for: Any
) -> None:
    client = client_for("admin")
    url = reverse("measures:settings")
    assert client.get(url).status_code == 200
    bad = client.post(
        url, {"escalate_after_minutes": 2, "off_track_after_sessions": 4, "pcl5_cutoff": 33}
    )
    assert bad.status_code == 400
    assert b"greater than or equal to 5" in bad.content
    client.post(
        url,
        {"escalate_after_minutes": 30, "off_track_after_sessions": 6, "pcl5_cutoff": 31},
    )
    saved = MeasuresSettings.objects.get(clinic=world.cedar)
    assert (saved.escalate_after_minutes, saved.patients_see_progress) == (30, False)
    assert client_for("therapist").get(url).status_code == 403
