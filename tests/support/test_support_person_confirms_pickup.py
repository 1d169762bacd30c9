"""At discharge the support person confirms pickup on their phone; the nurse sees it
beside the "escort present" criterion."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from kapcare.support.models import EscortConfirmation
from tests.dosing.conftest import force_state
from tests.integration.sessions import held_session
from tests.support.helpers import grant, jordans_link


@pytest.fixture(autouse=True)
def _midday() -> Iterator[None]:
    """The sessions here began an hour ago: at 1 a.m. in the clinic that was yesterday's,
    and pickup is for today's session."""
    with time_machine.travel(dt.datetime(2026, 12, 7, 19, 0, tzinfo=dt.UTC), tick=False):
        yield


def _pickup_url(world: Any, session: Any) -> str:
    return reverse("support:pickup", args=[jordans_link(world).pk, session.appointment_id])


def test_pickup_is_offered_once_the_session_is_in_recovery_and_the_nurse_sees_it(
    world: Any, client_for: Any
) -> None:
    session = held_session(world, days_ago=0.05)
    grant(world, "appointments", "escort")
    support = client_for("support")
    page = support.get(reverse("support:home")).content.decode()
    assert "Today: taking Jordan home" in page
    response = support.post(_pickup_url(world, session), follow=True)
    assert "The nurse can see that you are here to take Jordan home." in response.content.decode()
    assert EscortConfirmation.objects.get().pickup_confirmed_at is not None
    discharge = reverse("dosing:discharge", args=[world.jordan.pk, session.pk])
    page = client_for("nurse").get(discharge).content.decode()
    assert "Casey Rivera (sibling) said at" in page
    assert "they are here to take the patient home" in page


def test_the_discharge_page_says_when_no_support_person_has_confirmed(
    world: Any, client_for: Any
) -> None:
    session = held_session(world, days_ago=0.05)
    discharge = reverse("dosing:discharge", args=[world.jordan.pk, session.pk])
    page = client_for("nurse").get(discharge).content.decode()
    assert "No support person has said they are here yet." in page


def test_pickup_cannot_be_confirmed_before_the_dose_has_ended(world: Any, client_for: Any) -> None:
    session = force_state(held_session(world, days_ago=0.05), "dosing")
    grant(world, "appointments")
    response = client_for("support").post(_pickup_url(world, session), follow=True)
    assert "once the clinic says the session is in recovery" in response.content.decode()
    assert not EscortConfirmation.objects.exists()


def test_without_the_appointments_grant_pickup_is_refused(world: Any, client_for: Any) -> None:
    session = held_session(world, days_ago=0.05)
    grant(world, "escort")
    assert client_for("support").post(_pickup_url(world, session)).status_code == 404
    assert not EscortConfirmation.objects.exists()
