"""Rules, rule sets and a clinic's versioned adjustments to them.

A finding is only auditable if one can say exactly which rules produced it,
so every rule carries a version, every rule set a version, and any clinic
change to a rule set yields a new, derived version string.
"""

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from kapcare.clinical.eligibility.codes import Route
from kapcare.clinical.eligibility.conditions import Condition, Number
from kapcare.clinical.eligibility.errors import RuleSetError, UnknownCode
from kapcare.clinical.findings import Severity

UNVERIFIED = "no verified source"


@dataclass(frozen=True)
class Source:
    """Where a rule comes from: keys into the clinical reference and a short citation.

    A rule without a verified source has no keys and the citation
    ``"no verified source"``, so the gap is visible wherever the finding is shown.
    """

    keys: tuple[str, ...]
    citation: str

    @property
    def verified(self) -> bool:
        """True when at least one reference key backs the rule."""
        return bool(self.keys)

    def __str__(self) -> str:
        if not self.keys:
            return self.citation
        return f"{''.join(f'[{key}]' for key in self.keys)} {self.citation}"


@dataclass(frozen=True)
class Rule:
    """One screening rule: when it applies, what it says, and why."""

    id: str
    version: str
    severity: Severity
    routes: frozenset[Route]
    when: Condition
    message: str
    action: str
    source: Source
    note: str = ""


@dataclass(frozen=True)
class ThresholdChange:
    """A clinic's new value for one threshold of one rule."""

    rule_id: str
    parameter: str
    value: Number


@dataclass(frozen=True)
class Adjustments:
    """A clinic's changes to a rule set: rules switched off and thresholds changed."""

    disabled: frozenset[str] = frozenset()
    thresholds: tuple[ThresholdChange, ...] = ()

    @classmethod
    def build(
        cls,
        disabled: Iterable[str] = (),
        thresholds: Mapping[str, Mapping[str, Number]] | None = None,
    ) -> "Adjustments":
        """Build adjustments from plain collections, as a settings form would hold them."""
        if isinstance(disabled, str):
            raise RuleSetError("disabled must be a collection of rule ids, not one string.")
        for rule_id, parameters in (thresholds or {}).items():
            if not isinstance(parameters, Mapping):
                raise RuleSetError(
                    f"thresholds[{rule_id!r}] must map threshold names to values, "
                    f"not {parameters!r}."
                )
        changes = tuple(
            ThresholdChange(rule_id, parameter, value)
            for rule_id, parameters in (thresholds or {}).items()
            for parameter, value in parameters.items()
        )
        return cls(frozenset(disabled), changes)

    def merged(self, later: "Adjustments") -> "Adjustments":
        """Combine with later adjustments; a later value for the same threshold wins."""
        latest = {(c.rule_id, c.parameter): c for c in (*self.thresholds, *later.thresholds)}
        return Adjustments(self.disabled | later.disabled, tuple(latest.values()))

    def as_dict(self) -> dict[str, object]:
        """A canonical plain form, for storage and for the version fingerprint."""
        thresholds: dict[str, dict[str, Number]] = {}
        for change in sorted(self.thresholds, key=lambda c: (c.rule_id, c.parameter)):
            thresholds.setdefault(change.rule_id, {})[change.parameter] = change.value
        return {"disabled": sorted(self.disabled), "thresholds": thresholds}

    def fingerprint(self) -> str:
        """A short hash identifying this exact set of changes."""
        canonical = json.dumps(self.as_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()[:12]

    def __bool__(self) -> bool:
        return bool(self.disabled or self.thresholds)


@dataclass(frozen=True)
class RuleSet:
    """A versioned collection of rules, possibly adjusted by a clinic.

    ``base_rules`` are the rules as published; ``rules`` are the rules in force
    after ``adjustments``. Rules marked ``block`` encode labelled absolute
    contraindications and cannot be switched off clinic-wide: the per-patient
    override with a written reason is the only way past them.
    """

    id: str
    base_version: str
    base_rules: tuple[Rule, ...]
    adjustments: Adjustments = Adjustments()
    version: str = field(init=False)
    rules: tuple[Rule, ...] = field(init=False)

    def __post_init__(self) -> None:
        ids = [rule.id for rule in self.base_rules]
        duplicates = sorted({rule_id for rule_id in ids if ids.count(rule_id) > 1})
        if duplicates:
            raise RuleSetError(f"Duplicate rule ids: {', '.join(duplicates)}.")
        if not self.adjustments:
            object.__setattr__(self, "version", self.base_version)
            object.__setattr__(self, "rules", self.base_rules)
            return
        suffix = f"clinic.{self.adjustments.fingerprint()}"
        object.__setattr__(self, "version", f"{self.base_version}+{suffix}")
        object.__setattr__(self, "rules", self._adjusted_rules(suffix))

    def rule(self, rule_id: str) -> Rule:
        """The rule with this id, thresholds adjusted; unknown ids raise ``UnknownCode``."""
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise UnknownCode("rule_id", rule_id, [rule.id for rule in self.rules])

    @property
    def active_rules(self) -> tuple[Rule, ...]:
        """The rules screening evaluates: all rules not switched off."""
        return tuple(rule for rule in self.rules if rule.id not in self.adjustments.disabled)

    def with_adjustments(
        self,
        *,
        disabled: Iterable[str] = (),
        thresholds: Mapping[str, Mapping[str, Number]] | None = None,
    ) -> "RuleSet":
        """Return a new rule set with more rules switched off or thresholds changed."""
        return self.adjusted(Adjustments.build(disabled, thresholds))

    def adjusted(self, adjustments: Adjustments) -> "RuleSet":
        """Return a new rule set with ``adjustments`` applied on top of the current ones."""
        return RuleSet(
            self.id, self.base_version, self.base_rules, self.adjustments.merged(adjustments)
        )

    def _adjusted_rules(self, suffix: str) -> tuple[Rule, ...]:
        by_id = {rule.id: rule for rule in self.base_rules}
        known = list(by_id)
        for rule_id in sorted(self.adjustments.disabled):
            if rule_id not in by_id:
                raise UnknownCode("disabled", rule_id, known)
            if by_id[rule_id].severity is Severity.BLOCK:
                raise RuleSetError(
                    f"Rule {rule_id!r} is a labelled absolute contraindication (block) and cannot "
                    "be switched off for the clinic; a prescriber can override it for one "
                    "patient with a written reason."
                )
        conditions = {rule_id: rule.when for rule_id, rule in by_id.items()}
        for change in self.adjustments.thresholds:
            if change.rule_id not in by_id:
                raise UnknownCode("thresholds", change.rule_id, known)
            if change.rule_id in self.adjustments.disabled:
                raise RuleSetError(
                    f"Rule {change.rule_id!r} is both switched off and given a new threshold."
                )
            conditions[change.rule_id] = conditions[change.rule_id].with_parameter(
                change.parameter, change.value, f"thresholds[{change.rule_id!r}]"
            )
        return tuple(
            rule
            if conditions[rule.id] == rule.when
            else Rule(
                id=rule.id,
                version=f"{rule.version}+{suffix}",
                severity=rule.severity,
                routes=rule.routes,
                when=conditions[rule.id],
                message=rule.message,
                action=rule.action,
                source=rule.source,
                note=rule.note,
            )
            for rule in self.base_rules
        )
