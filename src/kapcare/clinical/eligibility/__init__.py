"""Contraindication screening for ketamine treatment, as pure functions over plain facts.

Rules live in versioned TOML files (``data/rules-<version>.toml``) that cite
the clinical reference; this package only reads them, evaluates them and
checks that a decision respects their ``block`` findings.
"""

from kapcare.clinical.eligibility.codes import ConditionCode, MedicationClass, Route
from kapcare.clinical.eligibility.decision import Decision, DecisionCheck, OverrideRequired, decide
from kapcare.clinical.eligibility.errors import (
    FactError,
    ImplausibleValueError,
    RuleSetError,
    UnknownCode,
)
from kapcare.clinical.eligibility.facts import Facts, Medication
from kapcare.clinical.eligibility.loading import (
    DEFAULT_RULESET_VERSION,
    load_default_rules,
    load_packaged_rules,
    parse_rules,
)
from kapcare.clinical.eligibility.rules import (
    UNVERIFIED,
    Adjustments,
    Rule,
    RuleSet,
    Severity,
    Source,
    ThresholdChange,
)
from kapcare.clinical.eligibility.screening import Finding, screen

__all__ = [
    "DEFAULT_RULESET_VERSION",
    "UNVERIFIED",
    "Adjustments",
    "ConditionCode",
    "Decision",
    "DecisionCheck",
    "FactError",
    "Facts",
    "Finding",
    "ImplausibleValueError",
    "Medication",
    "MedicationClass",
    "OverrideRequired",
    "Route",
    "Rule",
    "RuleSet",
    "RuleSetError",
    "Severity",
    "Source",
    "ThresholdChange",
    "UnknownCode",
    "decide",
    "load_default_rules",
    "load_packaged_rules",
    "parse_rules",
    "screen",
]
