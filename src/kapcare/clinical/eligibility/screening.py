"""Evaluating a patient's facts against a rule set.

Screening only informs: it lists findings for the prescriber, who makes and
signs the decision. Findings are sorted so the most serious come first.
"""

from dataclasses import dataclass

from kapcare.clinical.eligibility.facts import Facts
from kapcare.clinical.eligibility.loading import load_default_rules
from kapcare.clinical.eligibility.rules import Adjustments, Rule, RuleSet, Severity, Source


@dataclass(frozen=True)
class Finding:
    """One rule that matched, with enough provenance to audit it later."""

    rule_id: str
    rule_version: str
    severity: Severity
    message: str
    action: str
    source: Source
    ruleset_version: str


def screen(
    facts: Facts, rules: RuleSet | None = None, *, overrides: Adjustments | None = None
) -> tuple[Finding, ...]:
    """Return the findings for ``facts``, block first, then warn, then info, then by rule id.

    ``rules`` defaults to the packaged rule set. ``overrides`` are clinic
    adjustments applied on top of ``rules`` for this screening; the derived
    rule-set version is recorded on every finding.
    """
    if not isinstance(facts, Facts):
        raise TypeError(f"screen() needs Facts, not {type(facts).__name__}.")
    ruleset = rules if rules is not None else load_default_rules()
    if overrides is not None:
        ruleset = ruleset.adjusted(overrides)
    findings = [
        finding
        for rule in ruleset.active_rules
        if facts.route in rule.routes
        for finding in _apply(rule, facts, ruleset.version)
    ]
    return tuple(sorted(findings, key=lambda f: (f.severity.rank, f.rule_id)))


def _apply(rule: Rule, facts: Facts, ruleset_version: str) -> tuple[Finding, ...]:
    values = rule.when.evaluate(facts)
    if values is None:
        return ()
    return (
        Finding(
            rule_id=rule.id,
            rule_version=rule.version,
            severity=rule.severity,
            message=rule.message.format_map(values),
            action=rule.action.format_map(values),
            source=rule.source,
            ruleset_version=ruleset_version,
        ),
    )
