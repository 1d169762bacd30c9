"""Support persons: people a patient has named to help them (escort, check-ins)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class SupportRelationship(models.Model):
    """Links a support person's account to the patient they support.

    What the support person may see is chosen by the patient; until they share
    something, the link alone reveals nothing of the record.
    """

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="supporters"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="supporting"
    )
    relationship = models.CharField(max_length=60)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["patient", "user"], name="support_link_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} supports {self.patient}"
