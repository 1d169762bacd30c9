"""Access expectations for the controlled-substance log: only those who handle the stock."""

from __future__ import annotations

from typing import Any

from tests.access.common import FORBIDDEN, LOGIN, OK, Route, outcomes

#: nurses, prescribers and admins; therapists (here or elsewhere), patients and support may not
HANDLERS = outcomes(FORBIDDEN, anonymous=LOGIN, admin=OK, prescriber=OK, nurse=OK)
#: resolving a discrepancy: admins and prescribers
OVERSIGHT = outcomes(FORBIDDEN, anonymous=LOGIN, admin=OK, prescriber=OK)


def _lot(w: Any) -> Any:
    if not hasattr(w, "stock_lot"):
        from tests.controlled.conftest import receive

        w.stock_lot = receive(w, "40")
    return w.stock_lot


def lot(w: Any) -> dict[str, Any]:
    return {"lot_id": _lot(w).pk}


def discrepancy(w: Any) -> dict[str, Any]:
    from kapcare.controlled.services import count_record
    from tests.controlled.conftest import witnessed
    from tests.dosing.conftest import actor_of

    made = count_record(
        actor=actor_of(w, "nurse"),
        lot=_lot(w),
        counted="39",
        counter_confirms=True,
        witness_confirms=True,
        **witnessed(w),
    )
    return {"count_id": made.pk}


ROUTES: dict[str, Route] = {
    "controlled:ledger": Route("GET", HANDLERS),
    "controlled:receive": Route("GET", HANDLERS),
    "controlled:lot": Route("GET", HANDLERS, kwargs=lot),
    "controlled:lot_print": Route("GET", HANDLERS, kwargs=lot),
    "controlled:waste": Route("POST", HANDLERS, kwargs=lot, data=lambda w: {"quantity": "1"}),
    "controlled:transfer": Route("GET", HANDLERS, kwargs=lot),
    "controlled:count": Route("GET", HANDLERS, kwargs=lot),
    "controlled:correct": Route("GET", HANDLERS, kwargs=lot),
    "controlled:resolve": Route("GET", OVERSIGHT, kwargs=discrepancy),
    "api:stock_lots": Route("GET", HANDLERS),
    "api:stock_lot_entries": Route("GET", HANDLERS, kwargs=lot),
}
