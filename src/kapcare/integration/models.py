"""Integration: the patient's journal, its guided prompts, practices and integration notes."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone


class Stage(models.TextChoices):
    """When an entry is written, relative to the dosing session it follows."""

    EVENING = "evening", "The evening of a session"
    NEXT_DAY = "next_day", "The day after a session"
    WEEK_LATER = "week_later", "A week after a session"
    ANY_DAY = "any_day", "Any day"


class JournalPrompt(models.Model):
    """A guided question offered at one stage.

    Prompts without a clinic are the defaults we write (data migration); a clinic's
    own active prompts for a stage replace the defaults for that stage.
    """

    clinic = models.ForeignKey(
        "accounts.Clinic", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    stage = models.CharField(max_length=16, choices=Stage.choices)
    text = models.CharField(max_length=300)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["stage", "position", "id"]

    def __str__(self) -> str:
        return self.text


class JournalEntry(models.Model):
    """One journal entry, private to the patient until they share it.

    ``session`` is the dosing session the entry follows, chosen by the patient from
    their own sessions; ``session_date`` keeps its (clinic-local) date for display and
    for entries written before sessions were recorded. A draft (``is_draft``) is the
    patient's one unfinished entry, saved as they type so that it survives a sign-out.
    """

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="journal_entries"
    )
    body = models.TextField(blank=True)
    mood = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(10)]
    )
    tags = models.JSONField(default=list, blank=True)
    stage = models.CharField(max_length=16, choices=Stage.choices, default=Stage.ANY_DAY)
    prompt = models.CharField(max_length=300, blank=True)
    session = models.ForeignKey(
        "dosing.DosingSession",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="journal_entries",
    )
    session_date = models.DateField(null=True, blank=True)
    is_draft = models.BooleanField(default=True)
    shared_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["patient", "is_draft", "created_at"], name="journal_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(mood__isnull=True) | models.Q(mood__lte=10),
                name="journal_mood_0_10",
            ),
            models.UniqueConstraint(
                fields=["patient"], condition=models.Q(is_draft=True), name="journal_one_draft"
            ),
        ]

    def __str__(self) -> str:
        return f"Journal entry {self.pk} of {self.patient_id}"

    @property
    def is_shared(self) -> bool:
        return self.shared_at is not None


class PracticeCategory(models.TextChoices):
    MINDFULNESS = "mindfulness", "Mindfulness and breathing"
    CREATIVE = "creative", "Creative work"
    MOVEMENT = "movement", "Movement"
    NATURE = "nature", "Time in nature"
    SELF_CARE = "self_care", "Self-care routines"


class Practice(models.Model):
    """A practice in the library. Rows without a clinic are our defaults (data migration);
    a clinic adds its own, and may retire any of its own with ``is_active``."""

    clinic = models.ForeignKey(
        "accounts.Clinic", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    category = models.CharField(max_length=16, choices=PracticeCategory.choices)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["category", "name"]

    def __str__(self) -> str:
        return self.name


class Frequency(models.TextChoices):
    DAILY = "daily", "Every day"
    MOST_DAYS = "most_days", "Most days (5 a week)"
    FEW_TIMES = "few_times", "A few times a week (3)"
    WEEKLY = "weekly", "Once a week"


#: how many check-offs a week each frequency asks for
TARGET_PER_WEEK: dict[str, int] = {
    Frequency.DAILY: 7,
    Frequency.MOST_DAYS: 5,
    Frequency.FEW_TIMES: 3,
    Frequency.WEEKLY: 1,
}


class PlanItem(models.Model):
    """One practice in the patient's integration plan, with how often to do it."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="plan_items"
    )
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    frequency = models.CharField(max_length=16, choices=Frequency.choices)
    note = models.CharField(max_length=300, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["assigned_at", "id"]

    def __str__(self) -> str:
        return f"{self.practice} ({self.get_frequency_display()})"

    @property
    def target_per_week(self) -> int:
        return TARGET_PER_WEEK[self.frequency]


class PracticeCheck(models.Model):
    """The patient did this practice on this (local) day."""

    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="checks")
    done_on = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["done_on"]
        constraints = [
            models.UniqueConstraint(fields=["item", "done_on"], name="practice_check_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.item_id} on {self.done_on}"


class IntegrationNote(models.Model):
    """A therapist's signed note of an integration session; never edited.

    A correction is a new note with ``amends`` set. ``session`` is the dosing session
    the integration session follows; ``session_date`` keeps its date for display.
    """

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="integration_notes"
    )
    clinic = models.ForeignKey("accounts.Clinic", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    session = models.ForeignKey(
        "dosing.DosingSession",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="integration_notes",
    )
    session_date = models.DateField(null=True, blank=True)
    what_came_up = models.TextField()
    themes = models.TextField(blank=True)
    insights = models.TextField(blank=True)
    wants_to_change = models.TextField(blank=True)
    practices_agreed = models.TextField(blank=True)
    risks = models.TextField(blank=True)
    amends = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="amendments"
    )
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-signed_at", "-id"]

    def __str__(self) -> str:
        return f"Integration note {self.pk} for {self.patient_id}"


class FollowUpForm(models.TextChoices):
    """The one form a follow-up link opens; a link never opens any other."""

    CHECKIN = "checkin", "After-session check-in"


class FollowUpLink(models.Model):
    """A one-time, expiring link that opens one form without a password.

    Issued automatically when a dosing session ends in discharge (``session``), or by
    staff from the chart. The check-in answered through it belongs to that session.
    Only a hash of the link's secret is stored.
    """

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="followup_links"
    )
    form = models.CharField(max_length=16, choices=FollowUpForm.choices)
    session = models.ForeignKey(
        "dosing.DosingSession",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="followup_links",
    )
    session_date = models.DateField(null=True, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_form_display()} link for {self.patient_id}"


class Feeling(models.TextChoices):
    GOOD = "good", "Good"
    OKAY = "okay", "Okay"
    LOW = "low", "Low"
    STRUGGLING = "struggling", "I am struggling"


class SideEffect(models.TextChoices):
    DROWSINESS = "drowsiness", "Drowsiness"
    DIZZINESS = "dizziness", "Dizziness"
    DETACHED = "detached", "Feeling detached or unreal"
    NAUSEA = "nausea", "Nausea"


class CheckIn(models.Model):
    """The patient's answers to an after-session check-in; never edited."""

    link = models.OneToOneField(FollowUpLink, on_delete=models.PROTECT, related_name="checkin")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    feeling = models.CharField(max_length=16, choices=Feeling.choices)
    side_effects = models.JSONField(default=list, blank=True)
    other_effects = models.CharField(max_length=300, blank=True)
    worrying = models.TextField(blank=True)
    harm_thoughts = models.BooleanField()
    wants_integration_booking = models.BooleanField(default=False)
    needs_review = models.BooleanField(default=False)
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return f"Check-in {self.pk} of {self.patient_id}"

    def side_effect_labels(self) -> list[str]:
        return [str(SideEffect(v).label) for v in self.side_effects if v in SideEffect.values]
