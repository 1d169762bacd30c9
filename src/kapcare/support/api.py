"""Support persons in the JSON API: the patient's invitations and what each person may see."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from ninja import Status as Reply
from pydantic import ConfigDict, EmailStr, Field

from kapcare.accounts.policy import Perm, deny, get_patient
from kapcare.api.access import authorize
from kapcare.audit.models import Action
from kapcare.support import services
from kapcare.support.models import Grant, SupportInvitation, SupportRelationship

router = Router(tags=["support persons"])


class PersonOut(Schema):
    id: int
    full_name: str
    relationship: str
    grants: list[Grant]


class PendingOut(Schema):
    id: int
    full_name: str
    relationship: str
    grants: list[Grant]
    expires_at: dt.datetime


class PeopleOut(Schema):
    people: list[PersonOut]
    pending: list[PendingOut]


class InvitationIn(Schema):
    model_config = ConfigDict(extra="forbid")

    full_name: str = Field(min_length=1, max_length=200)
    relationship: str = Field(min_length=1, max_length=60)
    email: EmailStr | None = None
    phone: str = Field("", max_length=40)
    grants: list[Grant] = Field(default_factory=list)


class InvitationOut(PendingOut):
    accept_url: str = Field(description="Shown once: send it to the person")


class GrantsIn(Schema):
    model_config = ConfigDict(extra="forbid")

    grants: list[Grant]


def _patient(request: HttpRequest, audit: Action | None) -> tuple[Any, Any]:
    actor = authorize(request, Perm.PORTAL)
    patient = get_patient(
        actor, actor.patient.pk, Perm.PORTAL, audit=audit, object_type="support.people"
    )
    return actor, patient


def _person(link: SupportRelationship) -> dict[str, Any]:
    return {
        "id": link.pk,
        "full_name": link.user.full_name,
        "relationship": link.relationship,
        "grants": sorted(link.grants),
    }


def _pending(inv: SupportInvitation) -> dict[str, Any]:
    return {
        "id": inv.pk,
        "full_name": inv.full_name,
        "relationship": inv.relationship,
        "grants": sorted(inv.grants),
        "expires_at": inv.expires_at,
    }


@router.get(
    "/support/people", response=PeopleOut, url_name="support_people", summary="My support people"
)
def people(request: HttpRequest) -> dict[str, Any]:
    _, patient = _patient(request, Action.VIEW)
    links = SupportRelationship.objects.filter(
        patient=patient, revoked_at__isnull=True
    ).select_related("user")
    pending = SupportInvitation.objects.filter(
        patient=patient,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    )
    return {"people": [_person(x) for x in links], "pending": [_pending(i) for i in pending]}


@router.post(
    "/support/invitations",
    response={201: InvitationOut},
    url_name="support_invitation_create",
    summary="Invite a support person",
)
def invite(request: HttpRequest, payload: InvitationIn) -> Reply[dict[str, Any]]:
    actor, _ = _patient(request, None)
    try:
        invitation, raw = services.support_invite(
            actor=actor,
            full_name=payload.full_name,
            relationship=payload.relationship,
            email=str(payload.email or ""),
            phone=payload.phone,
            grants=[str(g) for g in payload.grants],
        )
    except services.SupportError as exc:
        field, _, message = str(exc).partition(": ")
        raise ValidationError({field: [message]}) from None
    return Reply(201, {**_pending(invitation), "accept_url": services.accept_link(raw)})


def _link(request: HttpRequest, link_id: int) -> tuple[Any, SupportRelationship]:
    actor, patient = _patient(request, None)
    link = (
        SupportRelationship.objects.select_related("user", "patient")
        .filter(pk=link_id, patient=patient, revoked_at__isnull=True)
        .first()
    )
    if link is None:
        deny(actor, Perm.PORTAL, object_type="support.supportrelationship", object_id=link_id)
        raise Http404("No such support person")
    return actor, link


@router.put(
    "/support/people/{link_id}/grants",
    response=PersonOut,
    url_name="support_grants",
    summary="Choose what a support person may see (replaces the previous choice)",
)
def set_grants(request: HttpRequest, link_id: int, payload: GrantsIn) -> dict[str, Any]:
    actor, link = _link(request, link_id)
    services.support_grants_update(actor=actor, link=link, grants=[str(g) for g in payload.grants])
    return _person(link)


@router.delete(
    "/support/people/{link_id}",
    response={204: None},
    url_name="support_revoke",
    summary="End a support person's access at once",
)
def revoke(request: HttpRequest, link_id: int) -> Reply[None]:
    actor, link = _link(request, link_id)
    services.support_access_revoke(actor=actor, link=link)
    return Reply(204, None)
