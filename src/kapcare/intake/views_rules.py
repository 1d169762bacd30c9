"""The clinic's screening rules: see every rule with its source, switch off or adjust some."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from kapcare.accounts.policy import Perm, require
from kapcare.clinical.eligibility import load_default_rules
from kapcare.clinical.findings import Severity
from kapcare.intake.models import RuleAdjustment
from kapcare.intake.rules import clinic_rules, current_adjustment, rules_adjust


def _number(raw: str) -> int | float | None:
    try:
        value = Decimal(raw.strip())
    except (InvalidOperation, AttributeError):
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _changes_from(post: Any) -> tuple[list[str], dict[str, dict[str, Any]], list[str]]:
    """Read the form: rules switched off, thresholds that differ from the published values."""
    published = {rule.id: rule for rule in load_default_rules().rules}
    disabled = [rule_id for rule_id in post.getlist("off") if rule_id in published]
    thresholds: dict[str, dict[str, Any]] = {}
    errors = []
    for key, raw in post.items():
        if not key.startswith("threshold:"):
            continue
        _, rule_id, parameter = key.split(":", 2)
        rule = published.get(rule_id)
        if rule is None or parameter not in rule.when.parameters():
            continue
        value = _number(raw)
        if value is None:
            errors.append(f"{rule_id} {parameter.replace('_', ' ')}: {raw!r} is not a number.")
            continue
        if value != rule.when.parameters()[parameter]:
            thresholds.setdefault(rule_id, {})[parameter] = value
    return disabled, thresholds, errors


@require_http_methods(["GET", "POST"])
@require(Perm.ELIGIBILITY_DECIDE)
def screening_rules(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    errors: list[str] = []
    if request.method == "POST":
        disabled, thresholds, errors = _changes_from(request.POST)
        if not errors:
            try:
                adjustment = rules_adjust(
                    actor=actor,
                    disabled=disabled,
                    thresholds=thresholds,
                    reason=request.POST.get("reason", ""),
                )
            except ValidationError as error:
                errors = [
                    message for messages_ in error.message_dict.values() for message in messages_
                ]
            else:
                messages.success(
                    request, f"Screening rules saved as version {adjustment.ruleset_version}."
                )
                return redirect("intake:rules")
    rules = clinic_rules(actor.clinic)
    current = current_adjustment(actor.clinic)
    disabled_now = set(current.disabled) if current else set()
    rows = [
        {
            "rule": rule,
            "switchable": rule.severity is not Severity.BLOCK,
            "off": rule.id in disabled_now,
            "parameters": sorted(rule.when.parameters().items()),
        }
        for rule in rules.rules
    ]
    history = RuleAdjustment.objects.filter(clinic=actor.clinic).select_related("created_by")[:20]
    return render(
        request,
        "intake/screening_rules.html",
        {
            "rows": rows,
            "ruleset": rules,
            "history": history,
            "errors": errors,
            "reason": request.POST.get("reason", "") if errors else "",
        },
        status=400 if errors else 200,
    )
