"""Writing treatment plans: draft from a template, sign (prescriber, step-up), supersede.

A signed plan is never changed: a new draft carries the change and, once
signed, supersedes the old version. Every write is atomic and audited.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from kapcare.accounts.actors import Actor
from kapcare.accounts.policy import Perm, has_perm
from kapcare.audit.models import Action
from kapcare.audit.services import record
from kapcare.clinical.findings import Finding
from kapcare.clinical.plans import TreatmentPlan, validate_plan
from kapcare.patients import services as patient_services
from kapcare.patients.models import Patient
from kapcare.treatment.models import PlanStatus, TreatmentPlanRecord
from kapcare.treatment.plan_data import plan_to_json
from kapcare.treatment.questionnaires import attach_on_signing
from kapcare.treatment.readiness import sign_blockers
from kapcare.treatment.templates_catalog import OfferedTemplate

#: form field -> (plan section or "" for the plan itself, field in that section)
EDITABLE: dict[str, tuple[str, str]] = {
    "indication": ("", "indication"),
    "goals": ("", "goals"),
    "stop_criteria": ("", "stop_criteria"),
    "induction_sessions": ("induction", "sessions"),
    "min_spacing_days": ("induction", "min_spacing_days"),
    "max_spacing_days": ("induction", "max_spacing_days"),
    "dose_starting": ("dose", "starting"),
    "titration_step": ("dose", "titration_step"),
    "per_session_cap": ("dose", "per_session_cap"),
    "course_cap": ("dose", "course_cap"),
    "preparation_sessions": ("therapy", "preparation_sessions"),
    "integration_every_n_doses": ("therapy", "integration_every_n_doses"),
    "reassessment_after_sessions": ("reassessment", "after_sessions"),
}
_BY_PATH = {(f"{s}.{f}" if s else f): name for name, (s, f) in EDITABLE.items()}
CHANGED_NOTE = "Changed from the template by the prescriber for this patient."


def initial_from(plan: TreatmentPlan) -> dict[str, Any]:
    """The editable fields' values in a plan (to prefill the form)."""
    values: dict[str, Any] = {}
    for name, (section, field) in EDITABLE.items():
        holder = getattr(plan, section) if section else plan
        values[name] = getattr(holder, field)
    values["goals"] = "\n".join(plan.goals)
    values["stop_criteria"] = "\n".join(plan.stop_criteria)
    return values


def apply_changes(plan: TreatmentPlan, changes: dict[str, Any]) -> TreatmentPlan:
    """The template's plan with the prescriber's changes; a changed number is marked local."""
    top: dict[str, Any] = {}
    sections: dict[str, dict[str, Any]] = {}
    for name, value in changes.items():
        section, field = EDITABLE[name]
        if section:
            sections.setdefault(section, {})[field] = value
        else:
            top[field] = tuple(value) if isinstance(value, list) else value
    for section, values in sections.items():
        current = getattr(plan, section)
        changed = [f for f, v in values.items() if getattr(current, f) != v]
        if not changed:
            continue
        local = tuple(dict.fromkeys((*current.local_choices, *changed)))
        note = current.note if CHANGED_NOTE in current.note else f"{current.note} {CHANGED_NOTE}"
        top[section] = replace(current, **values, local_choices=local, note=note.strip())
    return replace(plan, **top)


def field_of(error: ValueError) -> str | None:
    """The form field a validate_plan message names ("dose.starting: ..." -> dose_starting)."""
    path = str(error).split(":", 1)[0].split("[", 1)[0]
    return _BY_PATH.get(path)


def findings_json(findings: tuple[Finding, ...]) -> list[dict[str, Any]]:
    return [
        {
            "rule_id": f.rule_id,
            "severity": f.severity.value,
            "message": f.message,
            "action": f.action,
            "sources": list(f.sources),
            "local_choice": f.local_choice,
        }
        for f in findings
    ]


def plan_draft_create(
    *, actor: Actor, patient: Patient, offered: OfferedTemplate, changes: dict[str, Any]
) -> TreatmentPlanRecord:
    """A new draft version from a template plus changes; ValidationError names the field."""
    if not has_perm(actor, Perm.PLAN_WRITE):
        raise ValidationError("Only a prescriber drafts a treatment plan.")
    try:
        plan = apply_changes(offered.template.plan, changes)
        findings = validate_plan(plan)
    except ValueError as error:
        field = field_of(error)
        raise ValidationError({field: [str(error)]} if field else [str(error)]) from None
    with transaction.atomic():
        Patient.objects.select_for_update().filter(pk=patient.pk).first()
        latest = (
            TreatmentPlanRecord.objects.filter(patient=patient).aggregate(v=Max("version"))["v"]
            or 0
        )
        # an open draft is replaced by the new one: only one draft at a time
        TreatmentPlanRecord.objects.filter(patient=patient, status=PlanStatus.DRAFT).update(
            status=PlanStatus.DISCARDED
        )
        current = TreatmentPlanRecord.objects.filter(
            patient=patient, status=PlanStatus.SIGNED
        ).first()
        draft = TreatmentPlanRecord.objects.create(
            clinic=patient.clinic,
            patient=patient,
            version=latest + 1,
            route=plan.route.value,
            indication=plan.indication,
            template_id=offered.id,
            template_version=offered.version,
            content=plan_to_json(plan),
            findings=findings_json(findings),
            supersedes=current,
            created_by=actor.user,
        )
        record(
            Action.CREATE,
            actor=actor,
            patient=patient,
            obj=draft,
            detail={
                "version": draft.version,
                "template": f"{offered.id}@{offered.version}",
                "changed": sorted(changes),
            },
        )
    return draft


def plan_sign(*, actor: Actor, plan: TreatmentPlanRecord) -> TreatmentPlanRecord:
    """Sign a draft: it becomes the patient's plan and supersedes the previous one.

    Refused without current eligibility and consent. An eligible patient moves
    to active treatment.
    """
    if not has_perm(actor, Perm.PLAN_SIGN):
        raise ValidationError("Only a prescriber signs a treatment plan.")
    patient = plan.patient
    blockers = sign_blockers(patient)
    if blockers:
        raise ValidationError(blockers)
    now = timezone.now()
    with transaction.atomic():
        locked = TreatmentPlanRecord.objects.select_for_update().get(pk=plan.pk)
        if locked.status != PlanStatus.DRAFT:
            raise ValidationError(
                f"Version {locked.version} is {locked.get_status_display().lower()}; "
                "only a draft can be signed."
            )
        previous = TreatmentPlanRecord.objects.filter(patient=patient, status=PlanStatus.SIGNED)
        superseded = [p.version for p in previous]
        previous.update(status=PlanStatus.SUPERSEDED)
        TreatmentPlanRecord.objects.filter(pk=locked.pk).update(
            status=PlanStatus.SIGNED, signed_by=actor.user, signed_at=now
        )
        record(
            Action.UPDATE,
            actor=actor,
            patient=patient,
            obj=locked,
            detail={"signed": locked.version, "superseded": superseded},
        )
        if patient.status == "eligible":
            patient_services.start_treatment(actor=actor, patient=patient)
        locked.status = PlanStatus.SIGNED
        attach_on_signing(actor=actor, plan=locked)
    locked.refresh_from_db()
    return locked
