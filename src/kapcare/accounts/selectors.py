"""Reads about people and their clinics."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

from kapcare.accounts.actors import PATIENT_ROLE, SUPPORT_ROLE, Actor
from kapcare.accounts.models import Membership, UserKind

CLINIC_SESSION_KEY = "kapcare_clinic_id"


def active_memberships(user: Any) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user, is_active=True, clinic__isnull=False)
        .select_related("clinic")
        .order_by("clinic__name")
    )


def resolve_actor(request: HttpRequest) -> Actor | None:
    """The person behind the request, in the clinic they chose (or their first clinic)."""
    user = request.user
    if not user.is_authenticated:
        return None
    if user.kind == UserKind.PATIENT:
        from kapcare.patients.models import Patient

        patient = Patient.objects.select_related("clinic").filter(user=user).first()
        return Actor(
            user=user,
            clinic=patient.clinic if patient else None,
            role=PATIENT_ROLE if patient else None,
            patient=patient,
        )
    if user.kind == UserKind.SUPPORT:
        return Actor(user=user, clinic=None, role=SUPPORT_ROLE)
    memberships = list(active_memberships(user))
    if not memberships:
        return Actor(user=user, clinic=None, role=None)
    chosen_id = request.session.get(CLINIC_SESSION_KEY)
    membership = next((m for m in memberships if m.clinic_id == chosen_id), memberships[0])
    actor = Actor(
        user=user,
        clinic=membership.clinic,
        role=membership.role,
        membership=membership,
    )
    request._kapcare_memberships = memberships  # type: ignore[attr-defined]
    return actor
