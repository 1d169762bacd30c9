"""The dose: calculated from the plan and weight, ordered, checked by a second person, given."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kapcare.audit.models import AuditEvent
from kapcare.dosing import administration as admin
from kapcare.dosing import services
from tests.dosing.conftest import actor_of, force_state, open_session

LOT = {"product": "Ketamine 10 mg/mL", "lot": "KX-2291", "site": "Left antecubital"}


def ready(world: Any, template: str = "iv_racemic_induction", weight: str = "80") -> Any:
    session = open_session(world, template=template)
    force_state(session, "ready", weight_kg=Decimal(weight))
    return session


def order_and_check(world: Any, session: Any, **kw: Any) -> Any:
    order = admin.dose_order_create(actor=actor_of(world, "prescriber"), session=session, **kw)
    return admin.dose_order_check(actor=actor_of(world, "nurse"), order=order)


def start(world: Any, session: Any) -> Any:
    session.refresh_from_db()
    return services.session_start_dose(
        actor=actor_of(world, "nurse"), session=session, version=session.version
    )


def test_the_iv_order_is_the_calculators_from_plan_dose_and_weight(world: Any) -> None:
    session = ready(world)
    order = admin.dose_order_create(
        actor=actor_of(world, "prescriber"), session=session, concentration_mg_per_ml="10"
    )
    # 0.5 mg/kg x 80 kg = 40 mg; 4 mL at 10 mg/mL; over 40 minutes: 60 mg/h, 6 mL/h
    assert order.dose_mg == Decimal("40.0")
    assert order.volume_ml == Decimal("4.0")
    assert order.rate_mg_per_hour == Decimal("60.0")
    assert order.rate_ml_per_hour == Decimal("6.0")
    assert order.precision_notes
    assert AuditEvent.objects.filter(action="create", object_type="dosing.doseorder").count() == 1


def test_only_a_prescriber_orders_and_someone_else_checks(world: Any) -> None:
    session = ready(world)
    with pytest.raises(PermissionDenied):
        admin.dose_order_create(actor=actor_of(world, "nurse"), session=session)
    order = admin.dose_order_create(actor=actor_of(world, "prescriber"), session=session)
    with pytest.raises(ValidationError, match="someone other than the prescriber"):
        admin.dose_order_check(actor=actor_of(world, "prescriber"), order=order)
    admin.dose_order_check(actor=actor_of(world, "nurse"), order=order)
    with pytest.raises(ValidationError, match="already been checked"):
        admin.dose_order_check(actor=actor_of(world, "therapist"), order=order)


def test_a_weight_based_order_needs_the_weight(world: Any) -> None:
    session = open_session(world)
    force_state(session, "ready")
    with pytest.raises(ValidationError) as caught:
        admin.dose_order_create(actor=actor_of(world, "prescriber"), session=session)
    assert "weight_kg" in caught.value.message_dict


def test_the_dose_cannot_start_without_a_checked_order(world: Any) -> None:
    session = ready(world)
    with pytest.raises(ValidationError, match="No checked dose order"):
        start(world, session)
    admin.dose_order_create(actor=actor_of(world, "prescriber"), session=session)
    with pytest.raises(ValidationError, match="No checked dose order"):
        start(world, session)


def test_administration_records_who_gave_and_checked_and_allows_partial_doses(
    world: Any,
) -> None:
    session = ready(world)
    order_and_check(world, session, concentration_mg_per_ml="10")
    session = start(world, session)
    nurse, prescriber = actor_of(world, "nurse"), world.users["prescriber"]
    expiry = timezone.localdate() + dt.timedelta(days=90)
    first = admin.administration_record(
        actor=nurse, session=session, checked_by=prescriber, expiry=expiry, dose_mg="25", **LOT
    )
    assert (first.given_by, first.checked_by) == (world.users["nurse"], prescriber)
    assert first.concentration_mg_per_ml == Decimal("10.00")
    with pytest.raises(ValidationError, match=r"at most the 15\.00 mg left"):
        admin.administration_record(
            actor=nurse,
            session=session,
            checked_by=prescriber,
            expiry=expiry,
            dose_mg="16",
            **LOT,
        )
    admin.administration_record(
        actor=nurse, session=session, checked_by=prescriber, expiry=expiry, dose_mg="15", **LOT
    )
    with pytest.raises(ValidationError) as caught:
        admin.administration_record(
            actor=nurse,
            session=session,
            checked_by=world.users["nurse"],
            expiry=expiry,
            dose_mg="1",
            **LOT,
        )
    assert "checked_by" in caught.value.message_dict


def test_an_expired_lot_is_refused(world: Any) -> None:
    session = ready(world)
    order_and_check(world, session)
    session = start(world, session)
    with pytest.raises(ValidationError) as caught:
        admin.administration_record(
            actor=actor_of(world, "nurse"),
            session=session,
            checked_by=world.users["prescriber"],
            expiry=timezone.localdate() - dt.timedelta(days=1),
            dose_mg="10",
            **LOT,
        )
    assert "expired" in caught.value.message_dict["expiry"][0]


def test_esketamine_devices_are_given_at_least_5_minutes_apart(world: Any) -> None:
    session = ready(world, template="esketamine_label_induction")
    order = order_and_check(world, session)
    assert (order.dose_mg, order.devices) == (Decimal("56.00"), 2)
    session = start(world, session)
    nurse, checker = actor_of(world, "nurse"), world.users["prescriber"]
    expiry = timezone.localdate() + dt.timedelta(days=90)
    spray = {"product": "Spravato 28 mg device", "lot": "ES-1", "site": "Both nostrils"}
    one = admin.administration_record(
        actor=nurse, session=session, checked_by=checker, expiry=expiry, dose_mg="28", **spray
    )
    assert one.device_number == 1
    assert admin.next_device_due(session) == one.started_at + dt.timedelta(minutes=5)
    with pytest.raises(ValidationError, match="Wait 5 minutes"):
        admin.administration_record(
            actor=nurse,
            session=session,
            checked_by=checker,
            expiry=expiry,
            dose_mg="28",
            started_at=one.started_at + dt.timedelta(minutes=4),
            **spray,
        )
    with time_machine.travel(dt.timedelta(minutes=5)):
        two = admin.administration_record(
            actor=nurse, session=session, checked_by=checker, expiry=expiry, dose_mg="28", **spray
        )
    assert two.device_number == 2
    assert admin.next_device_due(session) is None
