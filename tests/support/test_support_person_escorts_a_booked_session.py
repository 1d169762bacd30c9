"""A support person with the appointments grant sees the next booked dosing session,
confirms escort duty for it, and the nurse's readiness gate shows who confirmed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kapcare.support import services
from kapcare.support.models import EscortConfirmation
from tests.integration.helpers import patient_actor
from tests.integration.sessions import book
from tests.support.helpers import grant, jordans_link


def _upcoming(world: Any, days: float = 3, number: int = 2) -> Any:
    return book(world, start=timezone.now() + dt.timedelta(days=days), number=number)


def _home(client: Any) -> str:
    return client.get(reverse("support:home")).content.decode()


def _escort_url(world: Any, appointment: Any) -> str:
    return reverse("support:escort_appointment", args=[jordans_link(world).pk, appointment.pk])


def test_the_next_session_shows_only_with_the_appointments_grant(
    world: Any, client_for: Any
) -> None:
    appointment = _upcoming(world)
    client = client_for("support")
    grant(world, "escort")
    assert "Next session you escort" not in _home(client)
    grant(world, "appointments", "escort")
    page = _home(client)
    assert "Next session you escort" in page
    local = timezone.localtime(appointment.start, timezone=_zone(world))
    assert f"{local:%A} {local.day} {local:%B %Y}" in page
    assert f", {local:%H:%M}" in page
    assert "Cedar Grove Ketamine Clinic" in page
    assert "Pick-up" in page


def _zone(world: Any) -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo(world.cedar.time_zone)


def test_the_earliest_booked_session_is_the_next_one(world: Any, client_for: Any) -> None:
    later = _upcoming(world, days=10, number=3)
    sooner = _upcoming(world, days=3)
    grant(world, "appointments")
    page = _home(client_for("support"))
    assert _escort_url(world, sooner) in page
    assert _escort_url(world, later) not in page


def test_after_revocation_nothing_is_shown_and_nothing_can_be_confirmed(
    world: Any, client_for: Any
) -> None:
    appointment = _upcoming(world)
    grant(world, "appointments")
    services.support_access_revoke(actor=patient_actor(world), link=jordans_link(world))
    client = client_for("support")
    page = _home(client)
    assert "Next session you escort" not in page
    assert "Jordan" not in page
    assert client.post(_escort_url(world, appointment)).status_code == 404
    assert not EscortConfirmation.objects.exists()


def test_confirming_escort_duty_links_the_promise_to_the_appointment(
    world: Any, client_for: Any
) -> None:
    appointment = _upcoming(world)
    grant(world, "appointments")
    client = client_for("support")
    response = client.post(_escort_url(world, appointment), follow=True)
    assert "The clinic knows you will take Jordan home on" in response.content.decode()
    confirmation = EscortConfirmation.objects.get()
    assert confirmation.appointment_id == appointment.pk
    assert "You have confirmed you will take Jordan home on" in _home(client)
    client.post(_escort_url(world, appointment))
    assert EscortConfirmation.objects.count() == 1


def test_a_promise_for_the_next_session_is_attached_when_one_is_booked(
    world: Any, client_for: Any
) -> None:
    grant(world, "appointments")
    client = client_for("support")
    client.post(reverse("support:escort", args=[jordans_link(world).pk]))
    appointment = _upcoming(world)
    client.post(_escort_url(world, appointment))
    assert list(EscortConfirmation.objects.values_list("appointment_id", flat=True)) == [
        appointment.pk
    ]


def test_another_patients_appointment_cannot_be_confirmed(world: Any, client_for: Any) -> None:
    theirs = book(world, start=timezone.now() + dt.timedelta(days=3), patient=world.sam)
    grant(world, "appointments")
    response = client_for("support").post(_escort_url(world, theirs))
    assert response.status_code == 404
    assert not EscortConfirmation.objects.exists()


def test_the_readiness_gate_shows_who_confirmed_escort_duty(world: Any, client_for: Any) -> None:
    from kapcare.dosing.services import session_open
    from tests.dosing.conftest import actor_of

    appointment = book(world, start=timezone.now() + dt.timedelta(hours=1))
    session = session_open(actor=actor_of(world, "nurse"), appointment=appointment)
    console = reverse("dosing:console", args=[world.jordan.pk, session.pk])
    nurse = client_for("nurse")
    page = nurse.get(console).content.decode()
    assert "Escort home arranged" in page
    assert "Not confirmed by a support person." in page
    grant(world, "appointments")
    client_for("support").post(_escort_url(world, appointment))
    page = nurse.get(console).content.decode()
    assert "Confirmed by Casey Rivera (sibling) on" in page


def test_the_support_page_costs_the_same_queries_whatever_the_number_of_sessions(
    world: Any, client_for: Any
) -> None:
    grant(world, "appointments", "escort", "checkins")
    client = client_for("support")
    first = _upcoming(world, days=2)
    client.post(_escort_url(world, first))
    _home(client)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            _home(client)
        return len(queries)

    few = count()
    for n in range(5):
        _upcoming(world, days=5 + n, number=3 + n)
    assert count() == few
