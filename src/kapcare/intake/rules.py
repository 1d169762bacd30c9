"""A clinic's screening rules: the published set plus its own versioned, attributed changes.

Warn and info rules may be switched off and thresholds moved within each rule's allowed
range; block rules (labelled absolute contraindications) stay on, because the only way
past them is a prescriber's per-patient override with a written reason.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from kapcare.accounts.actors import Actor
from kapcare.accounts.models import Clinic
from kapcare.audit.models import Action
from kapcare.audit.services import record
from kapcare.clinical.eligibility import RuleSet, load_default_rules
from kapcare.clinical.eligibility.errors import RuleSetError, UnknownCode
from kapcare.intake.models import RuleAdjustment


def current_adjustment(clinic: Clinic) -> RuleAdjustment | None:
    return RuleAdjustment.objects.filter(clinic=clinic).order_by("-number").first()


def _apply(disabled: list[str], thresholds: dict[str, dict[str, Any]]) -> RuleSet:
    rules = load_default_rules()
    if not disabled and not thresholds:
        return rules
    return rules.with_adjustments(disabled=disabled, thresholds=thresholds)


def clinic_rules(clinic: Clinic) -> RuleSet:
    """The rule set the clinic screens with now."""
    adjustment = current_adjustment(clinic)
    if adjustment is None:
        return load_default_rules()
    return _apply(list(adjustment.disabled), dict(adjustment.thresholds))


@transaction.atomic
def rules_adjust(
    *, actor: Actor, disabled: list[str], thresholds: dict[str, dict[str, Any]], reason: str
) -> RuleAdjustment:
    """Record a new version of the clinic's rule changes (the whole set), with a reason."""
    if not reason.strip():
        raise ValidationError({"reason": ["Say why the clinic changes its screening rules."]})
    try:
        ruleset = _apply(sorted(set(disabled)), thresholds)
    except (RuleSetError, UnknownCode) as error:
        raise ValidationError({"rules": [str(error)]}) from error
    clinic = actor.clinic
    assert clinic is not None
    previous = current_adjustment(clinic)
    adjustment = RuleAdjustment.objects.create(
        clinic=clinic,
        number=(previous.number + 1) if previous else 1,
        disabled=sorted(set(disabled)),
        thresholds=thresholds,
        reason=reason.strip(),
        ruleset_version=ruleset.version,
        created_by=actor.user,
    )
    record(
        Action.UPDATE,
        actor=actor,
        obj=adjustment,
        detail={
            "ruleset_version": ruleset.version,
            "disabled": adjustment.disabled,
            "thresholds": thresholds,
        },
    )
    return adjustment
