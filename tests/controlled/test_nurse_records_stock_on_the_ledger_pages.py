"""The ledger pages: a nurse receives and wastes with a witness; others are kept out."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone

from kapcare.audit.models import AuditEvent
from kapcare.controlled.models import LedgerEntry
from tests.controlled.conftest import PASSWORD, dosing_now, receive


def test_a_nurse_receives_a_delivery_and_sees_it_on_the_ledger(client_for: Any, world: Any) -> None:
    nurse = client_for("nurse")
    expiry = (timezone.localdate() + dt.timedelta(days=365)).isoformat()
    response = nurse.post(
        reverse("controlled:receive"),
        {
            "product": "Ketamine HCl 10 mg/mL",
            "form": "vial",
            "strength_mg": "10",
            "lot_number": "KX-77",
            "expiry": expiry,
            "location": "Main safe",
            "quantity": "50",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "Received 50 mL" in response.content.decode()
    ledger = nurse.get(reverse("controlled:ledger")).content.decode()
    assert "KX-77" in ledger
    assert "50 mL" in ledger


def test_a_bad_quantity_is_refused_naming_the_field(client_for: Any, world: Any) -> None:
    expiry = (timezone.localdate() + dt.timedelta(days=365)).isoformat()
    response = client_for("nurse").post(
        reverse("controlled:receive"),
        {
            "product": "Spravato",
            "form": "device",
            "strength_mg": "28",
            "lot_number": "SP-1",
            "expiry": expiry,
            "location": "Main safe",
            "quantity": "1.5",
        },
    )
    assert response.status_code == 422
    assert "count in whole devices" in response.content.decode()
    assert not LedgerEntry.objects.exists()


def test_waste_with_a_wrong_witness_password_is_refused_naming_the_field(
    client_for: Any, world: Any
) -> None:
    lot = receive(world, "20")
    url = reverse("controlled:waste", args=[lot.pk])
    form = {
        "quantity": "4.4",
        "reason": "Rest of an opened vial",
        "witness": world.users["prescriber"].pk,
        "witness_password": "wrong",
    }
    nurse = client_for("nurse")
    refused = nurse.post(url, form)
    page = refused.content.decode()
    assert refused.status_code == 422
    assert "Witness&#x27;s password (typed by the witness): That is not Priya Raman" in page
    assert "wrong" not in page.split("witness_password")[-1][:200]
    assert lot.entries.count() == 1
    done = nurse.post(url, {**form, "witness_password": PASSWORD}, follow=True)
    assert "Waste of 4.4 mL recorded, witnessed by Priya Raman" in done.content.decode()
    assert "15.6 mL" in done.content.decode()


def test_a_therapist_is_forbidden_and_another_clinic_finds_no_lot(
    client_for: Any, world: Any
) -> None:
    from kapcare.accounts.models import Membership

    lot = receive(world, "20")
    assert client_for("therapist").get(reverse("controlled:ledger")).status_code == 403
    Membership.objects.filter(user=world.users["other"]).update(role="nurse")
    other = client_for("other")
    assert other.get(reverse("controlled:ledger")).status_code == 200
    assert other.get(reverse("controlled:lot", args=[lot.pk])).status_code == 404
    assert AuditEvent.objects.filter(action="denied", object_type="controlled.stocklot").exists()


def test_the_lot_page_names_the_patient_only_to_clinicians(client_for: Any, world: Any) -> None:
    from kapcare.dosing import administration as admin
    from tests.dosing.conftest import actor_of

    lot = receive(world, "50")
    session = dosing_now(world)
    admin.administration_record(
        actor=actor_of(world, "nurse"),
        session=session,
        checked_by=world.users["prescriber"],
        dose_mg="25",
        site="Left arm",
        stock_lot=lot,
    )
    url = reverse("controlled:lot", args=[lot.pk])
    assert "Jordan Rivera" in client_for("nurse").get(url).content.decode()
    admin_page = client_for("admin").get(url).content.decode()
    assert "Jordan Rivera" not in admin_page
    assert "Drawn for a patient" in admin_page
    assert AuditEvent.objects.filter(action="view", object_type="controlled.stocklot").count() == 2


def test_the_console_offers_the_clinics_lots_and_records_the_draw(
    client_for: Any, world: Any
) -> None:
    lot = receive(world, "50")
    session = dosing_now(world)
    nurse = client_for("nurse")
    console = reverse("dosing:console", args=[world.jordan.pk, session.pk])
    page = nurse.get(console).content.decode()
    assert 'name="stock_lot"' in page
    assert 'name="product"' not in page
    nurse.post(
        reverse("dosing:session_action", args=[world.jordan.pk, session.pk]),
        {
            "action": "administer",
            "idempotency_key": "draw-1",
            "version": str(session.version),
            "stock_lot": str(lot.pk),
            "site": "Left arm",
            "dose_mg": "20",
            "checked_by": str(world.users["prescriber"].pk),
        },
    )
    assert lot.entries.get(kind="draw").quantity == 2
