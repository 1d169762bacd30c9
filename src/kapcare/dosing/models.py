"""The dosing session: its state, its readings, and the idempotency keys of tablet writes.

A session moves only through ``kapcare.clinical.session_states``; its row changes
only by ``UPDATE … WHERE version = read_version`` in the services, so a second
tablet acting on an old state gets a conflict, never a silent overwrite.
Readings are append-only: a correction is a new reading.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from kapcare.accounts.models import Clinic
from kapcare.clinical.routes import ROUTE_LABELS, Route
from kapcare.clinical.session_states import STATE_LABELS, SessionState
from kapcare.clinical.vitals import Phase, VitalSigns
from kapcare.core.models import AppendOnlyModel
from kapcare.patients.models import Patient
from kapcare.treatment.models import Appointment

ROUTE_CHOICES = [(r.value, ROUTE_LABELS[r]) for r in Route]
STATE_CHOICES = [(s.value, STATE_LABELS[s]) for s in SessionState]
ACTIVE_STATES = (
    SessionState.CHECKED_IN,
    SessionState.READY,
    SessionState.DOSING,
    SessionState.RECOVERY,
)


class DosingSession(models.Model):
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="dosing_sessions")
    appointment = models.OneToOneField(
        Appointment, on_delete=models.PROTECT, related_name="dosing_session"
    )
    route = models.CharField(max_length=32, choices=ROUTE_CHOICES)
    state = models.CharField(max_length=16, choices=STATE_CHOICES, default=SessionState.SCHEDULED)
    version = models.PositiveIntegerField(default=1)
    weight_kg = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    weight_recorded_at = models.DateTimeField(null=True, blank=True)
    questionnaire_waiver = models.TextField(blank=True)
    bp_accepted_reason = models.TextField(blank=True)
    bp_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    bp_accepted_reading = models.ForeignKey(
        "dosing.VitalsReading", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    dose_started_at = models.DateTimeField(null=True, blank=True)
    recovery_at = models.DateTimeField(null=True, blank=True)
    discharged_at = models.DateTimeField(null=True, blank=True)
    aborted_at = models.DateTimeField(null=True, blank=True)
    abort_reason = models.TextField(blank=True)
    discharge_override_reason = models.TextField(blank=True)
    discharge_override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    discharge_unmet = models.JSONField(default=list, blank=True)

    class Meta:
        indexes = [models.Index(fields=["clinic", "state"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state="aborted") | ~models.Q(abort_reason=""),
                name="dosing_abort_has_reason",
            )
        ]

    def __str__(self) -> str:
        return f"Dosing session {self.pk} ({self.get_state_display()})"

    @property
    def state_enum(self) -> SessionState:
        return SessionState(self.state)


PHASE_CHOICES = [
    (Phase.PRE_DOSE.value, "Before the dose"),
    (Phase.DOSING.value, "During the dose"),
    (Phase.RECOVERY.value, "Recovery"),
    (Phase.DISCHARGE.value, "At discharge"),
]


class VitalsReading(AppendOnlyModel):
    """One set of vital signs (and optionally MOAA/S); never edited, a correction is new."""

    append_only_message = "A vital-signs reading is never edited; record a new one."

    session = models.ForeignKey(DosingSession, on_delete=models.PROTECT, related_name="readings")
    phase = models.CharField(max_length=16, choices=PHASE_CHOICES)
    taken_at = models.DateTimeField()
    systolic = models.PositiveSmallIntegerField()
    diastolic = models.PositiveSmallIntegerField()
    heart_rate = models.PositiveSmallIntegerField()
    spo2 = models.PositiveSmallIntegerField()
    respiratory_rate = models.PositiveSmallIntegerField(null=True, blank=True)
    moaas = models.PositiveSmallIntegerField(null=True, blank=True)
    findings = models.JSONField(default=list, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["taken_at", "pk"]

    def __str__(self) -> str:
        return f"{self.systolic}/{self.diastolic} at {self.taken_at:%H:%M}"

    @property
    def vitals(self) -> VitalSigns:
        return VitalSigns(
            systolic=self.systolic,
            diastolic=self.diastolic,
            heart_rate=self.heart_rate,
            spo2=self.spo2,
            respiratory_rate=self.respiratory_rate,
        )


class IdempotencyKey(models.Model):
    """The first result of a tablet write, replayed when the same request is retried.

    The unique (actor, endpoint, key) makes 50 concurrent retries produce one row;
    ``request_hash`` refuses the same key reused for a different body.
    """

    key = models.CharField(max_length=64)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    endpoint = models.CharField(max_length=128)
    request_hash = models.CharField(max_length=64)
    response = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["actor", "endpoint", "key"], name="idempotency_once_per_actor_endpoint"
            )
        ]

    def __str__(self) -> str:
        return f"{self.endpoint} {self.key}"


class DoseOrder(models.Model):
    """A prescriber's order for this session, worked out by the pure calculator.

    The quantities are the calculator's, never typed in. A second person checks
    the order before anything is given: the check is set once, never changed.
    """

    session = models.ForeignKey(DosingSession, on_delete=models.PROTECT, related_name="orders")
    mg_per_kg = models.DecimalField(max_digits=6, decimal_places=3, null=True, blank=True)
    weight_kg = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    dose_mg = models.DecimalField(max_digits=7, decimal_places=2)
    concentration_mg_per_ml = models.DecimalField(
        max_digits=7, decimal_places=2, null=True, blank=True
    )
    volume_ml = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    infusion_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    rate_mg_per_hour = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    rate_ml_per_hour = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    devices = models.PositiveSmallIntegerField(null=True, blank=True)
    findings = models.JSONField(default=list, blank=True)
    precision_notes = models.JSONField(default=list, blank=True)
    override_reason = models.TextField(blank=True)
    ordered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    ordered_at = models.DateTimeField(default=timezone.now)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-ordered_at", "-pk"]

    def __str__(self) -> str:
        return f"Order {self.dose_mg} mg for session {self.session_id}"


class Administration(AppendOnlyModel):
    """What was actually given: one row per injection, infusion or esketamine device."""

    append_only_message = "An administration record is never edited; record a correction."

    session = models.ForeignKey(
        DosingSession, on_delete=models.PROTECT, related_name="administrations"
    )
    order = models.ForeignKey(DoseOrder, on_delete=models.PROTECT, related_name="administrations")
    product = models.CharField(max_length=120)
    lot = models.CharField(max_length=60)
    expiry = models.DateField()
    concentration_mg_per_ml = models.DecimalField(
        max_digits=7, decimal_places=2, null=True, blank=True
    )
    route = models.CharField(max_length=32, choices=ROUTE_CHOICES)
    site = models.CharField(max_length=60)
    dose_mg = models.DecimalField(max_digits=7, decimal_places=2)
    device_number = models.PositiveSmallIntegerField(null=True, blank=True)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["started_at", "pk"]

    def __str__(self) -> str:
        return f"{self.dose_mg} mg {self.product} lot {self.lot}"
