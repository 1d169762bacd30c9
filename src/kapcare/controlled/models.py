"""The controlled-substance log: stock lots, their append-only ledger, and witnessed counts.

Racemic ketamine is Schedule III [K31b]; esketamine (Spravato) is CIII and
REMS-restricted [K14]. Every movement of a lot is one ``LedgerEntry`` carrying
the balance after it, written under a lock on the lot so two tablets drawing at
once cannot both spend the same millilitres. Nothing is edited: a mistake is
corrected by a new entry that names the one it corrects.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from kapcare.accounts.models import Clinic
from kapcare.clinical.ledger import (
    ENTRY_LABELS,
    STRENGTH_UNITS,
    UNITS,
    EntryKind,
    StockForm,
    change_of,
    mg_equivalent,
)
from kapcare.core.models import AppendOnlyModel

FORM_CHOICES = [
    (StockForm.VIAL.value, "Vial (mL)"),
    (StockForm.DEVICE.value, "Nasal spray device"),
    (StockForm.TABLET.value, "Tablet or lozenge"),
]
KIND_CHOICES = [(k.value, ENTRY_LABELS[k]) for k in EntryKind]
#: below this many units in a lot the ledger flags it as low (a display cue, not a rule)
LOW_STOCK = {
    StockForm.VIAL: Decimal(20),
    StockForm.DEVICE: Decimal(6),
    StockForm.TABLET: Decimal(10),
}


class StockLot(models.Model):
    """One manufacturer lot of one product kept in one place (a safe or cabinet)."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    product = models.CharField(max_length=120)
    form = models.CharField(max_length=16, choices=FORM_CHOICES)
    strength_mg = models.DecimalField(
        max_digits=8,
        decimal_places=2,
        help_text="mg per mL for a vial; mg per device or per tablet otherwise",
    )
    lot_number = models.CharField(max_length=60)
    expiry = models.DateField()
    location = models.CharField(max_length=80, help_text="The safe or cabinet that holds it")
    supplier = models.CharField(max_length=120, blank=True)
    source_lot = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="moved_to"
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["product", "expiry", "lot_number", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "product", "lot_number", "location"],
                name="controlled_one_lot_per_place",
            ),
            models.CheckConstraint(
                condition=Q(strength_mg__gt=0), name="controlled_strength_positive"
            ),
        ]
        indexes = [models.Index(fields=["clinic", "form", "expiry"])]

    def __str__(self) -> str:
        return f"{self.product} lot {self.lot_number} ({self.location})"

    @property
    def form_enum(self) -> StockForm:
        return StockForm(self.form)

    @property
    def unit(self) -> str:
        return UNITS[self.form_enum]

    @property
    def strength_label(self) -> str:
        return f"{self.strength_mg.normalize():f} {STRENGTH_UNITS[self.form_enum]}"

    @property
    def concentration_mg_per_ml(self) -> Decimal | None:
        return self.strength_mg if self.form_enum is StockForm.VIAL else None

    def is_expired(self, today: dt.date) -> bool:
        return self.expiry < today

    def is_low(self, balance: Decimal) -> bool:
        return 0 < balance < LOW_STOCK[self.form_enum]

    def mg_of(self, quantity: Decimal) -> Decimal | None:
        return mg_equivalent(quantity, self.strength_mg)

    def amount(self, quantity: Decimal) -> str:
        """``12.5 mL``, ``1 device``, ``3 devices``: a quantity in words a nurse reads."""
        number = f"{quantity.normalize():f}"
        if self.form_enum is StockForm.VIAL:
            return f"{number} mL"
        return f"{number} {self.unit}{'' if abs(quantity) == 1 else 's'}"

    @property
    def balance_mg(self) -> Decimal | None:
        """The annotated balance in mg (mL × mg/mL, or units × mg each)."""
        return self.mg_of(getattr(self, "balance", Decimal(0)))

    @property
    def balance_label(self) -> str:
        """The annotated balance (``selectors.lots_for``) in words."""
        return self.amount(getattr(self, "balance", Decimal(0)))


class StockCount(AppendOnlyModel):
    """A physical count of a lot, signed by the counter and a witness who re-entered a password.

    A count that differs from the book balance stays flagged on the ledger until an
    admin or prescriber resolves it with a note (an ``adjustment`` entry naming it).
    """

    append_only_message = "A stock count is never edited; count again or resolve it with a note."

    lot = models.ForeignKey(StockLot, on_delete=models.PROTECT, related_name="counts")
    expected = models.DecimalField(max_digits=9, decimal_places=2)
    counted = models.DecimalField(max_digits=9, decimal_places=2)
    difference = models.DecimalField(max_digits=9, decimal_places=2)
    counted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    witnessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)
    counted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-counted_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(counted_by=F("witnessed_by")), name="controlled_count_two_people"
            ),
            models.CheckConstraint(
                condition=Q(difference=F("counted") - F("expected")),
                name="controlled_count_difference",
            ),
        ]

    def __str__(self) -> str:
        return f"Count of {self.counted} (expected {self.expected}) for lot {self.lot_id}"

    @property
    def discrepant(self) -> bool:
        return self.difference != 0


class LedgerEntry(AppendOnlyModel):
    """One movement of a lot and the balance it leaves; never edited."""

    append_only_message = "A ledger entry is never edited; record a correction entry instead."

    lot = models.ForeignKey(StockLot, on_delete=models.PROTECT, related_name="entries")
    seq = models.PositiveIntegerField(help_text="1, 2, 3… within the lot")
    kind = models.CharField(max_length=16, choices=KIND_CHOICES)
    quantity = models.DecimalField(
        max_digits=9,
        decimal_places=2,
        help_text="In the lot's unit; signed for adjustments and corrections, counted for counts",
    )
    balance_after = models.DecimalField(max_digits=9, decimal_places=2)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    witness = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(blank=True)
    administration = models.OneToOneField(
        "dosing.Administration",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stock_draw",
    )
    counterpart = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="counterpart_of"
    )
    destination = models.CharField(max_length=200, blank=True)
    correction_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )
    count = models.ForeignKey(
        StockCount, null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["lot", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["lot", "seq"], name="controlled_entry_seq_once"),
            models.CheckConstraint(
                condition=Q(balance_after__gte=0), name="controlled_balance_not_negative"
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["waste", "count"]) | Q(witness__isnull=False),
                name="controlled_waste_and_count_witnessed",
            ),
            models.CheckConstraint(
                condition=~Q(witness=F("actor")), name="controlled_witness_is_another_person"
            ),
            models.CheckConstraint(
                condition=~Q(kind="draw") | Q(administration__isnull=False),
                name="controlled_draw_names_its_administration",
            ),
            models.CheckConstraint(
                condition=~Q(kind="correction") | Q(correction_of__isnull=False),
                name="controlled_correction_names_its_entry",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.quantity} (balance {self.balance_after})"

    @property
    def kind_enum(self) -> EntryKind:
        return EntryKind(self.kind)

    @property
    def change(self) -> Decimal:
        return change_of(self.kind_enum, self.quantity)

    @property
    def change_label(self) -> str:
        """``+100 mL``, ``−4.4 mL``, or the counted quantity for a count."""
        if self.kind_enum is EntryKind.COUNT:
            return f"{self.lot.amount(self.quantity)} counted"
        sign = "+" if self.change > 0 else "−" if self.change < 0 else ""
        return sign + self.lot.amount(abs(self.change))

    @property
    def balance_label(self) -> str:
        return self.lot.amount(self.balance_after)


class WitnessPasswordFailure(models.Model):
    """One wrong witness password: throttling state, not a record (the audit trail is that).

    Counted per witness and per person asking, over the sign-in lockout's cool-off, so a
    signed-in user cannot guess a colleague's password through the witnessed forms. A
    witness's rows are cleared when their password is typed right or they sign in.
    """

    witness = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    failed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["witness", "failed_at"]),
            models.Index(fields=["actor", "failed_at"]),
        ]

    def __str__(self) -> str:
        return f"Wrong witness password at {self.failed_at:%Y-%m-%d %H:%M}"
