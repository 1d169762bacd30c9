"""Forms for signing in, two-factor verification, invitations and API tokens."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm

from kapcare.accounts.models import Clinic, Role, TokenScope


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email",
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    error_messages = {
        # The same words whether or not the account exists, so sign-in reveals nothing.
        "invalid_login": "Email or password is incorrect. Check both and try again.",
        "inactive": "Email or password is incorrect. Check both and try again.",
    }

    def clean_username(self) -> str:
        # Addresses are stored in lower case; django-axes counts failures on this cleaned
        # value, so "Admin@…" and "admin@…" share one lockout counter.
        return str(self.cleaned_data["username"]).strip().lower()


class TokenForm(forms.Form):
    token = forms.CharField(
        label="Six-digit code or recovery code",
        min_length=6,
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        help_text="Open your authenticator app and enter the code shown for kapcare.",
    )

    def clean_token(self) -> str:
        return str(self.cleaned_data["token"]).replace(" ", "").strip()


class EnrolForm(forms.Form):
    token = forms.RegexField(
        label="Six-digit code from your app",
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": "Enter the 6 digits your authenticator app shows."},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class StepUpPasswordForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class SetPasswordForm(forms.Form):
    full_name = forms.CharField(label="Your full name", max_length=200)
    password1 = forms.CharField(
        label="Choose a password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 12 characters; not a common password.",
    )
    password2 = forms.CharField(
        label="Type the password again",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "The two passwords do not match.")
        elif p1:
            try:
                password_validation.validate_password(p1, self.user)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class ExistingAccountForm(forms.Form):
    password = forms.CharField(
        label="Your current kapcare password",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class StaffInviteForm(forms.Form):
    full_name = forms.CharField(label="Full name", max_length=200)
    email = forms.EmailField(label="Email")
    role = forms.ChoiceField(label="Role", choices=[("", "Choose a role"), *Role.choices])


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="Token name", max_length=100, help_text="What will use it, e.g. 'Lab results feed'."
    )
    scope = forms.ChoiceField(label="Access", choices=TokenScope.choices)
    days = forms.IntegerField(
        label="Valid for (days)",
        min_value=1,
        max_value=365,
        initial=90,
        help_text="Between 1 and 365 days.",
    )


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form, sending its email through the task worker after commit."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        from django.template import loader

        from kapcare.core.tasks import send_email_after_commit

        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        send_email_after_commit([to_email], subject, body)


class ClinicSettingsForm(forms.ModelForm):
    class Meta:
        model = Clinic
        fields = ("name", "time_zone", "phone", "crisis_line_text")
        labels = {"crisis_line_text": "Crisis resources shown to patients"}
        help_texts = {
            "time_zone": "An IANA name such as America/Denver; appointments and times show in it.",
            "crisis_line_text": (
                "Shown on every patient page and with any safety alert. Name local crisis lines."
            ),
        }
        widgets = {"crisis_line_text": forms.Textarea(attrs={"rows": 4})}
