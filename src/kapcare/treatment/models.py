"""Treatment plans (signed, versioned), clinic plan templates, rooms and appointments.

A signed plan is never edited: a change is a new version that supersedes it.
Appointment times are stored in UTC and shown in the clinic's time zone.
"""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.db import models
from django.utils import timezone

from kapcare.accounts.models import Clinic, Membership
from kapcare.clinical.routes import ROUTE_LABELS, Route
from kapcare.clinical.scheduling import AppointmentType
from kapcare.core.models import AppendOnlyModel
from kapcare.patients.models import Patient

ROUTE_CHOICES = [(r.value, ROUTE_LABELS[r].capitalize()) for r in Route]
KIND_CHOICES = [(k.value, k.value.replace("_", "-").capitalize()) for k in AppointmentType]


class ClinicPlanTemplate(models.Model):
    """A clinic's own version of a plan template (TOML text, parsed strictly on use).

    The packaged templates are the defaults; a clinic row with the same
    ``template_id`` and a higher ``revision`` is what the clinic offers instead.
    """

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="plan_templates")
    template_id = models.CharField(max_length=60)
    revision = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    route = models.CharField(max_length=32, choices=ROUTE_CHOICES)
    text = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "template_id", "revision"], name="plan_template_revision_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} (clinic revision {self.revision})"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SIGNED = "signed", "Signed"
    SUPERSEDED = "superseded", "Superseded"
    DISCARDED = "discarded", "Discarded"


class TreatmentPlanRecord(models.Model):
    """One version of a patient's plan. ``content`` is the pure plan as JSON."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="treatment_plans")
    version = models.PositiveIntegerField()
    status = models.CharField(max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    route = models.CharField(max_length=32, choices=ROUTE_CHOICES)
    indication = models.CharField(max_length=200)
    template_id = models.CharField(max_length=60)
    template_version = models.CharField(max_length=40)
    content = models.JSONField()
    #: validate_plan findings at drafting time: [{rule_id, severity, message, action, sources}]
    findings = models.JSONField(default=list)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["patient", "version"], name="plan_version_once"),
            models.UniqueConstraint(
                fields=["patient"],
                condition=models.Q(status="signed"),
                name="one_signed_plan_per_patient",
            ),
        ]

    def __str__(self) -> str:
        return f"Plan v{self.version} for {self.patient_id} ({self.status})"

    @property
    def route_label(self) -> str:
        return ROUTE_LABELS[Route(self.route)]


class Room(models.Model):
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="rooms")
    name = models.CharField(max_length=100)
    capacity = models.PositiveSmallIntegerField(default=1)
    equipment_notes = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["clinic", "name"], name="room_name_once")]

    def __str__(self) -> str:
        return self.name


class ClinicSchedule(models.Model):
    """When the clinic books sessions; all local choices the clinic sets."""

    clinic = models.OneToOneField(Clinic, on_delete=models.CASCADE, related_name="schedule")
    #: weekdays 0 (Monday) to 6 (Sunday)
    open_weekdays = models.JSONField(default=list)
    #: ISO dates the clinic is closed
    closed_dates = models.JSONField(default=list)
    preferred_time = models.TimeField(default=time(9, 0))
    #: hours before an appointment that reminders go out
    reminder_hours = models.JSONField(default=list)
    fasting_hours = models.PositiveSmallIntegerField(default=4)

    def __str__(self) -> str:
        return f"Schedule of {self.clinic_id}"


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", "Booked"
    CANCELLED = "cancelled", "Cancelled"
    NO_SHOW = "no_show", "No-show"
    COMPLETED = "completed", "Completed"


class Appointment(models.Model):
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="appointments")
    plan = models.ForeignKey(
        TreatmentPlanRecord,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appointments",
    )
    kind = models.CharField(max_length=16, choices=KIND_CHOICES)
    dose_number = models.PositiveSmallIntegerField(null=True, blank=True)
    room = models.ForeignKey(
        Room, null=True, blank=True, on_delete=models.PROTECT, related_name="appointments"
    )
    staff = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.PROTECT, related_name="appointments"
    )
    start = models.DateTimeField()
    end = models.DateTimeField()
    status = models.CharField(
        max_length=12, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED
    )
    cancel_reason = models.TextField(blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    late_cancellation = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["start"]
        indexes = [
            models.Index(fields=["clinic", "start"]),
            models.Index(fields=["patient", "start"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.start:%Y-%m-%d %H:%M}"


class AppointmentReminder(models.Model):
    """One reminder sent: inserting the row claims it, so a reminder goes out once."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="reminders")
    hours_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["appointment", "hours_before"], name="reminder_once_per_offset"
            )
        ]

    def __str__(self) -> str:
        return f"Reminder {self.hours_before} h before {self.appointment_id}"


class CalendarFeed(models.Model):
    """A secret iCalendar URL for one person; only the token's hash is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Calendar feed of {self.user_id}"


class PreparationTemplate(models.Model):
    """A clinic's own checklist items for a route; without one, kapcare's defaults apply.

    ``items``: [{"key", "label", "critical"}]; keys fasting, medication, escort,
    no_driving and intention have their own inputs, any other key is a plain tick.
    """

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    route = models.CharField(max_length=32, choices=ROUTE_CHOICES)
    revision = models.PositiveIntegerField()
    items = models.JSONField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "route", "revision"], name="prep_template_revision_once"
            )
        ]

    def __str__(self) -> str:
        return f"Preparation for {self.route} r{self.revision}"


class PreparationChecklist(models.Model):
    """What the patient does before one dosing session."""

    appointment = models.OneToOneField(
        Appointment, on_delete=models.CASCADE, related_name="checklist"
    )
    medication_instructions = models.TextField(blank=True)
    escort_name = models.CharField(max_length=200, blank=True)
    escort_phone = models.CharField(max_length=40, blank=True)
    intention = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Preparation for appointment {self.appointment_id}"


class ChecklistItem(models.Model):
    """One item: who confirmed it and when; a nurse re-confirms critical items at check-in."""

    checklist = models.ForeignKey(
        PreparationChecklist, on_delete=models.CASCADE, related_name="items"
    )
    key = models.CharField(max_length=40)
    label = models.TextField()
    critical = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField()
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    checked_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["checklist", "key"], name="checklist_item_once")
        ]

    def __str__(self) -> str:
        return self.key


class PreparationNote(AppendOnlyModel):
    """The therapist's preparation-session note: signed when written, never edited."""

    append_only_message = "A signed preparation note is never edited; write a new one."

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="preparation_notes")
    appointment = models.ForeignKey(
        Appointment, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    expectations = models.TextField()
    fears = models.TextField(blank=True)
    intention = models.TextField(blank=True)
    practice_taught = models.TextField(blank=True)
    safety_plan = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-signed_at"]

    def __str__(self) -> str:
        return f"Preparation note {self.pk}"


class ReassessmentRecord(models.Model):
    """The decision after induction, why, and what kapcare suggested; never edited."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="reassessments")
    plan = models.ForeignKey(TreatmentPlanRecord, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(max_length=12)
    reason = models.TextField()
    maintenance_spacing_days = models.PositiveSmallIntegerField(null=True, blank=True)
    suggested = models.CharField(max_length=12, blank=True)
    #: [{instrument, baseline, current}] as compared on the page
    scores = models.JSONField(default=list)
    sessions_given = models.PositiveSmallIntegerField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-decided_at"]

    def __str__(self) -> str:
        return f"Reassessment {self.decision} for {self.patient_id}"
