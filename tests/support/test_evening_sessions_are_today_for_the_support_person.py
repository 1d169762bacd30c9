"""A support person's "today" is the clinic's today.

Their requests carry no clinic time zone, and in a Denver evening the UTC date is already
tomorrow's: an evening session's pickup and escort duty were hidden and refused as if the
session were yesterday's. Token requests to the API had the same blind spot.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from kapcare.support.models import EscortConfirmation
from tests.accounts.test_api_tokens import api, create_token
from tests.integration.sessions import book, held_session
from tests.support.helpers import grant, jordans_link

pytestmark = pytest.mark.django_db

#: 19:30 on Monday 7 December at Cedar Grove (America/Denver), already the 8th in UTC
EVENING = dt.datetime(2026, 12, 8, 2, 30, tzinfo=dt.UTC)


def test_an_evening_session_is_offered_for_pickup_and_the_pickup_is_accepted(
    world: Any, client_for: Any
) -> None:
    with time_machine.travel(EVENING, tick=False):
        session = held_session(world, days_ago=0.1)  # began 17:06 in Denver, 00:06 UTC
        grant(world, "appointments", "escort")
        support = client_for("support")
        page = support.get(reverse("support:home")).content.decode()
        assert "Today: taking Jordan home" in page
        url = reverse("support:pickup", args=[jordans_link(world).pk, session.appointment_id])
        done = support.post(url, follow=True).content.decode()
    assert "The nurse can see that you are here to take Jordan home." in done
    assert EscortConfirmation.objects.get().pickup_confirmed_at is not None


def test_escort_duty_for_an_evening_session_is_accepted_and_names_the_clinic_day(
    world: Any, client_for: Any
) -> None:
    with time_machine.travel(EVENING, tick=False):
        appointment = book(world, start=EVENING + dt.timedelta(minutes=30))  # 20:00 in Denver
        grant(world, "appointments")
        url = reverse("support:escort_appointment", args=[jordans_link(world).pk, appointment.pk])
        done = client_for("support").post(url, follow=True).content.decode()
    assert "The clinic knows you will take Jordan home on Monday 7 December." in done
    assert EscortConfirmation.objects.get().session_date == dt.date(2026, 12, 7)


def test_a_token_request_judges_today_in_the_clinics_zone(world: Any, client_for: Any) -> None:
    with time_machine.travel(EVENING, tick=False):
        raw = create_token(client_for("nurse"), scope="write")
        utc_today = {"mrn": "KC-3001", "given_name": "Ada", "family_name": "Byrne"}
        response = api(
            "post", "/api/v1/patients", raw, {**utc_today, "date_of_birth": "2026-12-08"}
        )
        assert response.status_code == 422, response.content
        assert "cannot be in the future" in response.content.decode()
        clinic_today = {**utc_today, "date_of_birth": "2026-12-07"}
        assert api("post", "/api/v1/patients", raw, clinic_today).status_code == 201
