"""Writes about support persons: invitations, accepting them, grants, revocation, escort duty.

Each function is atomic and writes its audit row in the same transaction. Only the
patient changes who supports them and what each person sees.
"""

from __future__ import annotations

import datetime as dt
import secrets
import zoneinfo
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from kapcare.accounts.actors import Actor
from kapcare.accounts.models import User, UserKind, hash_token
from kapcare.audit.models import Action
from kapcare.audit.services import record
from kapcare.core.tasks import send_email_after_commit
from kapcare.support.models import (
    GRANT_FIELDS,
    EscortConfirmation,
    Grant,
    SupportInvitation,
    SupportRelationship,
)

INVITATION_DAYS = 7


class SupportError(ValueError):
    """A support-person change cannot be made; the message says why ("field: reason")."""


def _check_grants(grants: Iterable[str]) -> set[str]:
    chosen = set(grants)
    unknown = chosen - set(Grant.values)
    if unknown:
        raise SupportError(
            f"grants: {', '.join(sorted(unknown))} is not allowed; "
            f"choose from {', '.join(Grant.values)}"
        )
    return chosen


def _apply_grants(target: Any, grants: set[str]) -> None:
    for grant, field in GRANT_FIELDS.items():
        setattr(target, field, grant in grants)


def accept_link(raw: str) -> str:
    return settings.KAPCARE_BASE_URL + reverse("support:accept", args=[raw])


@transaction.atomic
def support_invite(
    *,
    actor: Actor,
    full_name: str,
    relationship: str,
    email: str = "",
    phone: str = "",
    grants: Iterable[str] = (),
    now: dt.datetime | None = None,
) -> tuple[SupportInvitation, str]:
    """The patient invites someone; returns the invitation and its one-time raw token."""
    patient = actor.patient
    if patient is None:
        raise SupportError("patient: only a patient invites their support persons")
    email = email.strip().lower()
    if not email and not phone.strip():
        raise SupportError("email: give an email address or a phone number")
    if email and User.objects.filter(email=email).exclude(kind=UserKind.SUPPORT).exists():
        raise SupportError(
            "email: that address belongs to a staff or patient account; use another address"
        )
    if (
        email
        and SupportRelationship.objects.filter(
            patient=patient, user__email=email, revoked_at__isnull=True
        ).exists()
    ):
        raise SupportError(f"email: {email} already supports you")
    chosen = _check_grants(grants)
    now = now or timezone.now()
    raw = secrets.token_urlsafe(32)
    invitation = SupportInvitation(
        patient=patient,
        full_name=full_name.strip(),
        relationship=relationship.strip(),
        email=email,
        phone=phone.strip(),
        token_hash=hash_token(raw),
        created_at=now,
        expires_at=now + dt.timedelta(days=INVITATION_DAYS),
    )
    _apply_grants(invitation, chosen)
    invitation.save()
    record(
        Action.INVITE,
        actor=actor,
        patient=patient,
        obj=invitation,
        detail={"grants": sorted(chosen), "by_email": bool(email)},
    )
    if email:
        context = {
            "invitation": invitation,
            "patient_name": patient.preferred_name or patient.given_name,
            "clinic": patient.clinic,
            "link": accept_link(raw),
            "days": INVITATION_DAYS,
        }
        subject = render_to_string("support/emails/invitation-subject.txt", context).strip()
        body = render_to_string("support/emails/invitation-body.txt", context)
        send_email_after_commit([email], subject, body)
    return invitation, raw


def support_invitation_for_token(raw: str) -> SupportInvitation | None:
    invitation = (
        SupportInvitation.objects.select_related("patient__clinic")
        .filter(token_hash=hash_token(raw))
        .first()
    )
    if invitation is None or not invitation.is_usable():
        return None
    return invitation


@transaction.atomic
def support_invitation_accept(
    *,
    invitation: SupportInvitation,
    email: str = "",
    full_name: str = "",
    password: str = "",
    existing_user: User | None = None,
) -> SupportRelationship:
    """Create (or reuse) the support account and link it to the patient, exactly once."""
    locked = SupportInvitation.objects.select_for_update().get(pk=invitation.pk)
    if not locked.is_usable():
        raise SupportError("This invitation has already been used, was withdrawn or has expired.")
    if existing_user is not None:
        if existing_user.kind != UserKind.SUPPORT:
            raise SupportError(
                "email: this address has a kapcare account of another kind; use another address"
            )
        user = existing_user
    else:
        email = (locked.email or email).strip().lower()
        if not email:
            raise SupportError("email: an email address is needed to sign in")
        if User.objects.filter(email=email).exists():
            raise SupportError("email: an account with this address exists; sign in to accept")
        user = User.objects.create_user(
            email, password, full_name=full_name or locked.full_name, kind=UserKind.SUPPORT
        )
    link, _ = SupportRelationship.objects.get_or_create(
        patient=locked.patient, user=user, defaults={"relationship": locked.relationship}
    )
    link.relationship = locked.relationship
    link.phone = locked.phone
    link.revoked_at = None
    link.updated_at = timezone.now()
    _apply_grants(link, set(locked.grants))
    link.save()
    locked.accepted_at = timezone.now()
    locked.link = link
    locked.save(update_fields=["accepted_at", "link"])
    record(
        Action.CREATE,
        user=user,
        patient=locked.patient,
        obj=link,
        detail={"accepted": True, "grants": sorted(link.grants)},
    )
    return link


@transaction.atomic
def support_invitation_withdraw(*, actor: Actor, invitation: SupportInvitation) -> None:
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    record(Action.REVOKE, actor=actor, patient=invitation.patient, obj=invitation)


@transaction.atomic
def support_grants_update(
    *, actor: Actor, link: SupportRelationship, grants: Iterable[str]
) -> SupportRelationship:
    """Change what one support person sees; effective on their next page."""
    chosen = _check_grants(grants)
    before = sorted(link.grants)
    _apply_grants(link, chosen)
    link.updated_at = timezone.now()
    link.save()
    record(
        Action.UPDATE,
        actor=actor,
        patient=link.patient,
        obj=link,
        detail={"grants_before": before, "grants": sorted(chosen)},
    )
    return link


@transaction.atomic
def support_access_revoke(*, actor: Actor, link: SupportRelationship) -> None:
    """End a support person's access at once; their pages show nothing of the patient."""
    link.revoked_at = timezone.now()
    _apply_grants(link, set())
    link.save()
    record(Action.REVOKE, actor=actor, patient=link.patient, obj=link)


def _escortable(link: SupportRelationship, appointment: Any) -> dt.date:
    """The appointment's local date, if this support person may act on it; else refused."""
    from kapcare.support.sessions import clinic_day_start, escortable_appointments

    if Grant.APPOINTMENTS not in link.grants:
        raise ValidationError("The patient has not shared their appointments with you.")
    zone = zoneinfo.ZoneInfo(link.patient.clinic.time_zone)
    today = clinic_day_start(link.patient.clinic, timezone.now())
    if (
        appointment.patient_id != link.patient_id
        or not escortable_appointments([link.patient_id], today).filter(pk=appointment.pk).exists()
    ):
        raise ValidationError({"appointment": ["Choose one of the upcoming dosing sessions."]})
    return appointment.start.astimezone(zone).date()


@transaction.atomic
def escort_confirm(
    *,
    actor: Actor,
    link: SupportRelationship,
    session_date: dt.date | None = None,
    appointment: Any = None,
) -> EscortConfirmation:
    """The support person confirms they will take the patient home after a session.

    With ``appointment``, the promise is for that booked dosing appointment (a promise
    made earlier for "the next session, once booked" is attached to it); without, it
    is for the next session once one is booked.
    """
    if Grant.APPOINTMENTS not in link.grants:
        raise ValidationError("The patient has not shared their appointments with you.")
    created = False
    if appointment is not None:
        session_date = _escortable(link, appointment)
        confirmation = (
            EscortConfirmation.objects.select_for_update()
            .filter(relationship=link, appointment=appointment, withdrawn_at=None)
            .first()
            or EscortConfirmation.objects.select_for_update()
            .filter(relationship=link, appointment=None, session_date=None, withdrawn_at=None)
            .first()
        )
        if confirmation is None:
            confirmation = EscortConfirmation(relationship=link)
            created = True
        confirmation.appointment = appointment
        confirmation.session_date = session_date
        confirmation.save()
    else:
        confirmation, created = EscortConfirmation.objects.get_or_create(
            relationship=link, appointment=None, session_date=session_date, withdrawn_at=None
        )
    record(
        Action.CREATE if created else Action.UPDATE,
        actor=actor,
        patient=link.patient,
        obj=confirmation,
        detail={
            "session_date": session_date.isoformat() if session_date else None,
            "appointment": appointment.pk if appointment is not None else None,
        },
    )
    return confirmation


@transaction.atomic
def pickup_confirm(
    *, actor: Actor, link: SupportRelationship, appointment: Any
) -> EscortConfirmation:
    """At discharge the support person confirms they are here to collect the patient.

    Only once the session's dose has ended (recovery or discharged); the nurse sees it
    beside the "escort present" criterion, which the nurse still ticks at the bedside.
    """
    from kapcare.support.sessions import pickup_open

    session_date = _escortable(link, appointment)
    if not pickup_open(appointment):
        raise ValidationError(
            "You can confirm pickup once the clinic says the session is in recovery."
        )
    confirmation = (
        EscortConfirmation.objects.select_for_update()
        .filter(relationship=link, appointment=appointment, withdrawn_at=None)
        .first()
    )
    created = confirmation is None
    if confirmation is None:
        confirmation = EscortConfirmation(
            relationship=link, appointment=appointment, session_date=session_date
        )
    if confirmation.pickup_confirmed_at is None:
        confirmation.pickup_confirmed_at = timezone.now()
    confirmation.save()
    record(
        Action.CREATE if created else Action.UPDATE,
        actor=actor,
        patient=link.patient,
        obj=confirmation,
        detail={"appointment": appointment.pk, "pickup": True},
    )
    return confirmation
