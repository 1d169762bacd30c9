"""A clinic's exposure settings and the bladder and urinary symptom checks of its patients.

No cumulative limit or check interval is sourced in the clinical reference
(§5 "Dose tracking" is a suggestion; bladder symptoms with chronic use [K16d]),
so every number here is the clinic's own and is empty until the clinic sets it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone

from kapcare.accounts.models import Clinic
from kapcare.clinical import bladder_check as checklist
from kapcare.core.models import AppendOnlyModel
from kapcare.patients.models import Patient


class ExposureSettings(models.Model):
    """The clinic's exposure warnings and bladder-check interval; empty means "off"."""

    clinic = models.OneToOneField(
        Clinic, on_delete=models.PROTECT, related_name="exposure_settings"
    )
    week_mg_limit = models.DecimalField(
        max_digits=7, decimal_places=1, null=True, blank=True, validators=[MinValueValidator(1)]
    )
    month_mg_limit = models.DecimalField(
        max_digits=7, decimal_places=1, null=True, blank=True, validators=[MinValueValidator(1)]
    )
    course_mg_limit = models.DecimalField(
        max_digits=8, decimal_places=1, null=True, blank=True, validators=[MinValueValidator(1)]
    )
    session_mg_per_kg_notice = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True
    )
    bladder_check_every_weeks = models.PositiveSmallIntegerField(null=True, blank=True)
    bladder_check_every_sessions = models.PositiveSmallIntegerField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name_plural = "exposure settings"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(bladder_check_every_weeks__isnull=True)
                | models.Q(bladder_check_every_weeks__gte=1),
                name="exposure_bladder_weeks_at_least_1",
            ),
            models.CheckConstraint(
                condition=models.Q(bladder_check_every_sessions__isnull=True)
                | models.Q(bladder_check_every_sessions__gte=1),
                name="exposure_bladder_sessions_at_least_1",
            ),
        ]

    def __str__(self) -> str:
        return f"Exposure settings of {self.clinic}"


class BladderCheck(AppendOnlyModel):
    """One bladder and urinary symptom check: the clinic's screening checklist, yes/no each.

    ``needs_review`` is set when any answer is yes; a prescriber's
    :class:`BladderCheckReview` closes it.
    """

    append_only_message = "A bladder check is never edited; record a new one."

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="bladder_checks")
    checked_at = models.DateTimeField(default=timezone.now)
    frequency = models.BooleanField()
    urgency = models.BooleanField()
    painful_urination = models.BooleanField()
    blood_in_urine = models.BooleanField()
    bladder_pain = models.BooleanField()
    incontinence = models.BooleanField()
    notes = models.TextField(blank=True)
    needs_review = models.BooleanField(default=False)
    checklist_version = models.CharField(max_length=40, default=checklist.VERSION)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-checked_at", "-pk"]
        indexes = [
            models.Index(fields=["patient", "-checked_at"], name="bladder_check_patient_idx")
        ]

    def __str__(self) -> str:
        return f"Bladder check {self.checked_at:%Y-%m-%d}"

    @property
    def answers(self) -> dict[str, bool]:
        return {key: getattr(self, key) for key in checklist.KEYS}

    @property
    def symptoms(self) -> list[str]:
        return [checklist.LABELS[key] for key in checklist.KEYS if getattr(self, key)]


class BladderCheckReview(AppendOnlyModel):
    """A prescriber reviewed a check with symptoms and wrote what was decided."""

    append_only_message = "A review is never edited; add a chart note instead."

    bladder_check = models.OneToOneField(
        BladderCheck, on_delete=models.PROTECT, related_name="review"
    )
    note = models.TextField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Review of bladder check {self.bladder_check_id}"
