"""Intake, screening, the eligibility decision and informed consent.

Signed records (a submitted intake version, screening findings, decisions,
consent signatures) are never edited: a change is a new row. The only later
writes are set-once stamps (a countersignature, a withdrawal), made by a
conditional update in ``services`` so that they cannot be overwritten.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from kapcare.accounts.models import Clinic
from kapcare.clinical.eligibility import Decision
from kapcare.core.models import AppendOnlyModel
from kapcare.intake.vocabulary import ROUTE_CHOICES
from kapcare.patients.models import Patient


class IntakeStatus(models.TextChoices):
    DRAFT = "draft", "In progress"
    SUBMITTED = "submitted", "Submitted"


class Intake(models.Model):
    """A patient's intake: the working copy. Its history is in ``IntakeVersion``."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    patient = models.OneToOneField(Patient, on_delete=models.PROTECT, related_name="intake")
    status = models.CharField(
        max_length=16, choices=IntakeStatus.choices, default=IntakeStatus.DRAFT
    )
    data = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(default=0)
    submitted_version = models.ForeignKey(
        "IntakeVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Intake of {self.patient}"


class VersionKind(models.TextChoices):
    DRAFT = "draft", "Saved by the patient"
    SUBMITTED = "submitted", "Submitted by the patient"
    STAFF = "staff", "Filled or corrected by staff"


class IntakeVersion(AppendOnlyModel):
    """The whole intake after one change: who changed which section, and when."""

    intake = models.ForeignKey(Intake, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=16, choices=VersionKind.choices)
    section = models.CharField(max_length=40, blank=True)
    data = models.JSONField()
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["intake", "number"], name="intake_version_unique")
        ]
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"{self.intake} v{self.number}"


class EligibilitySettings(models.Model):
    """Per-clinic screening defaults: the route assumed until a prescriber picks one."""

    clinic = models.OneToOneField(Clinic, on_delete=models.CASCADE, related_name="+")
    default_route = models.CharField(max_length=32, choices=ROUTE_CHOICES, default="iv_racemic")

    def __str__(self) -> str:
        return f"Eligibility settings of {self.clinic}"


class ScreeningRun(AppendOnlyModel):
    """One evaluation of one intake version against one rule-set version for one route."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="screenings")
    intake_version = models.ForeignKey(IntakeVersion, on_delete=models.PROTECT, related_name="+")
    route = models.CharField(max_length=32, choices=ROUTE_CHOICES)
    ruleset_version = models.CharField(max_length=40)
    facts = models.JSONField(help_text="The facts the rules saw, as screened.")
    run_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    run_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-run_at", "-id"]
        indexes = [models.Index(fields=["patient", "-run_at"], name="screening_patient_idx")]

    def __str__(self) -> str:
        return f"Screening of {self.patient} ({self.ruleset_version})"


class Severity(models.TextChoices):
    BLOCK = "block", "Contraindication"
    WARN = "warn", "Caution"
    INFO = "info", "Advice"


class ScreeningFinding(AppendOnlyModel):
    """One rule that matched, stored exactly as the engine produced it."""

    run = models.ForeignKey(ScreeningRun, on_delete=models.PROTECT, related_name="findings")
    position = models.PositiveSmallIntegerField()
    rule_id = models.CharField(max_length=120)
    rule_version = models.CharField(max_length=20)
    ruleset_version = models.CharField(max_length=40)
    severity = models.CharField(max_length=8, choices=Severity.choices)
    message = models.TextField()
    action = models.TextField()
    source_keys = models.JSONField(default=list)
    source = models.TextField()

    class Meta:
        ordering = ["run", "position"]

    def __str__(self) -> str:
        return f"{self.severity} {self.rule_id}"


class DecisionChoice(models.TextChoices):
    ELIGIBLE = Decision.ELIGIBLE.value, "Eligible"
    ELIGIBLE_WITH_CONDITIONS = Decision.ELIGIBLE_WITH_CONDITIONS.value, "Eligible with conditions"
    NOT_ELIGIBLE = Decision.NOT_ELIGIBLE.value, "Not eligible"
    MORE_INFORMATION_NEEDED = Decision.MORE_INFORMATION_NEEDED.value, "More information needed"


class EligibilityDecision(AppendOnlyModel):
    """A prescriber's signed decision; a later decision supersedes it, nothing edits it."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, related_name="eligibility_decisions"
    )
    screening = models.ForeignKey(ScreeningRun, on_delete=models.PROTECT, related_name="decisions")
    decision = models.CharField(max_length=32, choices=DecisionChoice.choices)
    notes = models.TextField(blank=True)
    overridden_rule_ids = models.JSONField(default=list, blank=True)
    override_reason = models.TextField(blank=True)
    ruleset_version = models.CharField(max_length=40)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-decided_at", "-id"]
        indexes = [models.Index(fields=["patient", "-decided_at"], name="decision_patient_idx")]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} for {self.patient}"

    @property
    def treats(self) -> bool:
        return Decision(self.decision).treats


class ConsentDocument(AppendOnlyModel):
    """One published version of a clinic's consent text (Markdown, rendered through nh3)."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="Markdown. Raw HTML is removed when shown.")
    sha256 = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["clinic", "version"], name="consent_version_unique")
        ]
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"


class ConsentSignature(AppendOnlyModel):
    """A patient's signature on one exact document text, with a clinician's countersignature."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="consents")
    document = models.ForeignKey(ConsentDocument, on_delete=models.PROTECT, related_name="+")
    document_sha256 = models.CharField(max_length=64)
    typed_name = models.CharField(max_length=200)
    agreed = models.BooleanField()
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(default=timezone.now)
    ip = models.GenericIPAddressField(null=True, blank=True)
    countersigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    countersigned_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawal_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-signed_at", "-id"]
        indexes = [models.Index(fields=["patient", "-signed_at"], name="consent_patient_idx")]

    def __str__(self) -> str:
        return f"Consent of {self.patient} to {self.document}"


class RuleAdjustment(AppendOnlyModel):
    """One version of a clinic's changes to the screening rules; the newest is in force.

    Each version holds the whole set of changes (not a delta), who made it and why, and
    the derived rule-set version that findings screened under it record.
    """

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField()
    disabled = models.JSONField(default=list, blank=True)
    thresholds = models.JSONField(default=dict, blank=True)
    reason = models.TextField()
    ruleset_version = models.CharField(max_length=80)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["clinic", "number"], name="rule_adjustment_unique")
        ]
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"Rule changes v{self.number} at {self.clinic}"
