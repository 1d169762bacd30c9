"""Writes to the controlled-substance log: every one atomic, locked on its lot, and audited.

A lot's balance only moves through ``_append``: it locks the lot row
(``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's immediate transactions
serialise writers), reads the last balance, lets the pure ledger
(``kapcare.clinical.ledger``) refuse an overdraw, and writes the next entry with
its balance. Waste, transfers, counts and corrections need a second person of the
clinic who handles controlled substances, who confirms by typing their own
password on the same tablet; the password is checked, never stored or logged.
Wrong witness passwords are throttled with the sign-in lockout's numbers
(``AXES_FAILURE_LIMIT`` failures within ``AXES_COOLOFF_TIME``), per witness and per
person asking, so the forms cannot be used to guess a colleague's password; a
locked witness unlocks by signing in (``kapcare.controlled.signals``).
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import Any

from axes.helpers import get_cool_off, get_failure_limit
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from kapcare.accounts.actors import Actor
from kapcare.accounts.models import Membership, User
from kapcare.accounts.policy import ROLE_PERMISSIONS, Perm, deny, has_perm
from kapcare.audit.models import Action, Outcome
from kapcare.audit.services import record
from kapcare.clinical.ledger import (
    EntryKind,
    StockForm,
    apply,
    draw_for_dose,
    quantity_of,
    reconcile,
)
from kapcare.controlled.models import (
    LedgerEntry,
    StockCount,
    StockLot,
    WitnessPasswordFailure,
)

#: roles whose members may witness: those who handle controlled substances
HANDLER_ROLES = tuple(
    role for role, perms in ROLE_PERMISSIONS.items() if Perm.STOCK_MANAGE in perms
)


def _allowed(actor: Actor, perm: Perm, object_type: str, object_id: Any = "") -> None:
    if not has_perm(actor, perm):
        deny(actor, perm, object_type=object_type, object_id=object_id)
        raise PermissionDenied(f"Your role may not {perm}")


def _parse(value: Any, form: StockForm, field: str = "quantity") -> Decimal:
    try:
        return quantity_of(value, form, field)
    except ValueError as error:
        name, _, message = str(error).partition(": ")
        raise ValidationError({name: [message]}) from None


def _append(
    *, lot: StockLot, kind: EntryKind, quantity: Decimal, actor: Actor, **fields: Any
) -> LedgerEntry:
    """Lock the lot, check the movement against its balance, write the next entry."""
    StockLot.objects.select_for_update().filter(pk=lot.pk).get()
    last = LedgerEntry.objects.filter(lot=lot).order_by("-seq").first()
    balance = last.balance_after if last is not None else Decimal(0)
    try:
        after = apply(balance, kind, quantity)
    except ValueError as error:
        name, _, message = str(error).partition(": ")
        raise ValidationError({name: [f"{message} ({lot.unit})"]}) from None
    return LedgerEntry.objects.create(
        lot=lot,
        seq=(last.seq + 1) if last is not None else 1,
        kind=kind,
        quantity=quantity,
        balance_after=after,
        actor=actor.user,
        **fields,
    )


def current_balance(lot: StockLot) -> Decimal:
    last = LedgerEntry.objects.filter(lot=lot).order_by("-seq").values("balance_after").first()
    return last["balance_after"] if last is not None else Decimal(0)


def _audit(actor: Actor, entry: LedgerEntry, **detail: Any) -> None:
    record(
        Action.CREATE,
        actor=actor,
        obj=entry,
        detail={
            "lot": entry.lot_id,
            "kind": entry.kind,
            "quantity": str(entry.quantity),
            "balance_after": str(entry.balance_after),
            **detail,
        },
    )


def witness_confirm(*, actor: Actor, witness_id: Any, password: str) -> Any:
    """The second person: another active handler of this clinic who typed their own password.

    A wrong password is refused naming the field and recorded as a denied event
    (without the password), so guessing at a colleague's password leaves a trace.
    Once the witness, or the person asking, has the sign-in lockout's number of
    failures within its cool-off, the password is not even checked: the refusal says
    why and is recorded as a lockout. A right password clears the witness's count.
    """
    try:
        chosen = int(witness_id)
    except (TypeError, ValueError):
        raise ValidationError({"witness": ["Choose the colleague who witnessed it."]}) from None
    if chosen == actor.user.pk:
        raise ValidationError({"witness": ["The witness must be someone other than you."]})
    member = (
        Membership.objects.filter(
            clinic=actor.clinic,
            user_id=chosen,
            is_active=True,
            role__in=HANDLER_ROLES,
            user__is_active=True,
        )
        .select_related("user")
        .first()
    )
    if member is None:
        raise ValidationError(
            {"witness": ["Choose a nurse, prescriber or admin of this clinic as the witness."]}
        )
    witness = member.user
    with transaction.atomic():
        # One check at a time for these two people (rows locked in a fixed order), so
        # guesses sent in parallel cannot all pass the count before any is written.
        people = User.objects.select_for_update().filter(pk__in=[actor.user.pk, witness.pk])
        list(people.order_by("pk").values_list("pk", flat=True))
        now = timezone.now()
        refusal = _throttled(actor, witness, now)
        if refusal is None:
            if password and witness.check_password(password):
                WitnessPasswordFailure.objects.filter(witness=witness).delete()
                return witness
            refusal = _wrong_password(actor, witness, now)
    # Raised once the transaction has committed, so the count and its audit rows stay.
    raise ValidationError(refusal)


def _counting(now: dt.datetime) -> Any:
    """Wrong witness passwords that still count: those within the sign-in cool-off."""
    cool_off = get_cool_off()
    failures = WitnessPasswordFailure.objects.all()
    return failures.filter(failed_at__gt=now - cool_off) if cool_off else failures


def _wait(failures: Any, now: dt.datetime) -> str | None:
    """None below the sign-in failure limit; else how long until below it ("" if no end)."""
    limit = get_failure_limit(None, {})
    times = list(failures.order_by("-failed_at").values_list("failed_at", flat=True)[:limit])
    if len(times) < limit:
        return None
    cool_off = get_cool_off()
    if not cool_off:
        return ""
    minutes = max(1, math.ceil((times[-1] + cool_off - now).total_seconds() / 60))
    return f"{minutes} minute" if minutes == 1 else f"{minutes} minutes"


def _lock_message(witness: Any, wait: str) -> str:
    name = witness.full_name
    then = f", or wait {wait}" if wait else ""
    return f"Too many wrong witness passwords for {name}; {name} must sign in to unlock{then}."


def _throttled(actor: Actor, witness: Any, now: dt.datetime) -> dict[str, list[str]] | None:
    """The refusal, audited as a lockout, if the witness or the asker is at the limit."""
    counting = _counting(now)
    wait = _wait(counting.filter(witness=witness), now)
    if wait is not None:
        locked, refusal = "witness", {"witness": [_lock_message(witness, wait)]}
    else:
        wait = _wait(counting.filter(actor=actor.user), now)
        if wait is None:
            return None
        then = (
            f"wait {wait} before asking a witness again"
            if wait
            else "the colleagues you named must sign in first"
        )
        locked, refusal = (
            "asker",
            {"witness_password": [f"You have typed too many wrong witness passwords; {then}."]},
        )
    record(
        Action.LOCKOUT,
        actor=actor,
        outcome=Outcome.DENIED,
        object_type="controlled.witness",
        object_id=witness.pk,
        detail={"reason": "too many wrong witness passwords", "locked": locked},
    )
    return refusal


def _wrong_password(actor: Actor, witness: Any, now: dt.datetime) -> dict[str, list[str]]:
    """Count the failure, audit it, and say so (or that the witness is now locked)."""
    cool_off = get_cool_off()
    if cool_off:
        WitnessPasswordFailure.objects.filter(failed_at__lte=now - cool_off).delete()
    WitnessPasswordFailure.objects.create(witness=witness, actor=actor.user, failed_at=now)
    mine = _counting(now).filter(witness=witness)
    record(
        Action.DENIED,
        actor=actor,
        outcome=Outcome.DENIED,
        object_type="controlled.witness",
        object_id=witness.pk,
        detail={"reason": "witness password did not match", "failures": mine.count()},
    )
    wrong = f"That is not {witness.full_name}'s password"
    wait = _wait(mine, now)
    if wait is None:
        return {"witness_password": [f"{wrong}; ask them to type it again."]}
    return {"witness_password": [f"{wrong}."], "witness": [_lock_message(witness, wait)]}


def stock_receive(
    *,
    actor: Actor,
    product: str,
    form: str,
    strength_mg: Any,
    lot_number: str,
    expiry: dt.date,
    location: str,
    quantity: Any,
    supplier: str = "",
    reason: str = "",
) -> LedgerEntry:
    """A delivery into a safe: the lot is created on its first receipt, then added to."""
    _allowed(actor, Perm.STOCK_MANAGE, "controlled.stocklot")
    try:
        stock_form = StockForm(form)
    except ValueError:
        allowed = ", ".join(f.value for f in StockForm)
        raise ValidationError({"form": [f"Choose one of {allowed}."]}) from None
    try:
        strength = Decimal(str(strength_mg))
    except ArithmeticError:
        raise ValidationError({"strength_mg": ["Enter the strength in mg."]}) from None
    if not strength.is_finite() or strength <= 0:
        raise ValidationError({"strength_mg": ["Enter a strength above 0 mg."]})
    amount = _parse(quantity, stock_form)
    names = {
        "product": product.strip(),
        "lot_number": lot_number.strip(),
        "location": location.strip(),
    }
    missing = {n: ["Required."] for n, v in names.items() if not v}
    if missing:
        raise ValidationError(missing)
    if expiry < timezone.localdate():
        raise ValidationError(
            {"expiry": [f"This lot expired on {expiry:%d %b %Y}; do not receive it."]}
        )
    with transaction.atomic():
        lot, created = StockLot.objects.get_or_create(
            clinic=actor.clinic,
            **names,
            defaults={
                "form": stock_form,
                "strength_mg": strength,
                "expiry": expiry,
                "supplier": supplier.strip(),
                "received_by": actor.user,
            },
        )
        if not created and (lot.form, lot.strength_mg, lot.expiry) != (
            stock_form,
            strength,
            expiry,
        ):
            raise ValidationError(
                {
                    "lot_number": [
                        f"Lot {lot.lot_number} of {lot.product} in {lot.location} is already "
                        f"recorded as {lot.strength_label}, expiring {lot.expiry:%d %b %Y}; "
                        "check the delivery against it."
                    ]
                }
            )
        entry = _append(
            lot=lot, kind=EntryKind.RECEIPT, quantity=amount, actor=actor, reason=reason.strip()
        )
        _audit(actor, entry, supplier=lot.supplier, new_lot=created)
    return entry


def waste_record(
    *,
    actor: Actor,
    lot: StockLot,
    quantity: Any,
    reason: str,
    witness_id: Any,
    witness_password: str,
) -> LedgerEntry:
    """Waste (an opened vial's rest, a broken device) seen by a witness who confirms."""
    _allowed(actor, Perm.STOCK_MANAGE, "controlled.ledgerentry", lot.pk)
    amount = _parse(quantity, lot.form_enum)
    if not reason.strip():
        raise ValidationError(
            {"reason": ["Say why it was wasted (for example, rest of an opened vial)."]}
        )
    witness = witness_confirm(actor=actor, witness_id=witness_id, password=witness_password)
    with transaction.atomic():
        entry = _append(
            lot=lot,
            kind=EntryKind.WASTE,
            quantity=amount,
            actor=actor,
            witness=witness,
            reason=reason.strip(),
        )
        _audit(actor, entry, witness=witness.pk)
    return entry


def transfer_record(
    *,
    actor: Actor,
    lot: StockLot,
    quantity: Any,
    witness_id: Any,
    witness_password: str,
    to_location: str = "",
    destination: str = "",
    reason: str = "",
) -> LedgerEntry:
    """Move stock to another safe of the clinic, or out (destruction, return to supplier).

    A move between safes is a ``transfer_out`` here and a ``transfer_in`` on the same
    lot number in the other safe, each naming the other. Both are witnessed.
    """
    _allowed(actor, Perm.STOCK_MANAGE, "controlled.ledgerentry", lot.pk)
    amount = _parse(quantity, lot.form_enum)
    place, outside = to_location.strip(), destination.strip()
    if bool(place) == bool(outside):
        raise ValidationError(
            {
                "to_location": [
                    "Give either another safe of this clinic or where it leaves to, not both."
                ]
            }
        )
    if place == lot.location:
        raise ValidationError({"to_location": [f"The lot is already in {lot.location}."]})
    witness = witness_confirm(actor=actor, witness_id=witness_id, password=witness_password)
    common = {"actor": actor, "witness": witness, "reason": reason.strip()}
    with transaction.atomic():
        out = _append(
            lot=lot,
            kind=EntryKind.TRANSFER_OUT,
            quantity=amount,
            destination=outside or place,
            **common,
        )
        _audit(actor, out, witness=witness.pk, destination=out.destination)
        if place:
            target, _ = StockLot.objects.get_or_create(
                clinic=lot.clinic,
                product=lot.product,
                lot_number=lot.lot_number,
                location=place,
                defaults={
                    "form": lot.form,
                    "strength_mg": lot.strength_mg,
                    "expiry": lot.expiry,
                    "supplier": lot.supplier,
                    "source_lot": lot,
                    "received_by": actor.user,
                },
            )
            arrived = _append(
                lot=target,
                kind=EntryKind.TRANSFER_IN,
                quantity=amount,
                counterpart=out,
                destination=lot.location,
                **common,
            )
            _audit(actor, arrived, witness=witness.pk, source=lot.pk)
    return out


def count_record(
    *,
    actor: Actor,
    lot: StockLot,
    counted: Any,
    witness_id: Any,
    witness_password: str,
    counter_confirms: bool,
    witness_confirms: bool,
    note: str = "",
) -> StockCount:
    """A physical count signed by two people; a difference is flagged until resolved."""
    _allowed(actor, Perm.STOCK_MANAGE, "controlled.stockcount", lot.pk)
    amount = _parse(counted, lot.form_enum, "counted")
    unticked = {}
    if not counter_confirms:
        unticked["counter_confirms"] = ["Tick to sign that you counted this stock."]
    if not witness_confirms:
        unticked["witness_confirms"] = ["The witness ticks to sign that they saw the count."]
    if unticked:
        raise ValidationError(unticked)
    witness = witness_confirm(actor=actor, witness_id=witness_id, password=witness_password)
    with transaction.atomic():
        StockLot.objects.select_for_update().filter(pk=lot.pk).get()
        result = reconcile(current_balance(lot), amount)
        count = StockCount.objects.create(
            lot=lot,
            expected=result.expected,
            counted=result.counted,
            difference=result.difference,
            counted_by=actor.user,
            witnessed_by=witness,
            note=note.strip(),
        )
        entry = _append(
            lot=lot,
            kind=EntryKind.COUNT,
            quantity=amount,
            actor=actor,
            witness=witness,
            count=count,
            reason=note.strip(),
        )
        _audit(
            actor,
            entry,
            witness=witness.pk,
            expected=str(result.expected),
            difference=str(result.difference),
        )
    return count


def discrepancy_resolve(*, actor: Actor, count: StockCount, note: str, adjust: bool) -> LedgerEntry:
    """An admin or prescriber closes a discrepancy with a note, optionally booking the difference.

    Booking it moves the balance by the counted difference (what was found missing
    or extra); otherwise the note explains why the book balance stands.
    """
    _allowed(actor, Perm.STOCK_RESOLVE, "controlled.stockcount", count.pk)
    if not count.discrepant:
        raise ValidationError("This count matched the book balance: there is nothing to resolve.")
    if not note.strip():
        raise ValidationError({"note": ["Write what was found and done."]})
    with transaction.atomic():
        if LedgerEntry.objects.filter(count=count, kind=EntryKind.ADJUSTMENT).exists():
            raise ValidationError("This discrepancy is already resolved.")
        entry = _append(
            lot=count.lot,
            kind=EntryKind.ADJUSTMENT,
            quantity=count.difference if adjust else Decimal(0),
            actor=actor,
            count=count,
            reason=note.strip(),
        )
        _audit(actor, entry, count=count.pk, adjusted=adjust)
    return entry


def correction_record(
    *,
    actor: Actor,
    entry: LedgerEntry,
    change: Any,
    reason: str,
    witness_id: Any,
    witness_password: str,
) -> LedgerEntry:
    """A mistake is corrected by a new, witnessed entry that names it and moves the balance."""
    _allowed(actor, Perm.STOCK_MANAGE, "controlled.ledgerentry", entry.pk)
    lot = entry.lot
    amount = _parse(change, lot.form_enum, "change")
    if not reason.strip():
        raise ValidationError({"reason": ["Say what was wrong with the entry."]})
    witness = witness_confirm(actor=actor, witness_id=witness_id, password=witness_password)
    with transaction.atomic():
        made = _append(
            lot=lot,
            kind=EntryKind.CORRECTION,
            quantity=amount,
            actor=actor,
            witness=witness,
            correction_of=entry,
            reason=reason.strip(),
        )
        _audit(actor, made, corrects=entry.pk, witness=witness.pk)
    return made


def draw_for_administration(*, actor: Actor, lot: StockLot, administration: Any) -> LedgerEntry:
    """The stock an administration used, in the same transaction as the administration.

    Called by ``kapcare.dosing.administration.administration_record``; the caller has
    already checked the lot belongs to the session's clinic and suits its route.
    """
    try:
        amount = draw_for_dose(lot.form_enum, Decimal(administration.dose_mg), lot.strength_mg)
    except ValueError as error:
        name, _, message = str(error).partition(": ")
        raise ValidationError({name: [message]}) from None
    try:
        entry = _append(
            lot=lot,
            kind=EntryKind.DRAW,
            quantity=amount,
            actor=actor,
            administration=administration,
        )
    except ValidationError as error:
        messages = error.message_dict.get("quantity", error.messages)
        raise ValidationError({"stock_lot": messages}) from None
    record(
        Action.CREATE,
        actor=actor,
        patient=administration.session.patient,
        obj=entry,
        detail={
            "lot": lot.pk,
            "kind": entry.kind,
            "quantity": str(amount),
            "balance_after": str(entry.balance_after),
            "administration": administration.pk,
        },
    )
    return entry
