"""The esketamine REMS patient monitoring form: its data per session, and the forms to file.

kapcare prepares what the form asks for from the session's record (see
:mod:`kapcare.clinical.rems` for the sources, K14 among them); the form itself
is filed by the clinic on the REMS portal, and staff then record here that it
was filed, once, with the portal's reference. kapcare does not talk to the portal.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from kapcare.accounts.actors import Actor
from kapcare.accounts.policy import patients_for
from kapcare.audit.models import Action
from kapcare.audit.services import record
from kapcare.clinical import rems as pure
from kapcare.clinical.observations import Rating
from kapcare.clinical.routes import Route
from kapcare.dosing.clinic_settings import settings_for, thresholds_of
from kapcare.dosing.models import DosingSession, RemsFormFiling


@dataclass(frozen=True)
class RemsData:
    session: DosingSession
    summary: pure.MonitoringSummary
    dissociation: tuple[tuple[dt.datetime, str], ...]
    worst_dissociation: str
    monitored_by: tuple[str, ...]
    due: dt.date | None
    overdue: bool
    filing: RemsFormFiling | None


def _local_date(moment: dt.datetime, tz: str) -> dt.date:
    return timezone.localtime(moment, ZoneInfo(tz)).date()


def rems_data(session: DosingSession, *, today: dt.date) -> RemsData:
    """The monitoring form's data for one esketamine session (a fixed number of queries)."""
    if session.route != Route.INTRANASAL_ESKETAMINE:
        raise ValidationError("The REMS monitoring form is for esketamine sessions only.")
    chosen = settings_for(session.clinic_id)
    readings = list(session.readings.select_related("recorded_by"))
    observations = list(session.observations.select_related("recorded_by"))
    started = session.dose_started_at
    summary = pure.summarise(
        [
            pure.Reading(
                taken_at=r.taken_at,
                pre_dose=r.phase == "pre_dose" or (started is not None and r.taken_at < started),
                systolic=r.systolic,
                diastolic=r.diastolic,
                spo2=r.spo2,
                respiratory_rate=r.respiratory_rate,
                moaas=r.moaas,
            )
            for r in readings
        ],
        other_moaas=[(o.observed_at, o.moaas) for o in observations if o.moaas is not None],
        dose_started_at=started,
        observation_ended_at=session.discharged_at,
        thresholds=thresholds_of(chosen),
    )
    dissociation = tuple((o.observed_at, o.dissociation) for o in observations if o.dissociation)
    worst = max((Rating(d) for _, d in dissociation), key=lambda r: r.rank, default=None)
    staff = [r.recorded_by.full_name for r in readings] + [
        o.recorded_by.full_name for o in observations
    ]
    due = None
    if session.discharged_at is not None:
        local = _local_date(session.discharged_at, session.clinic.time_zone)
        due = pure.form_due(local, chosen.rems_form_due_days)
    filing = _filing(session)
    return RemsData(
        session=session,
        summary=summary,
        dissociation=dissociation,
        worst_dissociation=worst.value if worst else "",
        monitored_by=tuple(dict.fromkeys(staff)),
        due=due,
        overdue=bool(due and filing is None and pure.is_overdue(due, today)),
        filing=filing,
    )


def _filing(session: DosingSession) -> RemsFormFiling | None:
    try:
        return session.rems_filing
    except RemsFormFiling.DoesNotExist:
        return None


@dataclass(frozen=True)
class FormToFile:
    session: DosingSession
    due: dt.date
    overdue: bool


def forms_to_file(actor: Any, *, today: dt.date) -> list[FormToFile]:
    """Discharged esketamine sessions of the clinic whose form is not yet filed, oldest first."""
    days = settings_for(actor.clinic).rems_form_due_days
    sessions = (
        DosingSession.objects.filter(
            clinic=actor.clinic,
            route=Route.INTRANASAL_ESKETAMINE,
            state="discharged",
            discharged_at__isnull=False,
            rems_filing__isnull=True,
            patient__in=patients_for(actor),
        )
        .select_related("patient", "appointment")
        .order_by("discharged_at", "pk")
    )
    rows = []
    for session in sessions:
        discharged = session.discharged_at or timezone.now()  # never None: filtered above
        due = pure.form_due(_local_date(discharged, actor.clinic.time_zone), days)
        rows.append(FormToFile(session, due, pure.is_overdue(due, today)))
    return rows


def rems_form_file(
    *, actor: Actor, session: DosingSession, filed_on: dt.date, reference: str
) -> RemsFormFiling:
    """Record, once, that the session's monitoring form was filed on the REMS portal."""
    if session.route != Route.INTRANASAL_ESKETAMINE:
        raise ValidationError("Only esketamine sessions have a REMS monitoring form.")
    if session.state != "discharged":
        raise ValidationError("The form is filed after the patient is discharged.")
    errors: dict[str, list[str]] = {}
    if not reference.strip():
        errors["reference"] = ["Enter the reference the REMS portal gave."]
    today = timezone.localdate()
    if filed_on > today:
        errors["filed_on"] = ["The filing date cannot be in the future."]
    discharged = session.discharged_at
    if discharged is not None and filed_on < discharged.date() - dt.timedelta(days=1):
        errors["filed_on"] = ["The form cannot be filed before the session."]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            made = RemsFormFiling.objects.create(
                session=session,
                filed_on=filed_on,
                reference=reference.strip()[:80],
                filed_by=actor.user,
            )
            record(
                Action.CREATE,
                actor=actor,
                patient=session.patient,
                obj=made,
                detail={
                    "session": session.pk,
                    "filed_on": filed_on.isoformat(),
                    "reference": made.reference,
                },
            )
    except IntegrityError:
        raise ValidationError("This session's REMS form is already recorded as filed.") from None
    return made
