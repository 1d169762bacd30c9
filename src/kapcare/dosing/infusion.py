"""Pausing, resuming and stopping an infusion, and the dose actually given when stopped early.

Every event carries its reason and is written once. On a stop the pure
calculator (:mod:`kapcare.clinical.infusion`) works out the dose from the
ordered rate and the minutes the infusion ran; the nurse confirms it or
records another amount with a reason. IM injections have no rate: a stop
there needs the amount given.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kapcare.accounts.actors import Actor
from kapcare.audit.models import Action
from kapcare.audit.services import record
from kapcare.clinical import infusion as pure
from kapcare.clinical.routes import Route
from kapcare.clinical.session_states import SessionState
from kapcare.dosing.models import Administration, InfusionEvent

#: routes whose administrations may be paused or stopped on the console
INFUSED = (Route.IV_RACEMIC, Route.IM_RACEMIC)


def _events(administration: Administration) -> list[pure.Event]:
    return [pure.Event(pure.EventKind(e.kind), e.at) for e in administration.infusion_events.all()]


def state_of(administration: Administration) -> pure.InfusionState:
    return pure.state_after(_events(administration))


def given_mg(administration: Administration) -> Decimal:
    """The dose actually given: the amount confirmed at a stop, else the amount recorded."""
    for event in administration.infusion_events.all():
        if event.kind == "stop" and event.given_mg is not None:
            return Decimal(event.given_mg)
    return Decimal(administration.dose_mg)


def calculated_mg(administration: Administration, at: dt.datetime) -> tuple[float, Decimal | None]:
    """Minutes run until ``at`` and the dose at the ordered rate (None when there is no rate)."""
    minutes = pure.running_minutes(administration.started_at, _events(administration), at)
    rate = administration.order.rate_mg_per_hour
    if rate is None:
        return minutes, None
    return minutes, pure.partial_dose_mg(
        rate_mg_per_hour=Decimal(rate),
        minutes=minutes,
        hung_dose_mg=Decimal(administration.dose_mg),
    )


def infusion_event_record(
    *,
    actor: Actor,
    administration: Administration,
    kind: str,
    reason: str,
    given: Any = None,
    given_reason: str = "",
    at: dt.datetime | None = None,
) -> InfusionEvent:
    """Record a pause, resume or stop with its reason; a stop fixes the dose given."""
    session = administration.session
    if session.state != SessionState.DOSING:
        raise ValidationError("Infusions are paused or stopped while the dose is running.")
    route = Route(administration.route)
    if route not in INFUSED:
        raise ValidationError("Only IV and IM administrations are paused or stopped here.")
    if kind in ("pause", "resume") and administration.order.rate_mg_per_hour is None:
        raise ValidationError({"kind": ["Only an infusion with an ordered rate can be paused."]})
    if not reason.strip():
        raise ValidationError({"reason": ["Say why."]})
    now = timezone.now()
    moment = at or now
    if moment > now + dt.timedelta(minutes=1):
        raise ValidationError({"at": ["The time cannot be in the future."]})
    if moment < administration.started_at:
        raise ValidationError({"at": ["The time cannot be before the infusion started."]})
    fields: dict[str, Any] = {}
    with transaction.atomic():
        # the administration row is the lock: two tablets cannot stop it twice
        Administration.objects.select_for_update().filter(pk=administration.pk).first()
        fresh = Administration.objects.select_related("order").get(pk=administration.pk)
        refused = pure.refusal(_events(fresh), kind, moment)
        if refused is not None:
            raise ValidationError({"kind": [refused]})
        if kind == "stop":
            fields = _stop_fields(fresh, moment, given, given_reason)
        made = InfusionEvent.objects.create(
            administration=fresh,
            kind=kind,
            at=moment,
            reason=reason.strip(),
            recorded_by=actor.user,
            **fields,
        )
        record(
            Action.UPDATE if kind != "stop" else Action.CREATE,
            actor=actor,
            patient=session.patient,
            obj=made,
            detail={
                "administration": fresh.pk,
                "kind": kind,
                "reason": reason.strip(),
                **{k: str(v) for k, v in fields.items()},
            },
        )
    return made


def _stop_fields(
    administration: Administration, at: dt.datetime, given: Any, given_reason: str
) -> dict[str, Any]:
    minutes, calculated = calculated_mg(administration, at)
    amount: Decimal | None = None
    if given not in (None, ""):
        try:
            amount = Decimal(str(given)).quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError):
            raise ValidationError({"given_mg": [f"Enter the dose in mg, got {given!r}."]}) from None
        if not Decimal(0) <= amount <= Decimal(administration.dose_mg):
            raise ValidationError(
                {"given_mg": [f"Enter 0 to {administration.dose_mg} mg (the dose hung)."]}
            )
    if amount is None:
        if calculated is None:
            raise ValidationError({"given_mg": ["Enter the dose given before it was stopped."]})
        amount = calculated
    differs = calculated is None or amount != calculated
    if calculated is not None and differs and not given_reason.strip():
        raise ValidationError(
            {
                "given_reason": [
                    f"The calculation says {calculated} mg; say why {amount} mg differs."
                ]
            }
        )
    return {
        "running_minutes": Decimal(str(round(minutes, 1))),
        "calculated_mg": calculated,
        "given_mg": amount,
        "given_reason": given_reason.strip(),
    }
