"""Reads for patient pages; each returns a queryset with what the page needs preloaded."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from kapcare.accounts.actors import Actor
from kapcare.accounts.policy import my_patients_filter, patients_for
from kapcare.patients.models import CareTeamMember, Patient


def care_team_prefetch() -> Prefetch[Any]:
    return Prefetch(
        "care_team",
        queryset=CareTeamMember.objects.select_related("membership__user").order_by(
            "team_role", "id"
        ),
    )


def patient_search(
    actor: Actor, *, q: str = "", status: str = "", mine: bool = False
) -> QuerySet[Patient]:
    patients = patients_for(actor)
    q = q.strip()
    if q:
        # Every word must match some part of the name; or the whole text is the MRN.
        names = Q()
        for term in q.split()[:4]:
            names &= (
                Q(family_name__icontains=term)
                | Q(given_name__icontains=term)
                | Q(preferred_name__icontains=term)
            )
        patients = patients.filter(names | Q(mrn__iexact=q))
    if status:
        patients = patients.filter(status=status)
    if mine and actor.membership is not None:
        patients = patients.filter(my_patients_filter(actor))
    return patients.prefetch_related(care_team_prefetch()).order_by(
        "family_name", "given_name", "id"
    )
