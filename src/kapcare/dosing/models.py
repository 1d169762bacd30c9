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


RATING_CHOICES = [
    ("none", "None"),
    ("mild", "Mild"),
    ("moderate", "Moderate"),
    ("severe", "Severe"),
]


class Observation(AppendOnlyModel):
    """A clinician's observation at one time: sedation, clinician ratings and side effects.

    Dissociation, nausea and anxiety are plain clinician ratings, not a scored
    scale. MOAA/S may also be scored here (vital-signs readings keep theirs).
    """

    append_only_message = "An observation is never edited; record a new one."

    session = models.ForeignKey(
        DosingSession, on_delete=models.PROTECT, related_name="observations"
    )
    observed_at = models.DateTimeField()
    moaas = models.PositiveSmallIntegerField(null=True, blank=True)
    dissociation = models.CharField(max_length=10, choices=RATING_CHOICES, blank=True)
    nausea = models.CharField(max_length=10, choices=RATING_CHOICES, blank=True)
    anxiety = models.CharField(max_length=10, choices=RATING_CHOICES, blank=True)
    side_effects = models.JSONField(default=list, blank=True)
    side_effects_other = models.CharField(max_length=300, blank=True)
    note = models.TextField(blank=True)
    findings = models.JSONField(default=list, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["observed_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(moaas__isnull=True) | models.Q(moaas__lte=5),
                name="dosing_observation_moaas_range",
            )
        ]

    def __str__(self) -> str:
        return f"Observation at {self.observed_at:%H:%M}"


INTERVENTION_KINDS = [("drug", "Medicine"), ("non_drug", "Without medicine")]
INTERVENTION_CATEGORIES = [
    ("antiemetic", "Antiemetic"),
    ("antihypertensive", "Blood-pressure medicine"),
    ("other_drug", "Other medicine"),
    ("reassurance", "Reassurance"),
    ("music_change", "Music changed"),
    ("repositioning", "Repositioning"),
    ("oxygen", "Oxygen"),
    ("other", "Other"),
]
DRUG_CATEGORIES = ("antiemetic", "antihypertensive", "other_drug")


class Intervention(AppendOnlyModel):
    """Something done for the patient during the session, with or without a medicine."""

    append_only_message = "An intervention is never edited; record a correction."

    session = models.ForeignKey(
        DosingSession, on_delete=models.PROTECT, related_name="interventions"
    )
    given_at = models.DateTimeField()
    kind = models.CharField(max_length=10, choices=INTERVENTION_KINDS)
    category = models.CharField(max_length=20, choices=INTERVENTION_CATEGORIES)
    medicine = models.CharField(max_length=120, blank=True)
    dose = models.CharField(max_length=60, blank=True)
    route = models.CharField(max_length=40, blank=True)
    detail = models.TextField(blank=True)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["given_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_category_display()} at {self.given_at:%H:%M}"


AE_SEVERITIES = [
    ("mild", "Mild"),
    ("moderate", "Moderate"),
    ("severe", "Severe"),
    ("life_threatening", "Life-threatening"),
]
AE_OUTCOMES = [
    ("ongoing", "Ongoing"),
    ("resolving", "Resolving"),
    ("resolved", "Resolved"),
    ("transferred", "Transferred to emergency care"),
]
#: an adverse event counts as open on the board until its latest outcome is one of these
AE_CLOSED = ("resolved", "transferred")


class AdverseEvent(AppendOnlyModel):
    """An adverse event in the session: what, how severe, what was done and how it ended."""

    append_only_message = "An adverse event is never edited; add a follow-up."

    session = models.ForeignKey(
        DosingSession, on_delete=models.PROTECT, related_name="adverse_events"
    )
    onset_at = models.DateTimeField()
    description = models.TextField()
    severity = models.CharField(max_length=20, choices=AE_SEVERITIES)
    action_taken = models.TextField()
    outcome = models.CharField(max_length=20, choices=AE_OUTCOMES)
    reportable = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["onset_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_severity_display()} adverse event at {self.onset_at:%H:%M}"


class AdverseEventFollowUp(AppendOnlyModel):
    """A later outcome of an adverse event; the latest one is its current outcome."""

    append_only_message = "A follow-up is never edited; add another."

    event = models.ForeignKey(AdverseEvent, on_delete=models.PROTECT, related_name="follow_ups")
    outcome = models.CharField(max_length=20, choices=AE_OUTCOMES)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recorded_at", "pk"]

    def __str__(self) -> str:
        return f"Follow-up: {self.get_outcome_display()}"


class TherapistNote(AppendOnlyModel):
    """The therapist's in-session note: the guidance used and what happened; clinicians read it."""

    append_only_message = "A therapist's note is never edited; add another."

    session = models.ForeignKey(
        DosingSession, on_delete=models.PROTECT, related_name="therapist_notes"
    )
    written_at = models.DateTimeField(default=timezone.now)
    guidance = models.JSONField(default=list, blank=True)
    guidance_other = models.CharField(max_length=200, blank=True)
    text = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["written_at", "pk"]

    def __str__(self) -> str:
        return f"Therapist's note at {self.written_at:%H:%M}"


INFUSION_EVENT_KINDS = [("pause", "Paused"), ("resume", "Resumed"), ("stop", "Stopped")]


class InfusionEvent(AppendOnlyModel):
    """A pause, resume or stop of one infusion, with the reason; a stop records the dose given.

    ``calculated_mg`` is the pure calculation (rate × minutes run); ``given_mg``
    what the nurse confirmed; ``given_reason`` says why they differ.
    """

    append_only_message = "An infusion event is never edited; record a new one."

    administration = models.ForeignKey(
        Administration, on_delete=models.PROTECT, related_name="infusion_events"
    )
    kind = models.CharField(max_length=8, choices=INFUSION_EVENT_KINDS)
    at = models.DateTimeField()
    reason = models.TextField()
    running_minutes = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    calculated_mg = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    given_mg = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    given_reason = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["administration"],
                condition=models.Q(kind="stop"),
                name="dosing_infusion_stops_once",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="stop") | models.Q(given_mg__isnull=False),
                name="dosing_infusion_stop_has_dose",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.at:%H:%M}"


class RemsFormFiling(AppendOnlyModel):
    """The REMS patient monitoring form of an esketamine session was filed on the REMS portal.

    Recorded once per session [K14]; kapcare prepares the data, the form itself
    is filed on the portal.
    """

    append_only_message = "A filing is recorded once and never edited."

    session = models.OneToOneField(
        DosingSession, on_delete=models.PROTECT, related_name="rems_filing"
    )
    filed_on = models.DateField()
    reference = models.CharField(max_length=80)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"REMS form {self.reference} filed {self.filed_on}"


class DosingSettings(models.Model):
    """A clinic's dosing choices; a clinic without a row uses kapcare's defaults.

    Every value here is a local choice (no verified source for it) and shows as
    such until an admin or prescriber confirms it; ``confirmations`` holds, per
    setting, who confirmed which value and when. Each change is audited with its
    reason, and ``version`` counts the changes.
    """

    clinic = models.OneToOneField(Clinic, on_delete=models.PROTECT, related_name="dosing_settings")
    spo2_warn_below = models.PositiveSmallIntegerField(default=94)
    spo2_block_below = models.PositiveSmallIntegerField(default=90)
    heart_rate_warn_below = models.PositiveSmallIntegerField(default=50)
    heart_rate_block_below = models.PositiveSmallIntegerField(default=40)
    heart_rate_warn_above = models.PositiveSmallIntegerField(default=120)
    heart_rate_block_above = models.PositiveSmallIntegerField(default=150)
    respiratory_rate_warn_below = models.PositiveSmallIntegerField(default=10)
    respiratory_rate_block_below = models.PositiveSmallIntegerField(default=8)
    respiratory_rate_warn_above = models.PositiveSmallIntegerField(default=24)
    respiratory_rate_block_above = models.PositiveSmallIntegerField(default=30)
    racemic_min_observation_minutes = models.PositiveSmallIntegerField(default=120)
    require_moaas_5 = models.BooleanField(default=True)
    dissociation_alert_at = models.CharField(
        max_length=10, choices=RATING_CHOICES, blank=True, default="severe"
    )
    rems_form_due_days = models.PositiveSmallIntegerField(default=7)
    confirmations = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "dosing settings"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(racemic_min_observation_minutes__gte=30),
                name="dosing_settings_observation_floor",
            ),
            models.CheckConstraint(
                condition=models.Q(rems_form_due_days__gte=1),
                name="dosing_settings_rems_days_floor",
            ),
        ]

    def __str__(self) -> str:
        return f"Dosing settings of {self.clinic}"
