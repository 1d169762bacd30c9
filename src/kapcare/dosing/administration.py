"""Ordering, checking and giving the dose.

The prescriber's order is worked out by the pure calculator from the signed
plan's dose and the weight recorded at check-in; nothing is typed in that the
calculator could get wrong. A second person checks it; only then may the dose
start, and every administration names who gave it and who checked it.
Esketamine is given one 28 mg device at a time, at least 5 minutes apart.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from kapcare.accounts.actors import Actor
from kapcare.accounts.policy import Perm, deny, has_perm
from kapcare.audit.models import Action
from kapcare.audit.services import record
from kapcare.clinical.dosing import ESKETAMINE_DEVICE_INTERVAL_MINUTES, Dose, calculate_dose
from kapcare.clinical.findings import Severity
from kapcare.clinical.plans.model import DoseUnit
from kapcare.clinical.routes import Route
from kapcare.clinical.session_states import SessionState
from kapcare.controlled.selectors import lot_for_administration, stock_kept_for
from kapcare.controlled.services import draw_for_administration
from kapcare.dosing import gate
from kapcare.dosing.models import Administration, DoseOrder, DosingSession
from kapcare.treatment.plan_data import plan_from_json


def previous_dose_mg(session: DosingSession) -> Decimal | None:
    """The dose given at the patient's last earlier session (for the titration check)."""
    last = (
        Administration.objects.filter(session__patient_id=session.patient_id)
        .exclude(session=session)
        .order_by("-started_at")
        .values("session_id")
        .first()
    )
    if last is None:
        return None
    total = Administration.objects.filter(session_id=last["session_id"]).aggregate(
        s=Sum("dose_mg")
    )["s"]
    return Decimal(total) if total is not None else None


def calculate_for(session: DosingSession, *, concentration_mg_per_ml: Any = None) -> Dose:
    """The session's dose from the signed plan and the recorded weight (pure calculator)."""
    plan = gate.signed_plan(session)
    if plan is None:
        raise ValidationError({"plan": ["No signed treatment plan to dose from."]})
    dose = plan_from_json(plan.content).dose
    route = Route(session.route)
    kwargs: dict[str, Any] = {"route": route, "previous_dose_mg": previous_dose_mg(session)}
    if dose.unit is DoseUnit.MG_PER_KG:
        if session.weight_kg is None:
            raise ValidationError({"weight_kg": ["Record the weight first: the dose is per kg."]})
        kwargs |= {
            "mg_per_kg": dose.starting,
            "weight_kg": session.weight_kg,
            "cap_mg": dose.per_session_cap * session.weight_kg,
        }
        if dose.titration_step:
            kwargs["titration_step_mg_per_kg"] = dose.titration_step
    else:
        kwargs |= {"dose_mg": dose.starting, "cap_mg": dose.per_session_cap}
    if route is Route.IV_RACEMIC:
        kwargs["infusion_minutes"] = dose.infusion_minutes or 40
    if concentration_mg_per_ml not in (None, "") and route in (Route.IV_RACEMIC, Route.IM_RACEMIC):
        kwargs["concentration_mg_per_ml"] = Decimal(str(concentration_mg_per_ml))
    try:
        return calculate_dose(**kwargs)
    except ValueError as error:
        field, _, message = str(error).partition(": ")
        raise ValidationError({field: [message or str(error)]}) from None


def dose_order_create(
    *,
    actor: Actor,
    session: DosingSession,
    concentration_mg_per_ml: Any = None,
    override_reason: str = "",
) -> DoseOrder:
    """A prescriber orders the calculated dose; a block finding needs a written override."""
    if not has_perm(actor, Perm.DOSE_ORDER):
        deny(actor, Perm.DOSE_ORDER, object_type="dosing.doseorder", object_id=session.pk)
        raise PermissionDenied("Only a prescriber orders a dose.")
    if session.state != SessionState.READY:
        raise ValidationError("A dose is ordered once the patient is ready (the gate is passed).")
    dose = calculate_for(session, concentration_mg_per_ml=concentration_mg_per_ml)
    blocks = [f.message for f in dose.findings if f.severity is Severity.BLOCK]
    override = override_reason.strip()
    if blocks and not override:
        raise ValidationError(
            {"override_reason": [*blocks, "A prescriber may order it with a written reason."]}
        )
    with transaction.atomic():
        order = DoseOrder.objects.create(
            session=session,
            mg_per_kg=dose.mg_per_kg,
            weight_kg=dose.weight_kg,
            dose_mg=dose.dose_mg,
            concentration_mg_per_ml=dose.concentration_mg_per_ml,
            volume_ml=dose.volume_ml,
            infusion_minutes=int(dose.infusion_minutes) if dose.infusion_minutes else None,
            rate_mg_per_hour=dose.rate_mg_per_hour,
            rate_ml_per_hour=dose.rate_ml_per_hour,
            devices=dose.devices,
            findings=[
                {"rule_id": f.rule_id, "severity": f.severity.value, "message": f.message}
                for f in dose.findings
            ],
            precision_notes=list(dose.precision_notes),
            override_reason=override if blocks else "",
            ordered_by=actor.user,
        )
        record(
            Action.OVERRIDE if blocks else Action.CREATE,
            actor=actor,
            patient=session.patient,
            obj=order,
            detail={"dose_mg": str(dose.dose_mg), "blocks": blocks, "override": override},
        )
    return order


def dose_order_check(*, actor: Actor, order: DoseOrder) -> DoseOrder:
    """The second person confirms the order; the prescriber cannot check their own."""
    if order.ordered_by_id == actor.user.pk:
        raise ValidationError("The second check must be done by someone other than the prescriber.")
    with transaction.atomic():
        changed = DoseOrder.objects.filter(pk=order.pk, checked_by__isnull=True).update(
            checked_by=actor.user, checked_at=timezone.now()
        )
        if changed != 1:
            raise ValidationError("This order has already been checked.")
        record(
            Action.UPDATE,
            actor=actor,
            patient=order.session.patient,
            obj=order,
            detail={"checked": True},
        )
    order.refresh_from_db()
    return order


def checked_order(session: DosingSession) -> DoseOrder | None:
    """The latest order, if a second person has checked it."""
    order = session.orders.first()
    return order if order is not None and order.checked_at is not None else None


def administration_record(
    *,
    actor: Actor,
    session: DosingSession,
    checked_by: Any,
    product: str = "",
    lot: str = "",
    expiry: dt.date | None = None,
    site: str,
    dose_mg: Any,
    started_at: dt.datetime | None = None,
    ended_at: dt.datetime | None = None,
    stock_lot: Any = None,
) -> Administration:
    """Record one administration against the checked order (partial doses allowed).

    Where the clinic keeps a controlled-substance ledger for the route's form, the
    dose is drawn from a chosen ``stock_lot`` (a ``controlled.StockLot`` or its id):
    product, lot number, expiry and concentration then come from the lot, and the
    draw is written in the same transaction.
    """
    if session.state != SessionState.DOSING:
        raise ValidationError("Start the dose on the console before recording administrations.")
    order = checked_order(session)
    if order is None:
        raise ValidationError("No checked dose order: a second person must check it first.")
    if checked_by is None or checked_by.pk == actor.user.pk:
        raise ValidationError({"checked_by": ["Name a second person who checked the dose."]})
    stock = lot_for_administration(session, order, stock_lot, timezone.localdate())
    if stock is not None:
        product, lot, expiry = stock.product, stock.lot_number, stock.expiry
    elif stock_kept_for(session.clinic_id, session.route):
        raise ValidationError(
            {"stock_lot": ["Choose the stock lot this dose is drawn from (controlled log)."]}
        )
    missing = [n for n, v in (("product", product), ("lot", lot), ("site", site)) if not v.strip()]
    missing += ["expiry"] if expiry is None else []
    if missing or expiry is None:
        raise ValidationError({n: ["Required."] for n in missing})
    now = timezone.now()
    if expiry < timezone.localdate():
        raise ValidationError(
            {"expiry": [f"Lot {lot} expired on {expiry:%d %b %Y}; do not use it."]}
        )
    try:
        amount = Decimal(str(dose_mg))
    except ArithmeticError:
        raise ValidationError({"dose_mg": [f"Enter the dose in mg, got {dose_mg!r}."]}) from None
    started = started_at or now
    if ended_at is not None and ended_at < started:
        raise ValidationError({"ended_at": ["The end cannot be before the start."]})
    with transaction.atomic():
        DosingSession.objects.select_for_update().get(pk=session.pk)
        given = list(Administration.objects.filter(session=session).order_by("started_at"))
        total = sum((a.dose_mg for a in given), Decimal(0))
        if amount <= 0 or total + amount > order.dose_mg:
            left = order.dose_mg - total
            raise ValidationError(
                {"dose_mg": [f"Enter more than 0 and at most the {left} mg left of the order."]}
            )
        device = None
        if session.route == Route.INTRANASAL_ESKETAMINE:
            device = len(given) + 1
            if given:
                wait = dt.timedelta(minutes=ESKETAMINE_DEVICE_INTERVAL_MINUTES)
                next_at = given[-1].started_at + wait
                if started < next_at:
                    raise ValidationError(
                        {
                            "started_at": [
                                f"Wait {ESKETAMINE_DEVICE_INTERVAL_MINUTES} minutes "
                                f"between devices: the next one is due at {next_at:%H:%M} UTC."
                            ]
                        }
                    )
        made = Administration.objects.create(
            session=session,
            order=order,
            product=product.strip(),
            lot=lot.strip(),
            expiry=expiry,
            concentration_mg_per_ml=(stock and stock.concentration_mg_per_ml)
            or order.concentration_mg_per_ml,
            route=session.route,
            site=site.strip(),
            dose_mg=amount,
            device_number=device,
            started_at=started,
            ended_at=ended_at,
            given_by=actor.user,
            checked_by=checked_by,
        )
        record(
            Action.CREATE,
            actor=actor,
            patient=session.patient,
            obj=made,
            detail={"dose_mg": str(amount), "lot": made.lot, "device": device},
        )
        if stock is not None:
            draw_for_administration(actor=actor, lot=stock, administration=made)
    return made


def next_device_due(session: DosingSession) -> dt.datetime | None:
    """Esketamine: when the next device may be given (None when all are given or not esketamine)."""
    if session.route != Route.INTRANASAL_ESKETAMINE:
        return None
    return device_due_after(session, session.orders.first(), list(session.administrations.all()))


def device_due_after(
    session: DosingSession, latest_order: DoseOrder | None, given: list[Administration]
) -> dt.datetime | None:
    """``next_device_due`` from the session's latest order and its administrations, already read."""
    if session.route != Route.INTRANASAL_ESKETAMINE:
        return None
    checked = latest_order is not None and latest_order.checked_at is not None
    order = latest_order if checked else None
    if order is None or order.devices is None or len(given) >= order.devices:
        return None
    if not given:
        return None
    return given[-1].started_at + dt.timedelta(minutes=ESKETAMINE_DEVICE_INTERVAL_MINUTES)
