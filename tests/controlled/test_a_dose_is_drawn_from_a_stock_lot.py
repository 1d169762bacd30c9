"""At administration the dose is drawn from a lot, in the same transaction, or not at all."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kapcare.controlled.models import LedgerEntry
from kapcare.dosing import administration as admin
from kapcare.dosing.models import Administration
from tests.controlled.conftest import dosing_now, receive
from tests.dosing.conftest import actor_of

SITE = {"site": "Left antecubital"}


def give(world: Any, session: Any, dose: str, **kw: Any) -> Any:
    return admin.administration_record(
        actor=actor_of(world, "nurse"),
        session=session,
        checked_by=world.users["prescriber"],
        dose_mg=dose,
        **SITE,
        **kw,
    )


def test_the_administration_takes_product_lot_and_expiry_from_the_lot_and_draws_its_volume(
    world: Any,
) -> None:
    lot = receive(world, "50")
    session = dosing_now(world)
    given = give(world, session, "25", stock_lot=lot)
    assert (given.product, given.lot, given.expiry) == (lot.product, "KX-2291", lot.expiry)
    assert given.concentration_mg_per_ml == Decimal(10)
    draw = LedgerEntry.objects.get(administration=given)
    assert (draw.kind, draw.quantity, draw.balance_after) == (
        "draw",
        Decimal("2.5"),
        Decimal("47.5"),
    )


def test_when_the_clinic_logs_stock_a_lot_is_required(world: Any) -> None:
    receive(world, "50")
    session = dosing_now(world)
    expiry = timezone.localdate() + dt.timedelta(days=30)
    with pytest.raises(ValidationError) as caught:
        give(world, session, "25", product="Ketamine", lot="FREE-1", expiry=expiry)
    assert "stock_lot" in caught.value.message_dict


def test_without_stock_lots_the_free_text_fields_still_work(world: Any) -> None:
    session = dosing_now(world)
    expiry = timezone.localdate() + dt.timedelta(days=30)
    given = give(world, session, "25", product="Ketamine", lot="FREE-1", expiry=expiry)
    assert given.lot == "FREE-1"
    assert not LedgerEntry.objects.exists()


def test_a_draw_beyond_the_balance_writes_neither_the_draw_nor_the_administration(
    world: Any,
) -> None:
    lot = receive(world, "1")
    session = dosing_now(world)
    with pytest.raises(ValidationError) as caught:
        give(world, session, "25", stock_lot=lot)
    assert "more than the 1" in caught.value.message_dict["stock_lot"][0]
    assert not Administration.objects.exists()
    assert lot.entries.count() == 1


def test_a_lot_of_another_concentration_than_the_order_is_refused(world: Any) -> None:
    strong = receive(world, "50", strength_mg="50", lot_number="KX-50", product="Ketamine 50")
    session = dosing_now(world)
    with pytest.raises(ValidationError) as caught:
        give(world, session, "25", stock_lot=strong)
    assert "worked out at 10.00 mg/mL" in caught.value.message_dict["stock_lot"][0]


def test_an_esketamine_administration_draws_one_device(world: Any) -> None:
    devices = receive(
        world, "6", product="Spravato 28 mg", form="device", strength_mg="28", lot_number="SP-1"
    )
    vial = receive(world, "50")
    session = dosing_now(world, template="esketamine_label_induction")
    with pytest.raises(ValidationError) as caught:
        give(world, session, "28", stock_lot=vial)
    assert "needs a device" in caught.value.message_dict["stock_lot"][0]
    given = give(world, session, "28", stock_lot=devices)
    assert given.stock_draw.quantity == 1
    assert given.stock_draw.balance_after == 5
