"""Signing in unlocks a witness: it proves the password, through the sign-in lockout."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from kapcare.controlled.models import WitnessPasswordFailure


@receiver(user_logged_in)
def clear_witness_failures(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    # Only the rows naming this person as witness: the asker's own failures must not
    # clear by signing in again, or a colleague's count could be reset the same way.
    WitnessPasswordFailure.objects.filter(witness=user).delete()
