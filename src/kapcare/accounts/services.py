"""Writes about people: invitations, accepting them, API tokens and recovery codes."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, FilteredRelation, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from kapcare.accounts.actors import Actor
from kapcare.accounts.models import (
    Clinic,
    Invitation,
    InvitationKind,
    Membership,
    PersonalAccessToken,
    Role,
    TokenScope,
    User,
    UserKind,
    hash_token,
)
from kapcare.audit.models import Action
from kapcare.audit.services import record
from kapcare.core.tasks import send_email_after_commit

TOKEN_PREFIX = "kc_"  # noqa: S105 - the public token prefix, not a secret
RECOVERY_CODE_COUNT = 10


class InvitationError(ValueError):
    """An invitation cannot be created or accepted; the message says why."""


def _send_invitation(invitation: Invitation, raw_token: str) -> None:
    context = {
        "invitation": invitation,
        "link": settings.KAPCARE_BASE_URL + reverse("accounts:accept_invitation", args=[raw_token]),
        "days": settings.KAPCARE_INVITATION_DAYS,
    }
    subject = render_to_string("accounts/emails/invitation-subject.txt", context).strip()
    body = render_to_string("accounts/emails/invitation-body.txt", context)
    send_email_after_commit([invitation.email], subject, body)


@transaction.atomic
def invitation_create(
    *,
    actor: Actor,
    email: str,
    full_name: str,
    kind: InvitationKind,
    role: str = "",
    patient: Any = None,
    now: dt.datetime | None = None,
) -> tuple[Invitation, str]:
    """Create a one-time invitation and queue its email. Returns it with the raw token."""
    now = now or timezone.now()
    if actor.clinic is None:
        raise InvitationError("clinic: you are not working in a clinic")
    email = email.strip().lower()
    if kind == InvitationKind.STAFF:
        if role not in Role.values:
            raise InvitationError(
                f"role: {role!r} is not allowed; choose one of {', '.join(Role.values)}"
            )
        existing = User.objects.filter(email=email).first()
        if existing is not None and existing.kind != UserKind.STAFF:
            raise InvitationError(
                "email: that address belongs to a patient or support account; "
                "staff need an address of their own"
            )
        if Membership.objects.filter(
            user__email=email, clinic=actor.clinic, is_active=True
        ).exists():
            raise InvitationError(f"email: {email} already works at {actor.clinic.name}")
    if kind == InvitationKind.PATIENT:
        if patient is None or patient.clinic_id != actor.clinic.pk:
            raise InvitationError("patient: the patient must belong to your clinic")
        if patient.user_id is not None:
            raise InvitationError("patient: this patient already has a portal account")
        existing = User.objects.filter(email=email).first()
        if existing is not None:
            raise InvitationError(
                "email: that address already belongs to a kapcare account; use another address"
            )
    raw = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        clinic=actor.clinic,
        kind=kind,
        email=email,
        full_name=full_name.strip(),
        role=role if kind == InvitationKind.STAFF else "",
        patient=patient,
        token_hash=hash_token(raw),
        invited_by=actor.user,
        created_at=now,
        expires_at=now + dt.timedelta(days=settings.KAPCARE_INVITATION_DAYS),
    )
    record(
        Action.INVITE,
        actor=actor,
        patient=patient,
        obj=invitation,
        detail={"kind": str(kind), "role": role, "email": email},
    )
    _send_invitation(invitation, raw)
    return invitation, raw


def invitation_for_token(raw: str, now: dt.datetime | None = None) -> Invitation | None:
    """A usable invitation for this token, or None (unknown, used, revoked or expired)."""
    invitation = (
        Invitation.objects.select_related("clinic", "patient")
        .filter(token_hash=hash_token(raw))
        .first()
    )
    if invitation is None or not invitation.is_usable(now or timezone.now()):
        return None
    return invitation


@transaction.atomic
def invitation_accept(
    *,
    invitation: Invitation,
    full_name: str = "",
    password: str = "",
    existing_user: User | None = None,
) -> User:
    """Create (or extend) the account the invitation was for, exactly once."""
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not locked.is_usable():
        raise InvitationError("This invitation has already been used or has expired.")
    if existing_user is not None:
        # A portal account belongs to exactly one patient record, and staff memberships only
        # to staff accounts: an address that has since become some other kind of account
        # cannot take the invitation.
        if existing_user.email != locked.email:
            raise InvitationError("This invitation is for another email address.")
        if locked.kind == InvitationKind.PATIENT or existing_user.kind != UserKind.STAFF:
            raise InvitationError(
                "This address already has a kapcare account of another kind; "
                "ask the clinic to send the invitation to another address."
            )
        user = existing_user
    else:
        if User.objects.filter(email=locked.email).exists():
            raise InvitationError("email: an account with this address exists; sign in to accept")
        user = User.objects.create_user(
            locked.email,
            password,
            full_name=full_name or locked.full_name,
            kind=UserKind.STAFF if locked.kind == InvitationKind.STAFF else UserKind.PATIENT,
        )
    if locked.kind == InvitationKind.STAFF:
        Membership.objects.update_or_create(
            user=user, clinic=locked.clinic, defaults={"role": locked.role, "is_active": True}
        )
    else:
        patient = locked.patient
        assert patient is not None
        if patient.user_id is not None:
            raise InvitationError("This patient already has a portal account.")
        patient.user = user
        patient.save(update_fields=["user"])
    locked.accepted_at = timezone.now()
    locked.save(update_fields=["accepted_at"])
    record(
        Action.CREATE if existing_user is None else Action.UPDATE,
        user=user,
        clinic=locked.clinic,
        patient=locked.patient,
        obj=locked,
        detail={"accepted": True, "kind": locked.kind},
    )
    return user


@transaction.atomic
def invitation_revoke(*, actor: Actor, invitation: Invitation) -> None:
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    record(Action.REVOKE, actor=actor, obj=invitation)


@dataclass(frozen=True)
class IssuedToken:
    token: PersonalAccessToken
    raw: str


@transaction.atomic
def api_token_create(
    *, actor: Actor, name: str, scope: str, days: int, now: dt.datetime | None = None
) -> IssuedToken:
    """Issue a token; the raw value is shown once and stored only as a hash."""
    if actor.clinic is None:
        raise ValueError("clinic: API tokens belong to a clinic; you are not working in one")
    if scope not in TokenScope.values:
        raise ValueError(
            f"scope: {scope!r} is not allowed; use one of {', '.join(TokenScope.values)}"
        )
    if not 1 <= days <= 365:
        raise ValueError(f"days: {days} is outside the allowed range 1–365")
    now = now or timezone.now()
    secret = secrets.token_urlsafe(32)
    prefix = secrets.token_hex(4)
    raw = f"{TOKEN_PREFIX}{prefix}_{secret}"
    token = PersonalAccessToken.objects.create(
        user=actor.user,
        clinic=actor.clinic,
        name=name.strip(),
        prefix=prefix,
        token_hash=hash_token(raw),
        scope=scope,
        created_at=now,
        expires_at=now + dt.timedelta(days=days),
    )
    record(Action.CREATE, actor=actor, obj=token, detail={"scope": scope, "days": days})
    return IssuedToken(token, raw)


@transaction.atomic
def api_token_revoke(*, actor: Actor, token: PersonalAccessToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.revoked_by = actor.user
        token.save(update_fields=["revoked_at", "revoked_by"])
        record(Action.REVOKE, actor=actor, obj=token)


def api_token_authenticate(raw: str, now: dt.datetime | None = None) -> PersonalAccessToken | None:
    """The usable token for a raw bearer value, with user and clinic loaded.

    The owner's active membership of the token's clinic comes in the same query, as
    ``token.membership`` (``None`` when there is none), so a request costs one read.
    It is joined as a filtered relation, not read by subqueries: building the SQL of
    three correlated subqueries cost more than the whole read on every API request.
    """
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        PersonalAccessToken.objects.annotate(
            active_membership=FilteredRelation(
                "user__memberships",
                condition=Q(
                    user__memberships__clinic=F("clinic"), user__memberships__is_active=True
                ),
            )
        )
        .select_related("user", "clinic")
        .select_related("active_membership")  # type: ignore[misc]  # a filtered relation
        .filter(token_hash=hash_token(raw))
        .first()
    )
    now = now or timezone.now()
    if token is None or not token.is_usable(now) or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=5):
        PersonalAccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
    # one membership per user and clinic (membership_one_role_per_clinic), so at most one row
    membership: Membership | None = getattr(token, "active_membership", None)
    if membership is not None:
        membership.user = token.user
        membership.clinic = token.clinic
    token.membership = membership  # type: ignore[attr-defined]
    return token


def recovery_codes_issue(user: User) -> list[str]:
    """Replace the user's recovery codes with a fresh set and return them (shown once)."""
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(user=user, name="Recovery codes")
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
        record(
            Action.MFA, user=user, object_type="otp.recovery_codes", detail={"issued": len(codes)}
        )
    return codes


def clinic_by_id_for(user: User, clinic_id: Any) -> Clinic | None:
    try:
        return Clinic.objects.filter(
            pk=int(clinic_id), memberships__user=user, memberships__is_active=True
        ).first()
    except (TypeError, ValueError):
        return None
