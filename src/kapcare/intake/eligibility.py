"""Writes for screening and the eligibility decision; the rules themselves are the pure engine's.

A screening run stores the facts it saw and every finding with its rule,
rule-set version and source. A decision is checked by ``decide`` (a block needs
a written override reason), signed, never edited, and moves the journey.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kapcare.accounts.actors import Actor
from kapcare.accounts.models import Clinic
from kapcare.audit.models import Action
from kapcare.audit.services import record
from kapcare.clinical import journey
from kapcare.clinical.eligibility import (
    Decision,
    FactError,
    Finding,
    OverrideRequired,
    Severity,
    Source,
    decide,
    screen,
)
from kapcare.intake.facts import facts_as_data, facts_for
from kapcare.intake.models import (
    EligibilityDecision,
    EligibilitySettings,
    Intake,
    ScreeningFinding,
    ScreeningRun,
)
from kapcare.intake.rules import clinic_rules
from kapcare.intake.vocabulary import ROUTE_CHOICES
from kapcare.patients import services as patient_services
from kapcare.patients.models import Patient

#: decisions that must say why (the conditions, or the reasons for refusal)
_NOTES_REQUIRED = frozenset({Decision.ELIGIBLE_WITH_CONDITIONS, Decision.NOT_ELIGIBLE})


def default_route(clinic: Clinic) -> str:
    settings = EligibilitySettings.objects.filter(clinic=clinic).first()
    return settings.default_route if settings else "iv_racemic"


@transaction.atomic
def screening_run(*, actor: Actor, intake: Intake, route: str) -> ScreeningRun:
    """Screen the intake's latest version for ``route`` and store the findings."""
    routes = [value for value, _ in ROUTE_CHOICES]
    if route not in routes:
        raise ValidationError({"route": [f"Choose one of: {', '.join(routes)}."]})
    version = intake.versions.order_by("-number").first()
    if version is None:
        raise ValidationError({"intake": ["Nothing has been entered in this intake yet."]})
    patient = intake.patient
    today = timezone.localdate()
    try:
        facts = facts_for(version.data, route=route, date_of_birth=patient.date_of_birth, on=today)
    except FactError as error:
        raise ValidationError({"intake": [f"Cannot screen yet: {error}"]}) from error
    rules = clinic_rules(patient.clinic)
    findings = screen(facts, rules)
    run = ScreeningRun.objects.create(
        clinic=patient.clinic,
        patient=patient,
        intake_version=version,
        route=route,
        ruleset_version=rules.version,
        facts=facts_as_data(facts),
        run_by=actor.user,
    )
    ScreeningFinding.objects.bulk_create(
        ScreeningFinding(
            run=run,
            position=position,
            rule_id=f.rule_id,
            rule_version=f.rule_version,
            ruleset_version=f.ruleset_version,
            severity=f.severity.value,
            message=f.message,
            action=f.action,
            source_keys=list(f.source.keys),
            source=f.source.citation,
        )
        for position, f in enumerate(findings)
    )
    record(
        Action.CREATE,
        actor=actor,
        patient=patient,
        obj=run,
        detail={
            "route": route,
            "ruleset_version": rules.version,
            "intake_version": version.number,
            "findings": [f.rule_id for f in findings],
        },
    )
    return run


@transaction.atomic
def decision_record(
    *,
    actor: Actor,
    patient: Patient,
    run: ScreeningRun,
    decision: str,
    notes: str = "",
    override_reason: str = "",
) -> EligibilityDecision:
    """Sign a decision on ``run``; raises ``ValidationError`` naming the field at fault.

    The caller checks step-up authentication before passing an override reason.
    """
    if run.patient_id != patient.pk:
        raise ValidationError({"screening": ["That screening belongs to another patient."]})
    findings = _engine_findings(run)
    try:
        check = decide(findings, decision, override_reason=override_reason or None)
    except OverrideRequired as error:
        raise ValidationError(
            {"override_reason": [f"Write why you are overriding: {', '.join(error.rule_ids)}."]}
        ) from error
    except FactError as error:
        allowed = ", ".join(d.value for d in Decision)
        raise ValidationError({"decision": [f"Choose one of: {allowed}."]}) from error
    except ValueError as error:
        raise ValidationError({"override_reason": [str(error)]}) from error
    if check.decision in _NOTES_REQUIRED and not notes.strip():
        raise ValidationError({"notes": ["Write the conditions or reasons in the notes."]})
    # One decision at a time per patient: the lock makes "the current one" well defined.
    Patient.objects.select_for_update().filter(pk=patient.pk).first()
    previous = (
        EligibilityDecision.objects.filter(patient=patient, superseded_by__isnull=True)
        .order_by("-decided_at", "-id")
        .first()
    )
    signed = EligibilityDecision.objects.create(
        clinic=patient.clinic,
        patient=patient,
        screening=run,
        decision=check.decision.value,
        notes=notes.strip(),
        overridden_rule_ids=list(check.overridden_rule_ids),
        override_reason=check.override_reason or "",
        ruleset_version=run.ruleset_version,
        supersedes=previous,
        decided_by=actor.user,
    )
    detail = {
        "decision": signed.decision,
        "ruleset_version": signed.ruleset_version,
        "screening": run.pk,
        "supersedes": previous.pk if previous else None,
    }
    record(Action.CREATE, actor=actor, patient=patient, obj=signed, detail=detail)
    if check.overridden_rule_ids:
        record(
            Action.OVERRIDE,
            actor=actor,
            patient=patient,
            obj=signed,
            detail={"rule_ids": list(check.overridden_rule_ids), "reason": signed.override_reason},
        )
    _follow_journey(actor, patient, check.decision, notes)
    return signed


def _engine_findings(run: ScreeningRun) -> list[Finding]:
    """The stored findings in the engine's shape, so ``decide`` checks exactly what was shown."""
    return [
        Finding(
            rule_id=f.rule_id,
            rule_version=f.rule_version,
            severity=Severity(f.severity),
            message=f.message,
            action=f.action,
            source=Source(keys=tuple(f.source_keys), citation=f.source),
            ruleset_version=f.ruleset_version,
        )
        for f in run.findings.all()
    ]


def _follow_journey(actor: Actor, patient: Patient, decision: Decision, notes: str) -> None:
    """Move the patient's status to match: a decision taken before treatment starts."""
    fresh = Patient.objects.get(pk=patient.pk)
    if fresh.status in (journey.S.REFERRED, journey.S.NOT_ELIGIBLE) and (
        decision is not Decision.NOT_ELIGIBLE or fresh.status == journey.S.REFERRED
    ):
        fresh = patient_services.begin_screening(actor=actor, patient=fresh)
    if fresh.status == journey.S.SCREENING:
        if decision.treats:
            fresh = patient_services.mark_eligible(actor=actor, patient=fresh)
        elif decision is Decision.NOT_ELIGIBLE:
            reason = notes.strip() or "Not eligible after screening."
            fresh = patient_services.mark_not_eligible(actor=actor, patient=fresh, reason=reason)
    patient.status, patient.version = fresh.status, fresh.version
