"""The stock ledger in the JSON API (read-only): lots with their balance, and a lot's entries.

Only those who handle controlled substances may read it; another clinic's lot
answers 404 like a missing one. Which patient a draw was for is not exposed
here: the API gives the administration id, readable through the dosing API.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from kapcare.accounts.policy import Perm
from kapcare.api.access import authorize
from kapcare.audit.models import Action
from kapcare.audit.services import record
from kapcare.controlled import selectors

router = Router(tags=["stock"])


class LotOut(Schema):
    id: int
    product: str
    form: str
    strength_mg: Decimal
    unit: str
    lot_number: str
    expiry: dt.date
    location: str
    balance: Decimal
    balance_mg: Decimal | None
    expired: bool
    discrepancy_open: bool


class LotPage(Schema):
    items: list[LotOut]
    count: int
    limit: int
    offset: int


class EntryOut(Schema):
    id: int
    seq: int
    kind: str
    quantity: Decimal
    balance_after: Decimal
    actor_id: int
    witness_id: int | None
    administration_id: int | None
    counterpart_id: int | None
    correction_of_id: int | None
    count_id: int | None
    destination: str
    reason: str
    created_at: dt.datetime


class EntryPage(Schema):
    items: list[EntryOut]
    count: int
    limit: int
    offset: int


class Page(Schema):
    limit: int = Field(25, ge=1, le=settings.KAPCARE_API_MAX_PAGE_SIZE)
    offset: int = Field(0, ge=0)


def _lot_out(lot: Any, today: dt.date) -> dict[str, Any]:
    return {
        **{name: getattr(lot, name) for name in LotOut.model_fields if hasattr(lot, name)},
        "balance_mg": lot.mg_of(lot.balance),
        "expired": lot.is_expired(today),
    }


@router.get(
    "/stock/lots",
    response=LotPage,
    url_name="stock_lots",
    summary="Stock lots of the clinic with their balance",
)
def list_lots(request: HttpRequest, page: Query[Page]) -> dict[str, Any]:
    actor = authorize(request, Perm.STOCK_VIEW)
    lots = selectors.lots_for(actor)
    count = lots.count()
    items = list(lots[page.offset : page.offset + page.limit])
    record(
        Action.LIST,
        actor=actor,
        object_type="controlled.stocklot",
        detail={"ids": [lot.pk for lot in items], "api": True},
    )
    today = timezone.localdate()
    return {
        "items": [_lot_out(lot, today) for lot in items],
        "count": count,
        "limit": page.limit,
        "offset": page.offset,
    }


@router.get(
    "/stock/lots/{lot_id}/entries",
    response=EntryPage,
    url_name="stock_lot_entries",
    summary="The running ledger of one lot, oldest first",
)
def lot_entries(request: HttpRequest, lot_id: int, page: Query[Page]) -> dict[str, Any]:
    actor = authorize(request, Perm.STOCK_VIEW)
    lot = selectors.get_lot(actor, lot_id)
    entries = lot.entries.order_by("seq")
    count = entries.count()
    items = list(entries[page.offset : page.offset + page.limit])
    record(Action.VIEW, actor=actor, obj=lot, detail={"entries": len(items), "api": True})
    return {"items": items, "count": count, "limit": page.limit, "offset": page.offset}
