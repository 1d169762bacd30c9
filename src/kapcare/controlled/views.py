"""The controlled-substance pages: the ledger, a lot's running record, and the witnessed forms.

Only those who handle controlled substances (nurses, prescribers, admins) see
them. Which patient a draw was for is shown only to clinicians; reading a lot's
record is audited like any other clinical read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from kapcare.accounts.policy import Perm, has_perm, require
from kapcare.audit.models import Action
from kapcare.audit.services import record
from kapcare.clinical.ledger import ENTRY_LABELS
from kapcare.controlled import selectors, services
from kapcare.controlled.forms import (
    CorrectionForm,
    CountForm,
    ReceiveForm,
    ResolveForm,
    TransferForm,
    WasteForm,
)
from kapcare.controlled.models import StockLot
from kapcare.core.paging import PagedList, paged_list

LOT = "controlled.stocklot"


def _actor(request: HttpRequest) -> Any:
    return request.actor  # type: ignore[attr-defined]


def _apply(form: forms.Form, run: Callable[[], Any]) -> Any:
    """Run a service; its refusals become errors on the fields they name. None if refused."""
    try:
        return run()
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            form.add_error(None, error.messages)
    return None


#: the ledger's paged list: its query parameter and the heading its page links open at
USED_UP_LIST = PagedList("used_up_page", "used-up-h")


@require_GET
@require(Perm.STOCK_VIEW)
def ledger(request: HttpRequest) -> HttpResponse:
    """The lots in stock (and any with a discrepancy open), open discrepancies on top, then
    the lots used up, a page at a time: the page costs the same after years of deliveries."""
    actor = _actor(request)
    today = timezone.localdate()
    in_stock = selectors.flag(list(selectors.lots_in_stock(actor)), today)
    used_up, used_up_pages = paged_list(
        request.GET, USED_UP_LIST, selectors.used_up_lots(actor), size=selectors.USED_UP_PAGE_SIZE
    )
    selectors.flag(used_up.rows, today)
    record(
        Action.LIST,
        actor=actor,
        object_type=LOT,
        detail={
            "ids": [lot.pk for lot in [*in_stock, *used_up.rows]],
            "used_up_page": used_up.page.number,
        },
    )
    return render(
        request,
        "controlled/ledger.html",
        {
            "lots": in_stock,
            "used_up": used_up,
            "used_up_pages": used_up_pages,
            "discrepancies": list(selectors.open_discrepancies(actor)),
            "today": today,
            "can_manage": has_perm(actor, Perm.STOCK_MANAGE),
            "can_resolve": has_perm(actor, Perm.STOCK_RESOLVE),
        },
    )


@require_http_methods(["GET", "POST"])
@require(Perm.STOCK_MANAGE)
def receive(request: HttpRequest) -> HttpResponse:
    form = ReceiveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        entry = _apply(form, lambda: services.stock_receive(actor=_actor(request), **data))
        if entry is not None:
            messages.success(
                request, f"Received {entry.lot.amount(entry.quantity)} into {entry.lot}."
            )
            return redirect("controlled:lot", entry.lot_id)
    status = 422 if form.errors else 200
    return render(request, "controlled/receive.html", {"form": form}, status=status)


def _lot_context(request: HttpRequest, lot: StockLot) -> dict[str, Any]:
    actor = _actor(request)
    entries = list(selectors.entries_of(lot))
    for entry in entries:
        entry.lot = lot  # the page's lot, with its balance: no query per row
    show_patients = has_perm(actor, Perm.PATIENT_CLINICAL)
    patients = sorted(
        {e.administration.session.patient_id for e in entries if e.administration is not None}
    )
    record(
        Action.VIEW,
        actor=actor,
        obj=lot,
        detail={"entries": len(entries), "patients": patients if show_patients else []},
    )
    return {
        "lot": lot,
        "entries": entries,
        "show_patients": show_patients,
        "today": timezone.localdate(),
        "mg_left": lot.mg_of(lot.balance),  # type: ignore[attr-defined]
        "can_manage": has_perm(actor, Perm.STOCK_MANAGE),
        "can_resolve": has_perm(actor, Perm.STOCK_RESOLVE),
        "open_counts": [
            e.count
            for e in entries
            if e.kind == "count" and e.count is not None and e.count.discrepant
        ]
        if lot.discrepancy_open  # type: ignore[attr-defined]
        else [],
        "labels": ENTRY_LABELS,
    }


@require_GET
@require(Perm.STOCK_VIEW)
def lot_detail(request: HttpRequest, lot_id: int) -> HttpResponse:
    lot = selectors.get_lot(_actor(request), lot_id)
    selectors.flag([lot], timezone.localdate())
    return render(request, "controlled/lot.html", _lot_context(request, lot))


@require_GET
@require(Perm.STOCK_VIEW)
def lot_print(request: HttpRequest, lot_id: int) -> HttpResponse:
    """The lot's ledger as a paper record (print stylesheet, no navigation)."""
    lot = selectors.get_lot(_actor(request), lot_id)
    context = _lot_context(request, lot)
    context["printed_at"] = timezone.now()
    return render(request, "controlled/lot_print.html", context)


def _witnessed_page(
    request: HttpRequest,
    lot_id: int,
    form_class: type[forms.Form],
    title: str,
    submit: str,
    run: Callable[[Any, StockLot, dict[str, Any]], str],
    **form_kwargs: Any,
) -> HttpResponse:
    actor = _actor(request)
    lot = selectors.get_lot(actor, lot_id, Perm.STOCK_MANAGE)
    witnesses = selectors.handlers_for_witness(actor)
    form = form_class(request.POST or None, witnesses=witnesses, **form_kwargs)  # type: ignore[call-arg]
    if request.method == "POST" and form.is_valid():
        done = _apply(form, lambda: run(actor, lot, form.cleaned_data))
        if done is not None:
            messages.success(request, done)
            return redirect("controlled:lot", lot.pk)
    return render(
        request,
        "controlled/witnessed_form.html",
        {
            "lot": lot,
            "form": form,
            "title": title,
            "submit": submit,
            "no_witnesses": not witnesses,
        },
        status=422 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@require(Perm.STOCK_MANAGE)
def waste(request: HttpRequest, lot_id: int) -> HttpResponse:
    def run(actor: Any, lot: StockLot, data: dict[str, Any]) -> str:
        entry = services.waste_record(
            actor=actor,
            lot=lot,
            quantity=data["quantity"],
            reason=data["reason"],
            witness_id=data["witness"],
            witness_password=data["witness_password"],
        )
        return f"Waste of {lot.amount(entry.quantity)} recorded, witnessed by {entry.witness}."

    return _witnessed_page(
        request, lot_id, WasteForm, "Record witnessed waste", "Record the waste", run
    )


@require_http_methods(["GET", "POST"])
@require(Perm.STOCK_MANAGE)
def transfer(request: HttpRequest, lot_id: int) -> HttpResponse:
    def run(actor: Any, lot: StockLot, data: dict[str, Any]) -> str:
        entry = services.transfer_record(
            actor=actor,
            lot=lot,
            quantity=data["quantity"],
            to_location=data["to_location"],
            destination=data["destination"],
            reason=data["reason"],
            witness_id=data["witness"],
            witness_password=data["witness_password"],
        )
        return f"{lot.amount(entry.quantity)} transferred to {entry.destination}."

    return _witnessed_page(
        request, lot_id, TransferForm, "Transfer stock", "Record the transfer", run
    )


@require_http_methods(["GET", "POST"])
@require(Perm.STOCK_MANAGE)
def count(request: HttpRequest, lot_id: int) -> HttpResponse:
    def run(actor: Any, lot: StockLot, data: dict[str, Any]) -> str:
        made = services.count_record(
            actor=actor,
            lot=lot,
            counted=data["counted"],
            note=data["note"],
            counter_confirms=data["counter_confirms"],
            witness_confirms=data["witness_confirms"],
            witness_id=data["witness"],
            witness_password=data["witness_password"],
        )
        if made.discrepant:
            return (
                f"Count recorded: {lot.amount(made.counted)} counted, {lot.amount(made.expected)} "
                f"expected. The difference of {lot.amount(made.difference)} is flagged until an "
                "admin or prescriber resolves it."
            )
        return f"Count recorded: {lot.amount(made.counted)}, matching the book balance."

    return _witnessed_page(
        request, lot_id, CountForm, "Count with two signatures", "Sign the count", run
    )


@require_http_methods(["GET", "POST"])
@require(Perm.STOCK_MANAGE)
def correct(request: HttpRequest, lot_id: int) -> HttpResponse:
    lot = selectors.get_lot(_actor(request), lot_id, Perm.STOCK_MANAGE)
    entries = list(lot.entries.order_by("-seq"))

    def run(actor: Any, lot: StockLot, data: dict[str, Any]) -> str:
        wrong = next((e for e in entries if str(e.pk) == data["entry"]), None)
        if wrong is None:
            raise ValidationError({"entry": ["Choose an entry of this lot."]})
        services.correction_record(
            actor=actor,
            entry=wrong,
            change=data["change"],
            reason=data["reason"],
            witness_id=data["witness"],
            witness_password=data["witness_password"],
        )
        return f"Correction of entry #{wrong.seq} recorded."

    return _witnessed_page(
        request,
        lot_id,
        CorrectionForm,
        "Correct an entry",
        "Record the correction",
        run,
        entries=entries,
    )


@require_http_methods(["GET", "POST"])
@require(Perm.STOCK_RESOLVE)
def resolve(request: HttpRequest, count_id: int) -> HttpResponse:
    """An admin or prescriber closes a discrepancy with a note."""
    actor = _actor(request)
    stock_count = selectors.get_count(actor, count_id)
    form = ResolveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        entry = _apply(
            form,
            lambda: services.discrepancy_resolve(
                actor=actor,
                count=stock_count,
                note=form.cleaned_data["note"],
                adjust=form.cleaned_data["adjust"],
            ),
        )
        if entry is not None:
            messages.success(request, "Discrepancy resolved; the note is in the ledger.")
            return redirect("controlled:lot", stock_count.lot_id)
    return render(
        request,
        "controlled/resolve.html",
        {"count": stock_count, "lot": stock_count.lot, "form": form},
        status=422 if form.errors else 200,
    )
