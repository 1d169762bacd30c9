"""The patient record and the care team around it."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from kapcare.accounts.models import Clinic, Membership
from kapcare.clinical.journey import LABELS, JourneyStatus


class Status(models.TextChoices):
    REFERRED = JourneyStatus.REFERRED.value, LABELS[JourneyStatus.REFERRED]
    SCREENING = JourneyStatus.SCREENING.value, LABELS[JourneyStatus.SCREENING]
    ELIGIBLE = JourneyStatus.ELIGIBLE.value, LABELS[JourneyStatus.ELIGIBLE]
    NOT_ELIGIBLE = JourneyStatus.NOT_ELIGIBLE.value, LABELS[JourneyStatus.NOT_ELIGIBLE]
    ACTIVE = JourneyStatus.ACTIVE.value, LABELS[JourneyStatus.ACTIVE]
    MAINTENANCE = JourneyStatus.MAINTENANCE.value, LABELS[JourneyStatus.MAINTENANCE]
    COMPLETED = JourneyStatus.COMPLETED.value, LABELS[JourneyStatus.COMPLETED]
    DISCONTINUED = JourneyStatus.DISCONTINUED.value, LABELS[JourneyStatus.DISCONTINUED]


class SexAtBirth(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    INTERSEX = "intersex", "Intersex"
    UNKNOWN = "unknown", "Prefer not to say"


class Patient(models.Model):
    """A person in care at one clinic. Status changes only through ``patients.services``."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="patients")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="patient_record",
    )
    mrn = models.CharField("medical record number", max_length=32)
    given_name = models.CharField("legal first name", max_length=100)
    family_name = models.CharField("legal last name", max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    pronouns = models.CharField(max_length=40, blank=True)
    date_of_birth = models.DateField()
    sex_at_birth = models.CharField(max_length=16, choices=SexAtBirth.choices, blank=True)
    gender_identity = models.CharField(max_length=60, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    address = models.TextField(blank=True)
    emergency_contact_name = models.CharField(max_length=200, blank=True)
    emergency_contact_relationship = models.CharField(max_length=60, blank=True)
    emergency_contact_phone = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.REFERRED)
    status_changed_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    #: incremented on every write; a stale form or API client gets a conflict, not an overwrite
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["clinic", "mrn"], name="patient_mrn_unique_per_clinic")
        ]
        indexes = [
            models.Index(fields=["clinic", "family_name", "given_name"], name="patient_name_idx"),
            models.Index(fields=["clinic", "status"], name="patient_status_idx"),
        ]
        ordering = ["family_name", "given_name", "id"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        first = self.preferred_name or self.given_name
        return f"{first} {self.family_name}"

    @property
    def legal_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    def age_on(self, day: dt.date) -> int:
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class TeamRole(models.TextChoices):
    PRESCRIBER = "prescriber_of_record", "Prescriber of record"
    THERAPIST = "primary_therapist", "Primary therapist"
    NURSE = "nurse", "Nurse"


class CareTeamMember(models.Model):
    """A staff member of the patient's clinic assigned to their care."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="care_team")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="care_of")
    team_role = models.CharField(max_length=32, choices=TeamRole.choices)
    assigned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "membership", "team_role"], name="care_team_no_duplicates"
            )
        ]
        ordering = ["team_role", "id"]

    def __str__(self) -> str:
        return f"{self.membership.user} ({self.get_team_role_display()})"


class StatusChange(models.Model):
    """History of journey transitions: who moved the patient, when, and why."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="status_history")
    from_status = models.CharField(max_length=16, choices=Status.choices)
    to_status = models.CharField(max_length=16, choices=Status.choices)
    transition = models.CharField(max_length=40)
    reason = models.TextField(blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class NoteVisibility(models.TextChoices):
    CLINIC = "clinic", "Clinical staff of the clinic"
    CARE_TEAM = "care_team", "Care team only"


class ChartNote(models.Model):
    """A signed clinical note. Never edited: a correction is a new note that amends it."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="notes")
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    title = models.CharField(max_length=200)
    body = models.TextField()
    visibility = models.CharField(
        max_length=16, choices=NoteVisibility.choices, default=NoteVisibility.CLINIC
    )
    amends = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="amendments"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["patient", "-created_at"], name="note_patient_idx")]

    def __str__(self) -> str:
        return self.title
