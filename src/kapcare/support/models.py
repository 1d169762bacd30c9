"""Support persons: people a patient has named to help them (escort, check-ins)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone


class Grant(models.TextChoices):
    """What a patient may let one support person see; nothing else is ever shown to them."""

    APPOINTMENTS = "appointments", "My upcoming dosing appointments (for escort duty)"
    ESCORT = "escort", "Escort instructions (what to bring, pickup, whom to call)"
    EDUCATION = "education", "Education pages for support persons"
    CHECKINS = "checkins", "After-session check-in prompts"


#: the model field that stores each grant
GRANT_FIELDS: dict[str, str] = {
    Grant.APPOINTMENTS: "can_see_appointments",
    Grant.ESCORT: "can_see_escort",
    Grant.EDUCATION: "can_see_education",
    Grant.CHECKINS: "can_get_checkins",
}


class GrantsMixin(models.Model):
    can_see_appointments = models.BooleanField(default=False)
    can_see_escort = models.BooleanField(default=False)
    can_see_education = models.BooleanField(default=False)
    can_get_checkins = models.BooleanField(default=False)

    class Meta:
        abstract = True

    @property
    def grants(self) -> frozenset[str]:
        return frozenset(g for g, f in GRANT_FIELDS.items() if getattr(self, f))

    def grant_labels(self) -> list[str]:
        return [str(Grant(g).label) for g in Grant.values if g in self.grants]


class SupportRelationship(GrantsMixin):
    """Links a support person's account to the patient they support.

    What the support person may see is chosen by the patient (the ``can_*`` grants);
    until they share something, the link alone reveals nothing of the record.
    A revoked link (``revoked_at``) shows nothing at all, effective at once.
    """

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="supporters"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="supporting"
    )
    relationship = models.CharField(max_length=60)
    phone = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["patient", "user"], name="support_link_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} supports {self.patient}"


class SupportInvitation(GrantsMixin):
    """A patient's one-time, expiring invitation to a support person.

    Separate from staff and patient invitations (``accounts.Invitation``) because it
    carries the patient's choices of what the person may see, and is sent by the patient.
    """

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="support_invitations"
    )
    full_name = models.CharField(max_length=200)
    relationship = models.CharField(max_length=60)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    link = models.ForeignKey(
        SupportRelationship, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Support invitation for {self.full_name}"

    def is_usable(self, now: Any = None) -> bool:
        now = now or timezone.now()
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > now


class EscortConfirmation(models.Model):
    """A support person's promise to take the patient home after a dosing session.

    ``appointment`` is the booked dosing appointment they will escort (a session exists
    only once the nurse opens it; the promise comes before). Blank means "the next
    session, once it is booked"; ``session_date`` keeps the date for display. The
    readiness gate shows these rows; ``pickup_confirmed_at`` is set when the support
    person, at the clinic, confirms they are collecting the patient at discharge.
    """

    relationship = models.ForeignKey(
        SupportRelationship, on_delete=models.CASCADE, related_name="escort_confirmations"
    )
    appointment = models.ForeignKey(
        "treatment.Appointment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="escort_confirmations",
    )
    session_date = models.DateField(null=True, blank=True)
    confirmed_at = models.DateTimeField(default=timezone.now)
    pickup_confirmed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-confirmed_at"]

    def __str__(self) -> str:
        return f"Escort by {self.relationship.user_id} on {self.session_date or 'next session'}"
