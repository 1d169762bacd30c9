"""What integration does when a dosing session ends in discharge.

The dosing service calls ``session_discharged`` inside its discharge transaction:
the one-week reflection is made in that transaction (a discharged session always has
it when reflections are in the plan), and the after-session check-in link is issued
only once the discharge has committed, so a discharge that rolls back sends nothing.
Its email goes through the task worker like every other email.
"""

from __future__ import annotations

from functools import partial

from django.db import transaction

from kapcare.accounts.actors import Actor
from kapcare.dosing.models import DosingSession
from kapcare.integration import followup
from kapcare.integration.models import FollowUpLink
from kapcare.integration.reflections import one_week_reflection_create
from kapcare.integration.sessions import session_day


def session_discharged(*, actor: Actor, session: DosingSession) -> None:
    one_week_reflection_create(actor=actor, session=session)
    transaction.on_commit(partial(followup_after_discharge, actor=actor, session_id=session.pk))


def followup_after_discharge(*, actor: Actor | None, session_id: int) -> FollowUpLink | None:
    """Issue the session's check-in link, once; only for a patient with an email address
    (staff issue one by hand from the chart for anyone else)."""
    session = (
        DosingSession.objects.select_related("patient__clinic", "appointment", "clinic")
        .filter(pk=session_id, state="discharged")
        .first()
    )
    if session is None or not session.patient.email:
        return None
    if FollowUpLink.objects.filter(session=session).exists():
        return None
    link, _token = followup.followup_link_issue(
        actor=actor, patient=session.patient, session=session, session_date=session_day(session)
    )
    return link
