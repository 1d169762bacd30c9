"""REMS: the monitoring form's data on one printable page, and the forms still to file."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from kapcare.audit.models import AuditEvent
from kapcare.dosing.models import RemsFormFiling
from tests.dosing.record_helpers import discharged_esketamine, running

pytestmark = pytest.mark.django_db


def rems_url(session: Any) -> str:
    return reverse("dosing:rems_session", args=[session.patient_id, session.pk])


def test_the_page_gathers_what_the_rems_form_asks_and_says_it_is_filed_on_the_portal(
    world: Any, client_for: Any
) -> None:
    session = discharged_esketamine(world)
    page = client_for("nurse").get(rems_url(session)).content.decode()
    assert "filed by the clinic on the REMS portal" in page
    assert "kapcare does not send it" in page
    assert "Lowest score: <strong>3</strong>" in page
    assert "Highest clinician rating: <strong>moderate</strong>" in page
    assert "SpO2 93% (below the clinic's limit of 94%)" in page
    assert "128/80 mmHg" in page and "152/92 mmHg" in page
    assert "At least 2 hours" in page
    assert world.users["nurse"].full_name in page
    assert "local choice — confirm" in page  # the 7 days are the clinic's to confirm
    assert AuditEvent.objects.filter(action="view", object_type="dosing.dosingsession").exists()


def test_an_iv_session_has_no_rems_page(world: Any, client_for: Any) -> None:
    session = running(world)
    assert client_for("nurse").get(rems_url(session)).status_code == 404


def test_the_list_shows_unfiled_forms_with_due_dates_and_flags_the_overdue(
    world: Any, client_for: Any
) -> None:
    recent = discharged_esketamine(world, days_ago=1)
    late = discharged_esketamine(world, world.sam, days_ago=9)
    page = client_for("nurse").get(reverse("dosing:rems_forms")).content.decode()
    assert page.count("Open the monitoring data") == 2
    assert page.count(">Overdue<") == 1
    zone = ZoneInfo(recent.patient.clinic.time_zone)
    due = timezone.localtime(recent.discharged_at, zone).date() + dt.timedelta(days=7)
    assert due.strftime("%-d %b %Y") in page
    assert late.patient.display_name in page


def test_staff_record_the_filing_once_and_it_leaves_the_list(world: Any, client_for: Any) -> None:
    session = discharged_esketamine(world)
    nurse = client_for("nurse")
    url = reverse("dosing:rems_file", args=[session.patient_id, session.pk])
    today = timezone.localdate(timezone=ZoneInfo(session.patient.clinic.time_zone)).isoformat()
    refused = nurse.post(
        url, {"filed_on": today, "reference": "", "idempotency_key": "r0"}, follow=True
    )
    assert "reference: Enter the reference the REMS portal gave." in refused.content.decode()
    done = nurse.post(
        url, {"filed_on": today, "reference": "REMS-4471", "idempotency_key": "r1"}, follow=True
    ).content.decode()
    assert "REMS form recorded as filed (REMS-4471)." in done
    assert "Filed</span> on" in done
    again = nurse.post(
        url, {"filed_on": today, "reference": "REMS-4471", "idempotency_key": "r1"}, follow=True
    ).content.decode()
    assert "(already saved)" in again
    twice = nurse.post(
        url, {"filed_on": today, "reference": "OTHER", "idempotency_key": "r2"}, follow=True
    ).content.decode()
    assert "already recorded as filed" in twice
    assert RemsFormFiling.objects.get().reference == "REMS-4471"
    assert (
        AuditEvent.objects.filter(action="create", object_type="dosing.remsformfiling").count() == 1
    )
    listing = nurse.get(reverse("dosing:rems_forms")).content.decode()
    assert "Nothing to file" in listing


def test_a_filing_date_in_the_future_is_refused(world: Any, client_for: Any) -> None:
    session = discharged_esketamine(world)
    url = reverse("dosing:rems_file", args=[session.patient_id, session.pk])
    tomorrow = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    page = (
        client_for("nurse")
        .post(url, {"filed_on": tomorrow, "reference": "X", "idempotency_key": "f"}, follow=True)
        .content.decode()
    )
    assert "filed_on: The filing date cannot be in the future." in page
    assert not RemsFormFiling.objects.exists()


def test_another_clinic_sees_neither_the_page_nor_the_form(world: Any, client_for: Any) -> None:
    session = discharged_esketamine(world)
    other = client_for("other")
    assert other.get(rems_url(session)).status_code == 404
    url = reverse("dosing:rems_file", args=[session.patient_id, session.pk])
    assert other.post(url, {"filed_on": "2026-01-01", "reference": "X"}).status_code == 404
    assert (
        session.patient.display_name not in other.get(reverse("dosing:rems_forms")).content.decode()
    )
