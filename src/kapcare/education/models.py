"""Patient education: a versioned library of pages, shown at the journey stage they fit."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Audience(models.TextChoices):
    PATIENT = "patient", "Patients"
    SUPPORT = "support", "Support persons"
    BOTH = "both", "Patients and support persons"


class EducationPage(models.Model):
    """One page of the library. Pages without a clinic are the defaults we write; a clinic's
    edit of a default creates its own page with the same slug, which then replaces it."""

    clinic = models.ForeignKey(
        "accounts.Clinic", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    slug = models.SlugField(max_length=80)
    audience = models.CharField(max_length=16, choices=Audience.choices, default=Audience.BOTH)
    #: journey statuses (patients.Status values) at which the page is suggested; empty = always
    stages = models.JSONField(default=list, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    is_published = models.BooleanField(default=True)
    current = models.ForeignKey(
        "EducationPageVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "slug"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "slug"], name="education_slug_per_clinic"),
            models.UniqueConstraint(
                fields=["slug"],
                condition=models.Q(clinic__isnull=True),
                name="education_default_slug",
            ),
        ]

    def __str__(self) -> str:
        return self.slug


class EducationPageVersion(models.Model):
    """One version of a page's text; versions are never edited, a change is a new version.

    ``body_html`` is the Markdown rendered and sanitised with nh3 when the version is made.
    """

    page = models.ForeignKey(EducationPage, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=300, blank=True)
    body = models.TextField()
    body_html = models.TextField()
    sources = models.CharField(
        max_length=200, blank=True, help_text="Source keys in the clinical reference, e.g. K10c."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["page", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["page", "number"], name="education_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.number})"


class ReadReceipt(models.Model):
    """A patient or support person opened a page; the care team sees patients' receipts."""

    page = models.ForeignKey(EducationPage, on_delete=models.CASCADE, related_name="receipts")
    version = models.ForeignKey(EducationPageVersion, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    patient = models.ForeignKey(
        "patients.Patient", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    first_read_at = models.DateTimeField(default=timezone.now)
    last_read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-last_read_at"]
        constraints = [
            models.UniqueConstraint(fields=["page", "user"], name="education_receipt_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.page_id}"
