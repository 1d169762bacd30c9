"""The patient prepares in the portal; the nurse confirms the critical items at check-in."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from kapcare.audit.models import AuditEvent
from kapcare.treatment.models import Appointment, ChecklistItem, PreparationNote
from kapcare.treatment.preparation import checklist_create, preparation_status

ALL = ["fasting", "medication", "escort", "no_driving", "set_setting", "intention"]
CRITICAL = ["fasting", "medication", "escort", "no_driving"]


@pytest.fixture
def dose(world: Any) -> Appointment:
    start = timezone.now() + dt.timedelta(days=2)
    appointment = Appointment.objects.create(
        clinic=world.cedar,
        patient=world.jordan,
        kind="dosing",
        dose_number=1,
        start=start,
        end=start + dt.timedelta(hours=3),
        created_by=world.users["nurse"],
    )
    checklist_create(appointment)
    return appointment


def complete(client: Any, dose: Appointment, keys: list[str], **extra: str) -> Any:
    data = {f"item_{k}": "on" for k in keys}
    data.update(extra)
    return client.post(reverse("treatment:my_checklist", args=[dose.pk]), data)


def test_the_checklist_shows_the_clinic_fasting_hours_and_the_no_driving_rule(
    dose: Any, client_for: Any
) -> None:
    page = client_for("patient").get(reverse("treatment:my_checklist", args=[dose.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "No food for 4 hours" in text
    assert "will not drive" in text and "until the next day" in text
    assert "Your intention for the session" in text


def test_the_patient_completes_it_and_each_item_records_who_and_when(
    dose: Any, client_for: Any, world: Any
) -> None:
    response = complete(
        client_for("patient"),
        dose,
        ALL,
        escort_name="Casey Rivera",
        escort_phone="555-0100",
        intention="To meet my grief with kindness.",
    )
    assert response.status_code == 302
    items = ChecklistItem.objects.filter(checklist__appointment=dose)
    assert all(i.confirmed_by == world.users["patient"] and i.confirmed_at for i in items)
    status = preparation_status(Appointment.objects.get(pk=dose.pk))
    assert status.missing == () and set(status.awaiting_check_in) == set(CRITICAL)
    assert not status.ready, "the nurse has not confirmed at check-in yet"
    event = AuditEvent.objects.get(object_type="treatment.preparationchecklist", action="update")
    assert sorted(event.detail["confirmed"]) == sorted(ALL)
    staff = client_for("therapist").get(
        reverse("treatment:checklist", args=[world.jordan.pk, dose.pk])
    )
    assert "To meet my grief with kindness." in staff.content.decode()


def test_an_escort_without_a_phone_number_is_refused(dose: Any, client_for: Any) -> None:
    response = complete(client_for("patient"), dose, ["escort"], escort_name="Casey")
    assert response.status_code == 400
    assert "name and phone number" in response.content.decode()
    assert not ChecklistItem.objects.filter(confirmed_at__isnull=False).exists()


def test_an_intention_ticked_but_not_written_is_refused(dose: Any, client_for: Any) -> None:
    response = complete(client_for("patient"), dose, ["intention"], intention="  ")
    assert response.status_code == 400
    assert "in your own words" in response.content.decode()


def test_the_nurse_confirms_critical_items_only_after_the_patient(
    dose: Any, client_for: Any, world: Any
) -> None:
    url = reverse("treatment:checklist", args=[world.jordan.pk, dose.pk])
    nurse = client_for("nurse")
    nurse.post(url, {"action": "check_in", "keys": ["escort"]})
    assert not ChecklistItem.objects.filter(checked_in_at__isnull=False).exists()
    complete(client_for("patient"), dose, CRITICAL, escort_name="Casey", escort_phone="555-0100")
    nurse.post(url, {"action": "check_in", "keys": CRITICAL})
    status = preparation_status(Appointment.objects.get(pk=dose.pk))
    assert status.ready and status.missing == ("set_setting", "intention")
    item = ChecklistItem.objects.get(key="escort")
    assert item.checked_in_by == world.users["nurse"] and item.checked_in_at


def test_new_medication_instructions_need_the_patient_to_confirm_again(
    dose: Any, client_for: Any, world: Any
) -> None:
    complete(client_for("patient"), dose, ["medication"])
    url = reverse("treatment:checklist", args=[world.jordan.pk, dose.pk])
    assert (
        client_for("nurse").post(url, {"action": "medication", "medication": "x"}).status_code
        == 403
    )
    client_for("prescriber").post(
        url, {"action": "medication", "medication": "Do not take lorazepam that morning."}
    )
    assert ChecklistItem.objects.get(key="medication").confirmed_at is None
    page = client_for("patient").get(reverse("treatment:my_checklist", args=[dose.pk]))
    assert "Do not take lorazepam that morning." in page.content.decode()


def test_another_patient_cannot_open_the_checklist(dose: Any, client_for: Any) -> None:
    assert (
        client_for("patient2").get(reverse("treatment:my_checklist", args=[dose.pk])).status_code
        == 404
    )


def test_the_portal_lists_upcoming_sessions_with_what_is_left_to_do(
    dose: Any, client_for: Any
) -> None:
    client = client_for("patient")
    text = client.get(reverse("treatment:my_appointments")).content.decode()
    assert "Prepare for this session" in text and "6 items left" in text
    home = client.get(reverse("portal:home")).content.decode()
    assert "Your next appointments" in home and "Dosing" in home


def test_a_preparation_note_is_signed_and_never_edited(world: Any, client_for: Any) -> None:
    response = client_for("therapist").post(
        reverse("treatment:preparation_note", args=[world.jordan.pk]),
        {
            "expectations": "Curious, a little nervous.",
            "fears": "Losing control.",
            "intention": "Meet grief with kindness.",
            "practice_taught": "Box breathing.",
            "safety_plan": "Call Casey; crisis line on the card.",
        },
    )
    assert response.status_code == 302
    note = PreparationNote.objects.get()
    assert note.author == world.users["therapist"]
    with pytest.raises(RuntimeError, match="never edited"):
        note.save()
    page = client_for("therapist").get(reverse("treatment:plan", args=[world.jordan.pk]))
    assert "Box breathing." in page.content.decode()
