"""Moving a dosing session on, and recording what happens in it.

One function per transition. Each reads the session, asks the pure state
machine (:mod:`kapcare.clinical.session_states`) whether the move is allowed,
then writes with ``UPDATE … WHERE version = read_version`` and the audit row in
one transaction. A tablet that acted on an old state gets
:class:`SessionConflict` naming the current state, never a silent overwrite.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from kapcare.accounts.actors import Actor
from kapcare.accounts.policy import Perm, deny, has_perm
from kapcare.audit.models import Action
from kapcare.audit.services import record
from kapcare.clinical.discharge import DischargeAssessment, assess_discharge
from kapcare.clinical.routes import parse_route
from kapcare.clinical.session_states import STATE_LABELS, SessionState, refusal
from kapcare.clinical.vitals import VitalSigns, assess, assess_sedation, parse_phase
from kapcare.dosing import gate
from kapcare.dosing.models import DosingSession, VitalsReading
from kapcare.integration.after_session import session_discharged
from kapcare.measures.progress import refresh_progress
from kapcare.treatment.booking import appointment_complete_for_session
from kapcare.treatment.models import Appointment, PlanStatus, TreatmentPlanRecord

#: weight accepted at check-in; the dose calculator refuses outside this too
WEIGHT_RANGE_KG = (Decimal(20), Decimal(350))

_STAMP = {
    SessionState.CHECKED_IN: "checked_in_at",
    SessionState.READY: "ready_at",
    SessionState.DOSING: "dose_started_at",
    SessionState.RECOVERY: "recovery_at",
    SessionState.DISCHARGED: "discharged_at",
    SessionState.ABORTED: "aborted_at",
}


class SessionConflict(Exception):
    """Someone else changed the session since this device read it."""

    def __init__(self, session: DosingSession) -> None:
        label = STATE_LABELS[SessionState(session.state)].lower()
        super().__init__(
            f"This session was changed on another device: it is now {label} "
            f"(version {session.version}). Reload to see the latest before acting."
        )
        self.current = session


def session_open(*, actor: Actor, appointment: Appointment) -> DosingSession:
    """The appointment's session, made on first use (route from the signed plan)."""
    if appointment.kind != "dosing":
        raise ValidationError({"appointment": ["Only a dosing appointment has a session."]})
    existing = DosingSession.objects.filter(appointment=appointment).first()
    if existing is not None:
        return existing
    plan = appointment.plan
    if plan is None or plan.status != PlanStatus.SIGNED:
        plan = TreatmentPlanRecord.objects.filter(
            patient_id=appointment.patient_id, status=PlanStatus.SIGNED
        ).first()
    if plan is None:
        raise ValidationError({"plan": ["The patient has no signed treatment plan to dose from."]})
    with transaction.atomic():
        session, made = DosingSession.objects.get_or_create(
            appointment=appointment,
            defaults={
                "clinic_id": appointment.clinic_id,
                "patient_id": appointment.patient_id,
                "route": parse_route(plan.route).value,
            },
        )
        if made:
            record(Action.CREATE, actor=actor, patient=appointment.patient, obj=session)
    return session


def _move(
    *,
    actor: Actor,
    session: DosingSession,
    version: int,
    target: SessionState,
    fields: dict[str, Any] | None = None,
    detail: dict[str, Any] | None = None,
    action: Action = Action.TRANSITION,
    **conditions: Any,
) -> DosingSession:
    """Check the move against the state machine, then write it only if nobody beat us to it."""
    now = timezone.now()
    with transaction.atomic():
        current = DosingSession.objects.get(pk=session.pk)
        if current.version != version:
            raise SessionConflict(current)
        refused = refusal(current.state, target, **conditions)
        if refused is not None:
            raise ValidationError(list(refused.reasons), code=refused.code)
        values = {"state": target.value, _STAMP[target]: now, **(fields or {})}
        changed = DosingSession.objects.filter(pk=current.pk, version=version).update(
            version=F("version") + 1, **values
        )
        if changed != 1:
            raise SessionConflict(DosingSession.objects.get(pk=session.pk))
        record(
            action,
            actor=actor,
            patient=session.patient,
            obj=current,
            detail={"from": current.state, "to": target.value, **(detail or {})},
        )
    current.refresh_from_db()
    return current


def _weight(value: Any) -> Decimal:
    try:
        weight = Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        raise ValidationError({"weight_kg": [f"Enter the weight in kg, got {value!r}."]}) from None
    low, high = WEIGHT_RANGE_KG
    if not low <= weight <= high:
        raise ValidationError({"weight_kg": [f"Weight must be between {low} and {high} kg."]})
    return weight


def session_check_in(
    *, actor: Actor, session: DosingSession, version: int, weight_kg: Any = None
) -> DosingSession:
    """The patient has arrived; the weight may be recorded at the same time."""
    fields: dict[str, Any] = {}
    if weight_kg not in (None, ""):
        fields = {"weight_kg": _weight(weight_kg), "weight_recorded_at": timezone.now()}
    detail = {"weight_kg": str(fields["weight_kg"])} if fields else {}
    return _move(
        actor=actor,
        session=session,
        version=version,
        target=SessionState.CHECKED_IN,
        fields=fields,
        detail=detail,
    )


def session_mark_ready(*, actor: Actor, session: DosingSession, version: int) -> DosingSession:
    """Every gate item is met: the patient may be dosed."""
    return _move(
        actor=actor,
        session=session,
        version=version,
        target=SessionState.READY,
        gate_unmet=gate.gate_unmet(session),
    )


def session_start_dose(*, actor: Actor, session: DosingSession, version: int) -> DosingSession:
    """The dose is being given; the clocks for vitals and observation start now.

    Needs a prescriber's order checked by a second person (when the state allows
    the move at all: the state machine's refusal is the clearer message otherwise).
    """
    from kapcare.dosing.administration import checked_order

    if session.state == SessionState.READY and checked_order(session) is None:
        raise ValidationError(
            "No checked dose order: the prescriber orders the dose and a second person checks it."
        )
    return _move(actor=actor, session=session, version=version, target=SessionState.DOSING)


def session_end_dose(*, actor: Actor, session: DosingSession, version: int) -> DosingSession:
    """The dose is complete (or stopped); the recovery observation begins."""
    return _move(actor=actor, session=session, version=version, target=SessionState.RECOVERY)


def session_abort(
    *, actor: Actor, session: DosingSession, version: int, reason: str
) -> DosingSession:
    """Stop the session from any open state; the reason is kept with it."""
    if not reason.strip():
        raise ValidationError({"reason": ["Say why the session is aborted."]})
    with transaction.atomic():
        moved = _move(
            actor=actor,
            session=session,
            version=version,
            target=SessionState.ABORTED,
            fields={"abort_reason": reason.strip()},
            detail={"reason": reason.strip()},
            abort_reason=reason,
        )
        if moved.checked_in_at is not None:  # the patient came; before check-in, staff say
            appointment_complete_for_session(actor=actor, appointment_id=moved.appointment_id)
    return moved


def discharge_assessment(
    session: DosingSession,
    *,
    escort_present: bool,
    no_driving_acknowledged: bool,
    steady_on_feet: bool,
    nausea_controlled: bool,
    now: dt.datetime | None = None,
) -> DischargeAssessment:
    """The pure discharge criteria fed from the session's recorded readings and observations.

    The clinic's settings give the thresholds, the racemic observation time and
    whether MOAA/S must be back to 5; a MOAA/S scored in an observation counts
    like one scored with the vitals. Nausea is controlled only when the nurse
    says so and the recorded observations do not say otherwise.
    """
    from kapcare.dosing.clinic_settings import settings_for, thresholds_of
    from kapcare.dosing.observations import session_nausea

    now = now or timezone.now()
    ended = session.recovery_at or now
    chosen = settings_for(session.clinic_id)
    readings = list(session.readings.all())
    after = [r for r in readings if r.taken_at >= ended]
    last = after[-1] if after else (readings[-1] if readings else None)
    scored = [(r.taken_at, r.moaas) for r in readings if r.moaas is not None] + list(
        session.observations.filter(moaas__isnull=False).values_list("observed_at", "moaas")
    )
    moaas = [m for at, m in sorted(scored, key=lambda pair: pair[0]) if at >= ended]
    minutes = max(0.0, (now - ended) / dt.timedelta(minutes=1))
    recorded_nausea = session_nausea(session).controlled
    return assess_discharge(
        route=session.route,
        minutes_since_dose=minutes,
        last_vitals=last.vitals if last else None,
        minutes_since_last_vitals=(
            max(0.0, (now - last.taken_at) / dt.timedelta(minutes=1)) if last else None
        ),
        last_moaas=moaas[-1] if moaas else None,
        escort_present=escort_present,
        no_driving_acknowledged=no_driving_acknowledged,
        steady_on_feet=steady_on_feet,
        nausea_controlled=nausea_controlled and recorded_nausea is not False,
        min_observation_minutes=(
            None
            if session.route == "intranasal_esketamine"
            else chosen.racemic_min_observation_minutes
        ),
        require_moaas_5=chosen.require_moaas_5,
        thresholds=thresholds_of(chosen),
    )


def session_discharge(
    *,
    actor: Actor,
    session: DosingSession,
    version: int,
    escort_present: bool,
    no_driving_acknowledged: bool,
    steady_on_feet: bool,
    nausea_controlled: bool,
    override_reason: str = "",
) -> DosingSession:
    """The patient goes home: every criterion met, or a prescriber overrides with a reason.

    Also makes the next-day questionnaire from measurement-based care, in the
    same transaction, so a discharged session always has it.
    """
    override = override_reason.strip()
    if override and not has_perm(actor, Perm.DOSE_ORDER):
        deny(actor, Perm.DOSE_ORDER, object_type="dosing.dosingsession", object_id=session.pk)
        raise PermissionDenied("Only a prescriber may override discharge criteria.")
    result = discharge_assessment(
        session,
        escort_present=escort_present,
        no_driving_acknowledged=no_driving_acknowledged,
        steady_on_feet=steady_on_feet,
        nausea_controlled=nausea_controlled,
    )
    fields: dict[str, Any] = {"discharge_unmet": list(result.unmet)}
    if override and result.unmet:
        fields |= {"discharge_override_reason": override, "discharge_override_by": actor.user}
    with transaction.atomic():
        moved = _move(
            actor=actor,
            session=session,
            version=version,
            target=SessionState.DISCHARGED,
            fields=fields,
            detail={"unmet": list(result.unmet_ids), "override": override if result.unmet else ""},
            action=Action.OVERRIDE if override and result.unmet else Action.TRANSITION,
            discharge_unmet=result.unmet,
            override_reason=override,
        )
        appointment_complete_for_session(actor=actor, appointment_id=moved.appointment_id)
        session_discharged(actor=actor, session=moved)  # one-week reflection, check-in link
        refresh_progress([moved.patient_id])  # one more completed session for the worklist
    # The next-day questionnaire was made when the dosing appointment was booked
    # (treatment.booking calls session_questionnaires_create); discharge adds none.
    return moved


def vitals_record(
    *,
    actor: Actor,
    session: DosingSession,
    phase: str,
    systolic: int,
    diastolic: int,
    heart_rate: int,
    spo2: int,
    respiratory_rate: int | None = None,
    moaas: int | None = None,
    taken_at: dt.datetime | None = None,
) -> VitalsReading:
    """Append one reading, assessed at once with the pure rules; implausible input is refused."""
    if session.state_enum in (SessionState.DISCHARGED, SessionState.ABORTED):
        raise ValidationError("The session is finished; no more readings can be added.")
    try:
        p = parse_phase(phase)
        vitals = VitalSigns(
            systolic=systolic,
            diastolic=diastolic,
            heart_rate=heart_rate,
            spo2=spo2,
            respiratory_rate=respiratory_rate,
        )
    except ValueError as error:
        field, _, message = str(error).partition(": ")
        raise ValidationError({field: [message or str(error)]}) from None
    if moaas is not None and not 0 <= moaas <= 5:
        raise ValidationError({"moaas": [f"MOAA/S is scored 0 to 5, got {moaas}."]})
    now = timezone.now()
    taken = taken_at or now
    if taken > now:
        raise ValidationError({"taken_at": ["A reading cannot be taken in the future."]})
    findings = [
        {"rule_id": f.rule_id, "severity": f.severity.value, "message": f.message}
        for f in assess(vitals, phase=p, route=session.route, thresholds=_thresholds(session))
    ]
    if moaas is not None:
        findings += [
            {"rule_id": f.rule_id, "severity": f.severity.value, "message": f.message}
            for f in assess_sedation(moaas)
        ]
    # The reading and its audit row commit together. No savepoint of its own: nothing
    # catches a failure here and carries on, so the enclosing write (the idempotency key's)
    # rolls back whole; a savepoint would cost two more statements on every reading.
    with transaction.atomic(savepoint=False):
        reading = VitalsReading.objects.create(
            session=session,
            phase=p.value,
            taken_at=taken,
            systolic=systolic,
            diastolic=diastolic,
            heart_rate=heart_rate,
            spo2=spo2,
            respiratory_rate=respiratory_rate,
            moaas=moaas,
            findings=findings,
            recorded_by=actor.user,
        )
        record(
            Action.CREATE,
            actor=actor,
            patient=session.patient,
            obj=reading,
            detail={"session": session.pk, "alerts": [f["rule_id"] for f in findings]},
        )
    return reading


def _thresholds(session: DosingSession) -> Any:
    """The clinic's vitals thresholds (its confirmed or default local choices)."""
    from kapcare.dosing.clinic_settings import session_settings, thresholds_of

    return thresholds_of(session_settings(session))


def _settle(
    *,
    actor: Actor,
    session: DosingSession,
    version: int,
    fields: dict[str, Any],
    action: Action,
    detail: dict[str, Any],
) -> DosingSession:
    """A gate fact recorded on the session without a state change, still version-checked."""
    with transaction.atomic():
        changed = DosingSession.objects.filter(
            pk=session.pk,
            version=version,
            state__in=[SessionState.SCHEDULED, SessionState.CHECKED_IN],
        ).update(version=F("version") + 1, **fields)
        if changed != 1:
            current = DosingSession.objects.get(pk=session.pk)
            if current.version != version:
                raise SessionConflict(current)
            raise ValidationError("Only before the patient is marked ready.")
        record(action, actor=actor, patient=session.patient, obj=session, detail=detail)
    session.refresh_from_db()
    return session


def weight_record(
    *, actor: Actor, session: DosingSession, version: int, weight_kg: Any
) -> DosingSession:
    """Record the weight used for a weight-based dose (before the gate closes)."""
    weight = _weight(weight_kg)
    return _settle(
        actor=actor,
        session=session,
        version=version,
        fields={"weight_kg": weight, "weight_recorded_at": timezone.now()},
        action=Action.UPDATE,
        detail={"weight_kg": str(weight)},
    )


def pre_dose_vitals_accept(
    *, actor: Actor, session: DosingSession, version: int, reason: str
) -> DosingSession:
    """A prescriber decides to proceed despite the latest pre-dose reading (step-up in the view)."""
    if not has_perm(actor, Perm.DOSE_ORDER):
        deny(actor, Perm.DOSE_ORDER, object_type="dosing.dosingsession", object_id=session.pk)
        raise PermissionDenied("Only a prescriber may accept out-of-range pre-dose vitals.")
    if not reason.strip():
        raise ValidationError({"reason": ["Say why it is safe to proceed."]})
    reading = gate.latest_pre_dose(session)
    if reading is None or not gate.vitals_needing_decision(session, reading):
        raise ValidationError("There is no out-of-range pre-dose reading to accept.")
    return _settle(
        actor=actor,
        session=session,
        version=version,
        fields={
            "bp_accepted_reading": reading,
            "bp_accepted_reason": reason.strip(),
            "bp_accepted_by": actor.user,
        },
        action=Action.OVERRIDE,
        detail={"reading": reading.pk, "reason": reason.strip()},
    )


def questionnaire_waive(
    *, actor: Actor, session: DosingSession, version: int, reason: str
) -> DosingSession:
    """Go ahead without the pre-session questionnaire; the reason is kept."""
    if not reason.strip():
        raise ValidationError({"reason": ["Say why the questionnaire is waived."]})
    return _settle(
        actor=actor,
        session=session,
        version=version,
        fields={"questionnaire_waiver": reason.strip()},
        action=Action.UPDATE,
        detail={"questionnaire_waived": reason.strip()},
    )
