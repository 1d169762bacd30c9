"""Forms for the journal (and, below, the integration plan and notes)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from kapcare.integration.models import Feeling, Frequency, Practice, SideEffect, Stage
from kapcare.integration.sessions import session_choices

_MOOD_WORDS = {0: " — very low", 5: " — okay", 10: " — very good"}
MOOD_CHOICES = [("", "Choose…")] + [(str(n), f"{n}{_MOOD_WORDS.get(n, '')}") for n in range(11)]


class JournalEntryForm(forms.Form):
    """One entry; ``mood`` and ``body`` are checked by the service when saving, not for drafts."""

    body = forms.CharField(
        label="Your entry",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    mood = forms.TypedChoiceField(
        label="Your mood right now (0 very low – 10 very good)",
        choices=MOOD_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
    )
    tags = forms.CharField(
        label="Tags",
        required=False,
        max_length=400,
        help_text="Words to find this entry again, separated by commas, e.g. sleep, family.",
    )
    session = forms.TypedChoiceField(
        label="The session this is about",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Not about a particular session")],
        help_text="Choose one of your recent dosing sessions, or leave it if this is about "
        "something else.",
    )
    share = forms.BooleanField(label="Share this entry with my care team", required=False)
    stage = forms.ChoiceField(choices=Stage.choices, widget=forms.HiddenInput, required=False)
    prompt = forms.CharField(widget=forms.HiddenInput, required=False, max_length=300)

    def __init__(self, *args: Any, sessions: Sequence[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["session"].choices = session_choices(  # type: ignore[attr-defined]
            list(sessions), "Not about a particular session"
        )

    def clean_stage(self) -> str:
        return self.cleaned_data.get("stage") or Stage.ANY_DAY


class PlanItemForm(forms.Form):
    practice = forms.ModelChoiceField(
        label="Practice", queryset=Practice.objects.none(), empty_label="Choose a practice"
    )
    frequency = forms.ChoiceField(
        label="How often", choices=[("", "Choose how often"), *Frequency.choices]
    )
    note = forms.CharField(
        label="A word for the patient",
        required=False,
        max_length=300,
        help_text="For example: after breakfast, with the breathing recording.",
    )

    def __init__(self, *args: Any, clinic_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from kapcare.integration.plans import library_for

        self.fields["practice"].queryset = library_for(clinic_id)  # type: ignore[attr-defined]


#: notes offered as the one a new note corrects: a patient's notes grow for years
CORRECTABLE_NOTES = 50


class IntegrationNoteForm(forms.Form):
    session = forms.TypedChoiceField(
        label="The dosing session this follows",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Not linked to a session")],
    )
    what_came_up = forms.CharField(label="What came up", widget=forms.Textarea(attrs={"rows": 4}))
    themes = forms.CharField(
        label="Themes", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    insights = forms.CharField(
        label="Insights", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    wants_to_change = forms.CharField(
        label="What the patient wants to change",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    practices_agreed = forms.CharField(
        label="Practices agreed", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    risks = forms.CharField(label="Risks", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    amends = forms.TypedChoiceField(
        label="This note corrects",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Nothing: a new note")],
        help_text=f"The latest {CORRECTABLE_NOTES} notes, newest first. Signed notes are never "
        "changed; a correction is a new note that names it. To correct an older note, leave "
        "this as “Nothing: a new note” and say in the note which one (its date and author) "
        "it corrects.",
        error_messages={
            "invalid_choice": f"Choose one of the notes listed: the latest {CORRECTABLE_NOTES} "
            "of this patient."
        },
    )

    def __init__(
        self, *args: Any, notes: Sequence[Any] = (), sessions: Sequence[Any] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["session"].choices = session_choices(  # type: ignore[attr-defined]
            list(sessions), "Not linked to a session"
        )
        # only the notes offered can be corrected: the view passes the patient's latest
        self.fields["amends"].choices = [  # type: ignore[attr-defined]
            ("", "Nothing: a new note"),
            *[
                (n.pk, f"Note of {n.signed_at:%d %b %Y} by {n.author.full_name}")
                for n in list(notes)[:CORRECTABLE_NOTES]
            ],
        ]


class CheckInForm(forms.Form):
    feeling = forms.ChoiceField(
        label="How are you feeling today?", choices=Feeling.choices, widget=forms.RadioSelect
    )
    side_effects = forms.MultipleChoiceField(
        label="Have you noticed any of these since the session?",
        choices=SideEffect.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_effects = forms.CharField(
        label="Anything else you noticed", required=False, max_length=300
    )
    worrying = forms.CharField(
        label="Is anything worrying you?", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    harm_thoughts = forms.TypedChoiceField(
        label="Since your session, have you had thoughts that you would be better off dead, "
        "or of hurting yourself?",
        choices=[("no", "No"), ("yes", "Yes")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    wants_integration_booking = forms.BooleanField(
        label="I would like the clinic to contact me to book my integration session",
        required=False,
    )
