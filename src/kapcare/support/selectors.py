"""What the clinic sees of support persons' promises: escort duty and pickup, by appointment."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from kapcare.support.models import EscortConfirmation


def escort_confirmations_for(appointment: Any) -> list[EscortConfirmation]:
    """Live support persons' escort promises for one appointment, earliest first (one query).

    A promise from a support person whose access the patient ended is not shown.
    """
    return list(
        EscortConfirmation.objects.filter(
            appointment=appointment,
            withdrawn_at__isnull=True,
            relationship__revoked_at__isnull=True,
        )
        .select_related("relationship__user")
        .order_by("confirmed_at", "pk")
    )


def _when(moment: Any) -> str:
    local = timezone.localtime(moment)
    return f"{local.day} {local:%b %Y} at {local:%H:%M}"


def escort_confirmation_text(appointment: Any) -> str:
    """ "Confirmed by Casey Rivera (sibling) on 3 Dec 2026 at 09:12", or that nobody has."""
    confirmations = escort_confirmations_for(appointment)
    if not confirmations:
        return "Not confirmed by a support person."
    return " ".join(
        f"Confirmed by {c.relationship.user.full_name} ({c.relationship.relationship}) "
        f"on {_when(c.confirmed_at)}."
        for c in confirmations
    )


def pickup_confirmation_text(appointment: Any) -> str:
    """What the nurse sees beside "escort present" at discharge."""
    confirmations = [c for c in escort_confirmations_for(appointment) if c.pickup_confirmed_at]
    if not confirmations:
        return "No support person has said they are here yet."
    return " ".join(
        f"{c.relationship.user.full_name} ({c.relationship.relationship}) said at "
        f"{timezone.localtime(c.pickup_confirmed_at):%H:%M} they are here to take the patient home."
        for c in confirmations
    )
