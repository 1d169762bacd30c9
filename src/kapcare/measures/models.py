"""Questionnaire assignments, responses, drafts and safety alerts.

Every row carries ``clinic`` so that queries are tenant-filtered and indexed by
clinic first. Responses and alerts are clinical records: a response is never
edited (a correction is a new response that points at the one it corrects), and
an alert is never deleted, only acknowledged with a note of what was done.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from kapcare.accounts.models import Clinic
from kapcare.clinical.instruments import DEFINITIONS, InstrumentDefinition, get_definition
from kapcare.clinical.instruments.model import Scoring
from kapcare.core.models import AppendOnlyModel
from kapcare.patients.models import Patient

INSTRUMENT_CHOICES = [(key, d.abbreviation) for key, d in DEFINITIONS.items()]


class MeasuresSettings(models.Model):
    """A clinic's choices for measurement-based care; a clinic without a row uses the defaults.

    Kept in this app (not on ``Clinic``) so that the measures feature owns its settings.
    """

    clinic = models.OneToOneField(
        Clinic, on_delete=models.PROTECT, related_name="measures_settings"
    )
    escalate_after_minutes = models.PositiveIntegerField(
        default=60,
        validators=[MinValueValidator(5), MaxValueValidator(1440)],
        help_text=(
            "An item-9 safety alert nobody has acknowledged after this many minutes is "
            "escalated to every prescriber of the clinic."
        ),
    )
    patients_see_progress = models.BooleanField(
        default=True,
        help_text="Patients see their own scores over time, in plain language, in the portal.",
    )
    off_track_after_sessions = models.PositiveIntegerField(
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=(
            "A patient with no meaningful improvement after this many dosing sessions is "
            "listed as off track."
        ),
    )
    pcl5_cutoff = models.PositiveIntegerField(
        "PCL-5 cut-off",
        default=33,
        validators=[MinValueValidator(1), MaxValueValidator(80)],
        help_text="A PCL-5 total at or above this is flagged as probable PTSD (31–33 is usual).",
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "measures settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(escalate_after_minutes__gte=5, escalate_after_minutes__lte=1440),
                name="measures_settings_escalation_range",
            ),
            models.CheckConstraint(
                condition=Q(off_track_after_sessions__gte=1, off_track_after_sessions__lte=50),
                name="measures_settings_off_track_range",
            ),
            models.CheckConstraint(
                condition=Q(pcl5_cutoff__gte=1, pcl5_cutoff__lte=80),
                name="measures_settings_pcl5_cutoff_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Measures settings of {self.clinic}"


class ScheduleKind(models.TextChoices):
    ONCE = "once", "Once"
    BASELINE = "baseline", "At baseline"
    BEFORE_SESSION = "before_session", "Before each dosing session"
    AFTER_SESSION = "after_session", "24 hours after each dosing session"
    EVERY_N_DAYS = "every_n_days", "Every N days"
    EVERY_N_WEEKS = "every_n_weeks", "Every N weeks"
    END_OF_COURSE = "end_of_course", "At the end of the course"


#: kinds that repeat on their own: completing one creates the next
RECURRING = frozenset({ScheduleKind.EVERY_N_DAYS, ScheduleKind.EVERY_N_WEEKS})
#: kinds that follow dosing sessions: they wait (no due date) until a session is booked
SESSION_LINKED = frozenset({ScheduleKind.BEFORE_SESSION, ScheduleKind.AFTER_SESSION})


class AssignmentStatus(models.TextChoices):
    """What is stored. Whether an open assignment is due or overdue depends on the clock."""

    OPEN = "open", "Open"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


class AssignmentState(enum.StrEnum):
    """What an assignment is at a given moment (see ``Assignment.state_at``)."""

    WAITING = "waiting"  # session-linked, no session booked yet
    UPCOMING = "upcoming"  # not open to the patient yet
    DUE = "due"
    OVERDUE = "overdue"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


STATE_LABELS = {
    AssignmentState.WAITING: "Waiting for dosing sessions",
    AssignmentState.UPCOMING: "Upcoming",
    AssignmentState.DUE: "Due",
    AssignmentState.OVERDUE: "Overdue",
    AssignmentState.COMPLETED: "Completed",
    AssignmentState.CANCELLED: "Cancelled",
}


class Assignment(models.Model):
    """One questionnaire a patient is asked to complete.

    A recurring schedule is a chain: completing one creates the next (``follows``).
    A session-linked one without ``due_at`` is a standing order; the dosing console (a
    later feature) calls ``services.session_questionnaires_create`` to make its instances.
    """

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="assignments")
    instrument = models.CharField(max_length=40, choices=INSTRUMENT_CHOICES)
    schedule = models.CharField(max_length=20, choices=ScheduleKind.choices)
    interval = models.PositiveIntegerField(
        null=True, blank=True, help_text="N for every N days or every N weeks."
    )
    opens_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=16, choices=AssignmentStatus.choices, default=AssignmentStatus.OPEN
    )
    follows = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="followers"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    #: reminders claimed by ``tasks.send_questionnaire_reminders`` (claim-by-update)
    reminded_at = models.DateTimeField(null=True, blank=True)
    overdue_reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [
            # the chart's measures tab and the portal: a patient's open questionnaires
            models.Index(fields=["patient", "status", "due_at"], name="assignment_patient_idx"),
            # the worklist and the reminder task: open questionnaires of a clinic by due date
            models.Index(fields=["clinic", "status", "due_at"], name="assignment_clinic_due_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(interval__isnull=True) | Q(interval__gte=1, interval__lte=365),
                name="assignment_interval_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.definition.abbreviation} for {self.patient} ({self.get_schedule_display()})"

    @property
    def definition(self) -> InstrumentDefinition:
        return get_definition(self.instrument)

    @property
    def schedule_label(self) -> str:
        if self.schedule == ScheduleKind.EVERY_N_DAYS:
            return f"Every {self.interval} day{'s' if self.interval != 1 else ''}"
        if self.schedule == ScheduleKind.EVERY_N_WEEKS:
            return f"Every {self.interval} week{'s' if self.interval != 1 else ''}"
        return str(self.get_schedule_display())

    @property
    def repeat_every(self) -> dt.timedelta | None:
        if self.schedule == ScheduleKind.EVERY_N_DAYS and self.interval:
            return dt.timedelta(days=self.interval)
        if self.schedule == ScheduleKind.EVERY_N_WEEKS and self.interval:
            return dt.timedelta(weeks=self.interval)
        return None

    def state_at(self, now: dt.datetime) -> AssignmentState:
        """Due or overdue is a matter of the clock, so it is computed, never stored."""
        if self.status == AssignmentStatus.COMPLETED:
            return AssignmentState.COMPLETED
        if self.status == AssignmentStatus.CANCELLED:
            return AssignmentState.CANCELLED
        if self.due_at is None:
            return AssignmentState.WAITING
        if self.opens_at is not None and now < self.opens_at:
            return AssignmentState.UPCOMING
        if now > self.due_at:
            return AssignmentState.OVERDUE
        return AssignmentState.DUE


#: how flags from the pure scorer are named on screen
FLAG_LABELS = {
    "suicidal_ideation": "Item 9 above 0",
    "probable_ptsd_cutoff": "At or above the PTSD cut-off",
    "probable_ptsd_dsm5": "DSM-5 cluster rule met",
}


class QuestionnaireResponse(AppendOnlyModel):
    """A submitted questionnaire with its score. Never edited; a correction is a new row.

    ``definition_version`` is the version of the instrument definition that validated
    and scored it; ``total`` is None for instruments without a validated total.
    """

    append_only_message = "A submitted response is never edited; submit a correction."

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="responses")
    assignment = models.ForeignKey(
        Assignment, null=True, blank=True, on_delete=models.PROTECT, related_name="responses"
    )
    instrument = models.CharField(max_length=40, choices=INSTRUMENT_CHOICES)
    definition_version = models.CharField(max_length=20)
    answers = models.JSONField()
    total = models.FloatField(null=True, blank=True)
    band = models.CharField(max_length=40, blank=True)
    subscales = models.JSONField(default=dict, blank=True)
    flags = models.JSONField(default=list, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    entered_on_behalf = models.BooleanField(
        default=False, help_text="Staff entered the patient's answers from a paper form."
    )
    #: when the patient answered (a paper form may be entered later); trajectories use it
    answered_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(default=timezone.now)
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )
    correction_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["answered_at", "id"]
        indexes = [
            # the measures tab: every response of a patient, instrument by instrument, in time
            models.Index(
                fields=["patient", "instrument", "answered_at"], name="response_patient_idx"
            ),
            models.Index(fields=["clinic", "-submitted_at"], name="response_clinic_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(corrects__isnull=True) | ~Q(correction_reason=""),
                name="response_correction_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.definition.abbreviation} of {self.patient} on {self.answered_at:%Y-%m-%d}"

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RuntimeError("A submitted response is never deleted; submit a correction.")

    @property
    def definition(self) -> InstrumentDefinition:
        return get_definition(self.instrument)

    @property
    def score(self) -> int | float | None:
        """The total as the instrument counts it: whole for sums, a mean for PEG."""
        if self.total is None:
            return None
        if self.definition.scoring is Scoring.SUM:
            return round(self.total)
        return self.total

    @property
    def flag_labels(self) -> list[tuple[str, str]]:
        """(flag, words for it) pairs, for badges that a stylesheet can colour by flag."""
        return [(flag, FLAG_LABELS.get(flag, flag.replace("_", " "))) for flag in self.flags]

    @property
    def band_label(self) -> str:
        for band in self.definition.bands or ():
            if band.key == self.band:
                return band.label
        return ""


class ResponseDraft(models.Model):
    """Answers saved while the patient goes, so that nothing typed on a phone is lost."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="+")
    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="draft")
    answers = models.JSONField(default=dict)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Draft of {self.assignment}"


class AlertKind(models.TextChoices):
    SUICIDAL_IDEATION = "suicidal_ideation", "Thoughts of death or self-harm (PHQ-9 item 9)"
    SEVERE_BAND = "severe_band", "Score in the most severe range"
    MEANINGFUL_WORSENING = "meaningful_worsening", "Meaningful worsening since baseline"


class AlertPriority(models.IntegerChoices):
    HIGH = 1, "High"
    LOWER = 2, "Lower"


PRIORITY_OF = {
    AlertKind.SUICIDAL_IDEATION: AlertPriority.HIGH,
    AlertKind.SEVERE_BAND: AlertPriority.LOWER,
    AlertKind.MEANINGFUL_WORSENING: AlertPriority.LOWER,
}


class AlertStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"


class SafetyAlert(models.Model):
    """A signal in a response that a clinician must look at and answer with a note.

    ``priority`` follows from ``kind`` (``PRIORITY_OF``); it is stored so that the inbox
    and worklist sort on an index.
    """

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="safety_alerts")
    #: what raised it: a questionnaire response, or an after-session check-in (exactly one)
    response = models.ForeignKey(
        QuestionnaireResponse,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="alerts",
    )
    checkin = models.ForeignKey(
        "integration.CheckIn",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="alerts",
    )
    kind = models.CharField(max_length=32, choices=AlertKind.choices)
    priority = models.PositiveSmallIntegerField(choices=AlertPriority.choices)
    detail = models.TextField(help_text="What raised the alert, in words a clinician reads.")
    status = models.CharField(max_length=16, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledgement_note = models.TextField(blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["status", "priority", "created_at", "id"]
        indexes = [
            # the alerts inbox and the worklist: a clinic's open alerts, most urgent first
            models.Index(
                fields=["clinic", "status", "priority", "created_at"], name="alert_inbox_idx"
            ),
            models.Index(fields=["patient", "status"], name="alert_patient_idx"),
            # the inbox's acknowledged list, latest first: a page read from the index end
            # instead of sorting every acknowledged alert the clinic ever had
            models.Index(
                fields=["clinic", "status", "acknowledged_at", "id"],
                name="alert_acknowledged_idx",
            ),
            # `kapcare escalate_alerts` scans only open, not-yet-escalated alerts
            models.Index(
                fields=["created_at"],
                name="alert_to_escalate_idx",
                condition=Q(status="open", escalated_at__isnull=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open")
                | (
                    Q(acknowledged_by__isnull=False, acknowledged_at__isnull=False)
                    & ~Q(acknowledgement_note="")
                ),
                name="alert_acknowledged_with_note",
            ),
            models.CheckConstraint(
                condition=Q(response__isnull=False, checkin__isnull=True)
                | Q(response__isnull=True, checkin__isnull=False),
                name="alert_has_one_source",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.patient}"

    @property
    def is_open(self) -> bool:
        return self.status == AlertStatus.OPEN


class TreatmentProgress(models.Model):
    """What the off-track rule needs to know about one patient, stored when it changes.

    Written by ``measures.progress.refresh_progress`` whenever one of its inputs changes
    (a response submitted or corrected, a dosing session discharged), so the worklist
    reads a few columns per patient instead of looking up every patient's sessions and
    first and latest scores on each view.
    """

    patient = models.OneToOneField(
        Patient, primary_key=True, on_delete=models.CASCADE, related_name="treatment_progress"
    )
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    #: dosing sessions the patient has been discharged from
    completed_sessions = models.PositiveIntegerField(default=0)
    #: the first and the latest current PHQ-9 (None without one)
    baseline = models.ForeignKey(
        QuestionnaireResponse, null=True, on_delete=models.PROTECT, related_name="+"
    )
    baseline_at = models.DateTimeField(null=True)
    baseline_total = models.FloatField(null=True)
    latest = models.ForeignKey(
        QuestionnaireResponse, null=True, on_delete=models.PROTECT, related_name="+"
    )
    latest_total = models.FloatField(null=True)
    #: whole points the total fell from baseline to latest; None until a later score exists
    improvement = models.IntegerField(null=True)
    #: the patient is having dosing sessions (active or maintenance), as of the last refresh:
    #: a change of status refreshes it, so the worklist need not join every patient
    in_treatment = models.BooleanField(default=False)
    refreshed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        # Partial on in_treatment: Django writes ``in_treatment=True`` as the bare column,
        # which SQLite cannot match against an indexed column, so an index that led with it
        # served only its clinic prefix and the page sorted every off-track patient
        # (1.8 ms at 10,000 patients). A partial index's condition is matched instead.
        indexes = [
            # the off-track count: a clinic's patients in treatment with too small an improvement
            models.Index(
                fields=["clinic", "improvement", "completed_sessions"],
                condition=Q(in_treatment=True),
                name="progress_off_track_idx",
            ),
            # the off-track page: the same patients, earliest baseline first
            models.Index(
                fields=["clinic", "baseline_at", "baseline"],
                condition=Q(in_treatment=True),
                name="progress_baseline_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"Progress of patient {self.patient_id}"
