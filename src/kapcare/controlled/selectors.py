"""Reads of the controlled-substance log, each a constant number of queries.

A lot's balance is the ``balance_after`` of its last entry (a subquery, so a
list of lots is one query); an open discrepancy is a count that differed from
the book and has no resolving ``adjustment`` entry yet.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import DecimalField, Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from kapcare.accounts.policy import Perm, deny, has_perm
from kapcare.clinical.ledger import FORM_FOR_ROUTE, EntryKind
from kapcare.clinical.routes import Route
from kapcare.controlled.models import LedgerEntry, StockCount, StockLot


def _balance() -> Coalesce:
    last = LedgerEntry.objects.filter(lot=OuterRef("pk")).order_by("-seq")
    return Coalesce(
        Subquery(last.values("balance_after")[:1]),
        Value(Decimal(0)),
        output_field=DecimalField(max_digits=9, decimal_places=2),
    )


def _unresolved() -> QuerySet[StockCount]:
    resolved = LedgerEntry.objects.filter(count=OuterRef("pk"), kind=EntryKind.ADJUSTMENT)
    return StockCount.objects.exclude(difference=0).filter(~Exists(resolved))


def lots_for(actor: Any) -> QuerySet[StockLot]:
    """The actor's clinic's lots with their balance and whether a discrepancy is open."""
    if actor is None or actor.clinic is None or not has_perm(actor, Perm.STOCK_VIEW):
        return StockLot.objects.none()
    return (
        StockLot.objects.filter(clinic=actor.clinic)
        .annotate(
            balance=_balance(),
            discrepancy_open=Exists(_unresolved().filter(lot=OuterRef("pk"))),
        )
        .order_by("product", "expiry", "lot_number", "location", "pk")
    )


#: used-up lots listed per page of the ledger: lots in stock are bounded by the safes, but
#: the lots used up grow every year the clinic runs
USED_UP_PAGE_SIZE = 25


def lots_in_stock(actor: Any) -> QuerySet[StockLot]:
    """Lots with stock left or a discrepancy still open: what is in the safes or needs work."""
    return lots_for(actor).filter(Q(balance__gt=0) | Q(discrepancy_open=True))


def used_up_lots(actor: Any) -> QuerySet[StockLot]:
    """Lots emptied with nothing left to resolve, the latest received first."""
    # Q: the annotations of lots_for, which the type checker cannot see
    return (
        lots_for(actor)
        .filter(Q(balance=0) & Q(discrepancy_open=False))
        .order_by("-created_at", "-pk")
    )


def get_lot(actor: Any, lot_id: Any, perm: Perm = Perm.STOCK_VIEW) -> StockLot:
    """A lot of the actor's clinic, or 404 (recorded) as for a lot that does not exist."""
    try:
        lot = lots_for(actor).select_related("received_by").get(pk=int(lot_id))
    except (ValueError, TypeError, StockLot.DoesNotExist):
        deny(actor, perm, object_type="controlled.stocklot", object_id=lot_id)
        raise Http404("No such stock lot") from None
    if not has_perm(actor, perm):
        deny(actor, perm, object_type="controlled.stocklot", object_id=lot_id)
        raise PermissionDenied(f"Your role may not {perm}")
    return lot


def get_count(actor: Any, count_id: Any) -> StockCount:
    try:
        return (
            StockCount.objects.filter(lot__in=lots_for(actor))
            .select_related("lot", "counted_by", "witnessed_by")
            .get(pk=int(count_id))
        )
    except (ValueError, TypeError, StockCount.DoesNotExist):
        deny(actor, Perm.STOCK_VIEW, object_type="controlled.stockcount", object_id=count_id)
        raise Http404("No such stock count") from None


def open_discrepancies(actor: Any) -> QuerySet[StockCount]:
    return (
        _unresolved()
        .filter(lot__in=lots_for(actor))
        .select_related("lot", "counted_by", "witnessed_by")
        .order_by("-counted_at", "-pk")
    )


def entries_of(lot: StockLot) -> QuerySet[LedgerEntry]:
    """The lot's running ledger, oldest first, with the people and links each row names."""
    return (
        LedgerEntry.objects.filter(lot=lot)
        .select_related(
            "actor",
            "witness",
            "administration__session__patient",
            "counterpart__lot",
            "counterpart_of__lot",
            "correction_of",
            "count",
        )
        .order_by("seq")
    )


def handlers_for_witness(actor: Any) -> list[Any]:
    """Colleagues who may witness: active nurses, prescribers and admins, not the actor."""
    from kapcare.accounts.models import Membership
    from kapcare.controlled.services import HANDLER_ROLES

    return list(
        Membership.objects.filter(
            clinic=actor.clinic, is_active=True, role__in=HANDLER_ROLES, user__is_active=True
        )
        .exclude(user_id=actor.user.pk)
        .select_related("user")
        .order_by("user__full_name")
    )


# Drawing at administration ----------------------------------------------------


def stock_kept_for(clinic_id: int, route: str) -> bool:
    """Whether the clinic logs stock of the form this route uses (then a lot is required)."""
    form = FORM_FOR_ROUTE[Route(route)]
    return StockLot.objects.filter(clinic_id=clinic_id, form=form).exists()


def usable_lots(clinic_id: int, route: str, today: dt.date) -> list[StockLot]:
    """Lots a dose may be drawn from: the route's form, not expired, something left."""
    form = FORM_FOR_ROUTE[Route(route)]
    return list(
        StockLot.objects.filter(clinic_id=clinic_id, form=form, expiry__gte=today)
        .annotate(balance=_balance())
        .filter(balance__gt=0)
        .order_by("expiry", "product", "lot_number", "pk")
    )


def lot_for_administration(session: Any, order: Any, value: Any, today: dt.date) -> StockLot | None:
    """The lot chosen on the administration form, checked against the session and its order.

    None when nothing was chosen (the caller decides whether a lot was required).
    """
    if value in (None, ""):
        return None
    form = FORM_FOR_ROUTE[Route(session.route)]
    try:
        lot = StockLot.objects.get(clinic_id=session.clinic_id, pk=int(getattr(value, "pk", value)))
    except (ValueError, TypeError, StockLot.DoesNotExist):
        raise ValidationError({"stock_lot": ["Choose a lot from the list."]}) from None
    if lot.form_enum is not form:
        raise ValidationError(
            {
                "stock_lot": [
                    f"{lot} is a {lot.get_form_display()}; this route needs a {form.value}."
                ]
            }
        )
    if lot.is_expired(today):
        raise ValidationError(
            {
                "stock_lot": [
                    f"Lot {lot.lot_number} expired on {lot.expiry:%d %b %Y}; do not use it."
                ]
            }
        )
    ordered = getattr(order, "concentration_mg_per_ml", None)
    if lot.concentration_mg_per_ml is not None and ordered and ordered != lot.strength_mg:
        raise ValidationError(
            {
                "stock_lot": [
                    f"The order was worked out at {ordered} mg/mL but lot {lot.lot_number} is "
                    f"{lot.strength_label}: choose a lot at {ordered} mg/mL or have it re-ordered."
                ]
            }
        )
    return lot


def has_open_discrepancy(lot: StockLot) -> bool:
    return _unresolved().filter(lot=lot).exists()


def stock_choice(session: Any, today: dt.date) -> dict[str, Any]:
    """What the console's administration form offers: the usable lots, if stock is logged."""
    if session.state != "dosing":
        return {"stock_kept": False, "stock_lots": []}
    return {
        "stock_kept": stock_kept_for(session.clinic_id, session.route),
        "stock_lots": usable_lots(session.clinic_id, session.route, today),
    }


def flag(lots: list[StockLot], today: dt.date) -> list[StockLot]:
    """Set ``lot.flags`` ((label, badge class) pairs) on annotated lots for the ledger page."""
    for lot in lots:
        balance = lot.balance  # type: ignore[attr-defined]
        flags = []
        if lot.is_expired(today):
            flags.append(("Expired", "state-overdue"))
        if lot.discrepancy_open:  # type: ignore[attr-defined]
            flags.append(("Discrepancy open", "state-overdue"))
        if balance == 0:
            flags.append(("Empty", "outcome-neutral"))
        elif lot.is_low(balance):
            flags.append(("Low", "restricted"))
        lot.flags = flags  # type: ignore[attr-defined]
    return lots
