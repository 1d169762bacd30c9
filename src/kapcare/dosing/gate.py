"""The readiness gate: what must be true before a checked-in patient may be dosed.

Each item is answered separately and shown plainly on the check-in page, so a
nurse sees every missing thing at once rather than one refusal at a time. The
same list is what ``session_mark_ready`` refuses with.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from kapcare.clinical.findings import Severity
from kapcare.clinical.plans.model import DoseUnit
from kapcare.clinical.vitals import Phase, assess
from kapcare.dosing.models import DosingSession, VitalsReading
from kapcare.intake.selectors import consent_is_current, eligibility_is_current
from kapcare.measures.models import Assignment, AssignmentStatus, ScheduleKind
from kapcare.support.selectors import escort_confirmation_text
from kapcare.treatment.models import ChecklistItem, PlanStatus, TreatmentPlanRecord
from kapcare.treatment.plan_data import plan_from_json
from kapcare.treatment.preparation import preparation_status

#: a before-session questionnaire due this close to the appointment belongs to it
QUESTIONNAIRE_WINDOW = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class GateItem:
    key: str
    label: str
    met: bool
    detail: str = ""


def signed_plan(session: DosingSession) -> TreatmentPlanRecord | None:
    """The plan the appointment was booked from, if signed; else the patient's signed plan."""
    plan = session.appointment.plan
    if plan is not None and plan.status == PlanStatus.SIGNED:
        return plan
    return TreatmentPlanRecord.objects.filter(
        patient_id=session.patient_id, status=PlanStatus.SIGNED
    ).first()


def weight_based(plan: TreatmentPlanRecord | None) -> bool:
    """Weight is needed when the signed plan doses in mg/kg (or when there is no plan to say)."""
    if plan is None:
        return True
    return plan_from_json(plan.content).dose.unit is DoseUnit.MG_PER_KG


def latest_pre_dose(
    session: DosingSession, readings: list[VitalsReading] | None = None
) -> VitalsReading | None:
    """The newest pre-dose reading; ``readings`` (newest first) spares a query when read."""
    if readings is not None:
        return next((r for r in readings if r.phase == Phase.PRE_DOSE), None)
    return session.readings.filter(phase=Phase.PRE_DOSE).order_by("-taken_at", "-pk").first()


def vitals_needing_decision(session: DosingSession, reading: VitalsReading) -> tuple[str, ...]:
    """Messages of the reading's warn/block findings (each needs a prescriber's decision)."""
    from kapcare.dosing.clinic_settings import session_settings, thresholds_of

    thresholds = thresholds_of(session_settings(session))
    found = assess(reading.vitals, phase=Phase.PRE_DOSE, route=session.route, thresholds=thresholds)
    return tuple(f.message for f in found if f.severity is not Severity.INFO)


def gate_items(
    session: DosingSession, readings: list[VitalsReading] | None = None
) -> list[GateItem]:
    """Every readiness item, met or not, in the order the nurse works through them.

    ``readings`` are the session's readings, newest first, when the caller has read them.
    """
    patient = session.patient
    plan = signed_plan(session)
    checklist = getattr(session.appointment, "checklist", None)
    # read once: the preparation item and the escort item both look at them
    checklist_items = list(checklist.items.all()) if checklist is not None else []
    prep = preparation_status(session.appointment, checklist_items)
    consent, eligible = consent_is_current(patient), eligibility_is_current(patient)
    items = [
        GateItem(
            "consent",
            "Consent current",
            consent,
            "" if consent else "Consent is missing, withdrawn or outdated.",
        ),
        GateItem(
            "eligibility",
            "Eligibility decision current",
            eligible,
            "" if eligible else "No current eligibility decision.",
        ),
        GateItem(
            "plan",
            "Treatment plan signed",
            plan is not None,
            "" if plan else "No signed treatment plan.",
        ),
        GateItem(
            "preparation",
            "Preparation items confirmed",
            prep.ready,
            _prep_detail(prep.critical_missing, prep.awaiting_check_in),
        ),
    ]
    items.append(_vitals_item(session, readings))
    if weight_based(plan):
        recorded = session.weight_kg is not None
        items.append(
            GateItem(
                "weight",
                "Weight recorded",
                recorded,
                f"{session.weight_kg} kg" if recorded else "Weigh the patient (dose is per kg).",
            )
        )
    items.append(_escort_item(session, checklist_items))
    items.append(_questionnaire_item(session))
    return items


def gate_unmet(session: DosingSession) -> tuple[str, ...]:
    """The sentences the state machine refuses ``ready`` with."""
    return tuple(f"{i.label}: {i.detail}" for i in gate_items(session) if not i.met)


def _prep_detail(missing: tuple[str, ...], awaiting: tuple[str, ...]) -> str:
    parts = []
    if missing:
        parts.append("not confirmed by the patient: " + ", ".join(missing))
    if awaiting:
        parts.append("not yet confirmed at check-in: " + ", ".join(awaiting))
    return "; ".join(parts)


def _vitals_item(session: DosingSession, readings: list[VitalsReading] | None) -> GateItem:
    label = "Pre-dose vital signs recorded and within limits"
    reading = latest_pre_dose(session, readings)
    if reading is None:
        return GateItem("vitals", label, False, "No pre-dose vital signs yet.")
    concerns = vitals_needing_decision(session, reading)
    if not concerns:
        return GateItem("vitals", label, True, str(reading))
    if session.bp_accepted_reading_id == reading.pk and session.bp_accepted_reason:
        return GateItem(
            "vitals",
            label,
            True,
            f"{reading}: accepted by a prescriber: {session.bp_accepted_reason}",
        )
    return GateItem(
        "vitals",
        label,
        False,
        " ".join(concerns) + " A prescriber must accept this reading with a reason.",
    )


def _questionnaire_item(session: DosingSession) -> GateItem:
    label = "Pre-session questionnaire done or waived"
    start = session.appointment.start
    pending = Assignment.objects.filter(
        patient_id=session.patient_id,
        schedule=ScheduleKind.BEFORE_SESSION,
        status=AssignmentStatus.OPEN,
        due_at__gte=start - QUESTIONNAIRE_WINDOW,
        due_at__lte=start + QUESTIONNAIRE_WINDOW,
    ).exists()
    if not pending:
        return GateItem("questionnaire", label, True, "Nothing outstanding.")
    if session.questionnaire_waiver:
        return GateItem("questionnaire", label, True, f"Waived: {session.questionnaire_waiver}")
    return GateItem(
        "questionnaire", label, False, "The patient has not answered it; complete or waive it."
    )


def _escort_item(session: DosingSession, checklist_items: list[ChecklistItem]) -> GateItem:
    """The escort home, with any support person's own confirmation beside it.

    Met exactly when the checklist's escort item is confirmed by the patient and by the
    nurse at check-in (the preparation item already requires that): a support person's
    confirmation is shown, never required, since many escorts have no account.
    """
    label = "Escort home arranged"
    support = escort_confirmation_text(session.appointment)
    checklist = getattr(session.appointment, "checklist", None)
    item = next((i for i in checklist_items if i.key == "escort"), None)
    if checklist is None or item is None:
        return GateItem("escort", label, True, f"Not on this checklist. {support}")
    if not item.critical:  # the clinic's checklist does not require it: shown, not blocking
        return GateItem("escort", label, True, support)
    if item.confirmed_at is None:
        return GateItem("escort", label, False, f"The patient has not named an escort. {support}")
    named = f"{checklist.escort_name}, {checklist.escort_phone}: " if checklist.escort_name else ""
    if item.checked_in_at is None:
        return GateItem("escort", label, False, f"{named}not yet confirmed at check-in. {support}")
    return GateItem("escort", label, True, f"{named}confirmed at check-in. {support}")
