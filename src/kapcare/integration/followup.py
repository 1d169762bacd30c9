"""Follow-up without a login: one-time signed links to the after-session check-in.

A link is signed (django.core.signing, salted with the form's name, so it opens only
that form), single-use (``used_at``), and expires (``KAPCARE_FOLLOWUP_HOURS``, default 72).
Only a hash of its secret part is stored.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from kapcare.accounts.actors import Actor
from kapcare.accounts.models import hash_token
from kapcare.audit.models import Action
from kapcare.audit.services import record
from kapcare.core.tasks import send_email_after_commit
from kapcare.integration.models import (
    CheckIn,
    Feeling,
    FollowUpForm,
    FollowUpLink,
    SideEffect,
)

DEFAULT_HOURS = 72


def followup_hours() -> int:
    return int(getattr(settings, "KAPCARE_FOLLOWUP_HOURS", DEFAULT_HOURS))


def _salt(form: str) -> str:
    return f"kapcare.followup.{form}"


def link_url(token: str) -> str:
    return settings.KAPCARE_BASE_URL + reverse("integration:checkin", args=[token])


@transaction.atomic
def followup_link_issue(
    *,
    actor: Actor | None,
    patient: Any,
    session: Any = None,
    session_date: dt.date | None = None,
    form: str = FollowUpForm.CHECKIN,
    now: dt.datetime | None = None,
) -> tuple[FollowUpLink, str]:
    """Create a check-in link for ``patient``; returns it with the token (shown once).

    Issued automatically after each discharge (``after_session``) and by staff from
    the chart. Emails the link to the patient when they have an address.
    """
    if session is not None and session.patient_id != patient.pk:
        raise ValidationError({"session": ["Choose a dosing session of this patient."]})
    now = now or timezone.now()
    nonce = secrets.token_urlsafe(24)
    link = FollowUpLink.objects.create(
        patient=patient,
        form=form,
        session=session,
        session_date=session_date,
        token_hash=hash_token(nonce),
        created_by=actor.user if actor else None,
        created_at=now,
        expires_at=now + dt.timedelta(hours=followup_hours()),
    )
    token = signing.dumps({"l": link.pk, "n": nonce}, salt=_salt(form), compress=True)
    record(
        Action.CREATE,
        actor=actor,
        patient=patient,
        obj=link,
        detail={
            "form": form,
            "hours": followup_hours(),
            "session": session.pk if session is not None else None,
        },
    )
    if patient.email:
        context = {"patient": patient, "link": link_url(token), "hours": followup_hours()}
        subject = render_to_string("integration/emails/checkin-subject.txt", context).strip()
        body = render_to_string("integration/emails/checkin-body.txt", context)
        send_email_after_commit([patient.email], subject, body)
    return link, token


def followup_link_for(token: str, form: str, now: dt.datetime | None = None) -> FollowUpLink | None:
    """The usable link for ``token`` and this form, or None (forged, other form, used, expired)."""
    try:
        data = signing.loads(token, salt=_salt(form))
    except signing.BadSignature:
        return None
    now = now or timezone.now()
    link = (
        FollowUpLink.objects.select_related("patient__clinic")
        .filter(pk=data.get("l"), form=form, token_hash=hash_token(str(data.get("n", ""))))
        .first()
    )
    if link is None or link.used_at is not None or link.expires_at <= now:
        return None
    return link


def checkin_raise_safety_alert(*, checkin: CheckIn) -> Any:
    """The safety path for a check-in that reveals risk (thoughts of death or self-harm).

    The check-in is marked for review on the chart's Integration tab, and a high-priority
    safety alert goes into the clinic's alerts inbox exactly as for a PHQ-9 item-9 answer:
    the care team is emailed (the email names no patient) and, unacknowledged, it escalates.
    """
    from kapcare.measures.alerts import raise_for_checkin

    checkin.needs_review = True
    checkin.save(update_fields=["needs_review"])
    return raise_for_checkin(checkin=checkin, now=timezone.now())


@transaction.atomic
def checkin_submit(
    *,
    link: FollowUpLink,
    feeling: str,
    harm_thoughts: bool,
    side_effects: Iterable[str] = (),
    other_effects: str = "",
    worrying: str = "",
    wants_integration_booking: bool = False,
) -> CheckIn:
    """Store the answers once; a second submission of the same link is refused."""
    locked = FollowUpLink.objects.select_for_update().get(pk=link.pk)
    if locked.used_at is not None or locked.expires_at <= timezone.now():
        raise ValidationError("This link has already been used or has expired.")
    if feeling not in Feeling.values:
        raise ValidationError({"feeling": [f"Choose one of {', '.join(Feeling.values)}."]})
    effects = list(dict.fromkeys(side_effects))
    unknown = set(effects) - set(SideEffect.values)
    if unknown:
        raise ValidationError({"side_effects": [f"Choose from {', '.join(SideEffect.values)}."]})
    checkin = CheckIn.objects.create(
        link=locked,
        patient=locked.patient,
        feeling=feeling,
        side_effects=effects,
        other_effects=other_effects.strip()[:300],
        worrying=worrying.strip(),
        harm_thoughts=harm_thoughts,
        wants_integration_booking=wants_integration_booking,
    )
    locked.used_at = timezone.now()
    locked.save(update_fields=["used_at"])
    record(
        Action.CREATE,
        patient=locked.patient,
        obj=checkin,
        actor_label="After-session check-in (no login)",
        detail={"link": locked.pk, "risk": harm_thoughts},
    )
    if harm_thoughts:
        checkin_raise_safety_alert(checkin=checkin)
    return checkin
