"""The small declarative forms a rule's ``when`` can take, and how each is evaluated.

Rules are data so that clinicians can read and review them; keeping the
vocabulary of conditions this small is what makes that review possible.
Each form reads only validated ``Facts`` and returns the values its message
may quote, or ``None`` when it does not match.
"""

import math
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace
from decimal import Decimal
from string import Formatter
from typing import ClassVar, Self

from kapcare.clinical.eligibility.codes import ConditionCode, MedicationClass, parse_code
from kapcare.clinical.eligibility.errors import FactError, RuleSetError
from kapcare.clinical.eligibility.facts import (
    AGE_RANGE_YEARS,
    DIASTOLIC_RANGE_MMHG,
    DIAZEPAM_EQUIVALENT_RANGE_MG,
    SYSTOLIC_RANGE_MMHG,
    Facts,
    Medication,
)

Number = int | float


@dataclass(frozen=True)
class ParameterSpec:
    """Bounds for an adjustable threshold, so a clinic cannot set a nonsensical one."""

    low: float
    high: float
    unit: str
    integer: bool

    def check(self, value: object, where: str) -> Number:
        """Return ``value`` if it is an allowed threshold, else raise ``RuleSetError``."""
        kind = "a whole number" if self.integer else "a number"
        allowed = f"{kind} from {self.low:g} to {self.high:g} {self.unit}"
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or (self.integer and not isinstance(value, int))
        ):
            raise RuleSetError(f"{where} = {value!r} is invalid; allowed: {allowed}.")
        if not math.isfinite(value) or not self.low <= value <= self.high:
            raise RuleSetError(f"{where} = {value!r} is out of range; allowed: {allowed}.")
        return value if self.integer else float(value)


@dataclass(frozen=True)
class Condition(ABC):
    """One declarative test on the facts."""

    kind: ClassVar[str]
    parameter_specs: ClassVar[Mapping[str, ParameterSpec]] = {}
    template_fields: ClassVar[frozenset[str]] = frozenset()

    @abstractmethod
    def evaluate(self, facts: Facts) -> dict[str, str] | None:
        """Return the values a message may quote when the condition holds, else ``None``."""

    def parameters(self) -> dict[str, Number]:
        """The adjustable thresholds of this condition and their current values."""
        return {name: getattr(self, name) for name in self.parameter_specs}

    def with_parameter(self, name: str, value: object, where: str) -> Self:
        """Return a copy with one threshold changed, refusing unknown or out-of-range ones."""
        spec = self.parameter_specs.get(name)
        if spec is None:
            allowed = ", ".join(self.parameter_specs) or "none"
            raise RuleSetError(
                f"{where}: unknown threshold {name!r} for a {self.kind!r} condition; "
                f"adjustable thresholds: {allowed}."
            )
        return replace(self, **{name: spec.check(value, f"{where}.{name}")})


@dataclass(frozen=True)
class ConditionPresent(Condition):
    """The patient has a coded condition in their history."""

    kind: ClassVar[str] = "condition_present"
    template_fields: ClassVar[frozenset[str]] = frozenset({"code"})
    code: ConditionCode

    def evaluate(self, facts: Facts) -> dict[str, str] | None:
        return {"code": self.code.value} if self.code in facts.conditions else None


@dataclass(frozen=True)
class MedicationPresent(Condition):
    """The patient currently takes a medication of a class."""

    kind: ClassVar[str] = "medication_present"
    template_fields: ClassVar[frozenset[str]] = frozenset({"medications"})
    drug_class: MedicationClass

    def evaluate(self, facts: Facts) -> dict[str, str] | None:
        matching = [m for m in facts.medications if m.drug_class == self.drug_class]
        return {"medications": _names(matching)} if matching else None


@dataclass(frozen=True)
class DiazepamEquivalentAbove(Condition):
    """The summed daily benzodiazepine dose, as diazepam, is above a threshold.

    Doses are summed as decimals so that, for example, 0.1 + 7.9 is exactly 8
    and does not cross an 8 mg threshold through floating-point error.
    """

    kind: ClassVar[str] = "diazepam_equivalent_above"
    parameter_specs: ClassVar[Mapping[str, ParameterSpec]] = {
        "above_mg_per_day": ParameterSpec(*DIAZEPAM_EQUIVALENT_RANGE_MG, "mg/day", integer=False),
    }
    template_fields: ClassVar[frozenset[str]] = frozenset({"total_mg_per_day", "above_mg_per_day"})
    above_mg_per_day: float

    def evaluate(self, facts: Facts) -> dict[str, str] | None:
        doses = [
            Decimal(str(m.diazepam_equivalent_mg_per_day))
            for m in facts.medications
            if m.drug_class == MedicationClass.BENZODIAZEPINE
            and m.diazepam_equivalent_mg_per_day is not None
        ]
        total = sum(doses, Decimal(0))
        threshold = Decimal(str(self.above_mg_per_day))
        if not doses or total <= threshold:
            return None
        return {"total_mg_per_day": _decimal(total), "above_mg_per_day": _decimal(threshold)}


@dataclass(frozen=True)
class DiazepamEquivalentUnknown(Condition):
    """A benzodiazepine is listed without a diazepam equivalent, so its dose rule cannot run."""

    kind: ClassVar[str] = "diazepam_equivalent_unknown"
    template_fields: ClassVar[frozenset[str]] = frozenset({"medications"})

    def evaluate(self, facts: Facts) -> dict[str, str] | None:
        unknown = [
            m
            for m in facts.medications
            if m.drug_class == MedicationClass.BENZODIAZEPINE
            and m.diazepam_equivalent_mg_per_day is None
        ]
        return {"medications": _names(unknown)} if unknown else None


@dataclass(frozen=True)
class Pregnant(Condition):
    """The patient is pregnant."""

    kind: ClassVar[str] = "pregnant"

    def evaluate(self, facts: Facts) -> dict[str, str] | None:
        return {} if facts.pregnant else None


@dataclass(frozen=True)
class Breastfeeding(Condition):
    """The patient is breastfeeding."""

    kind: ClassVar[str] = "breastfeeding"

    def evaluate(self, facts: Facts) -> dict[str, str] | None:
        return {} if facts.breastfeeding else None


@dataclass(frozen=True)
class BloodPressureAbove(Condition):
    """Baseline systolic or diastolic pressure is strictly above its threshold."""

    kind: ClassVar[str] = "bp_above"
    parameter_specs: ClassVar[Mapping[str, ParameterSpec]] = {
        "systolic": ParameterSpec(*SYSTOLIC_RANGE_MMHG, "mmHg", integer=True),
        "diastolic": ParameterSpec(*DIASTOLIC_RANGE_MMHG, "mmHg", integer=True),
    }
    template_fields: ClassVar[frozenset[str]] = frozenset(
        {"systolic_bp", "diastolic_bp", "systolic", "diastolic"}
    )
    systolic: int
    diastolic: int

    def evaluate(self, facts: Facts) -> dict[str, str] | None:
        if facts.systolic_bp is None or facts.diastolic_bp is None:
            return None
        if facts.systolic_bp <= self.systolic and facts.diastolic_bp <= self.diastolic:
            return None
        return {
            "systolic_bp": str(facts.systolic_bp),
            "diastolic_bp": str(facts.diastolic_bp),
            "systolic": str(self.systolic),
            "diastolic": str(self.diastolic),
        }


@dataclass(frozen=True)
class BloodPressureMissing(Condition):
    """No baseline blood pressure was recorded, so the pressure rules cannot run."""

    kind: ClassVar[str] = "bp_missing"

    def evaluate(self, facts: Facts) -> dict[str, str] | None:
        return {} if facts.systolic_bp is None else None


@dataclass(frozen=True)
class AgeBelow(Condition):
    """The patient is younger than a given age."""

    kind: ClassVar[str] = "age_below"
    parameter_specs: ClassVar[Mapping[str, ParameterSpec]] = {
        "years": ParameterSpec(*AGE_RANGE_YEARS, "years", integer=True),
    }
    template_fields: ClassVar[frozenset[str]] = frozenset({"age_years", "years"})
    years: int

    def evaluate(self, facts: Facts) -> dict[str, str] | None:
        if facts.age_years is None or facts.age_years >= self.years:
            return None
        return {"age_years": str(facts.age_years), "years": str(self.years)}


@dataclass(frozen=True)
class AgeAtLeast(Condition):
    """The patient is a given age or older."""

    kind: ClassVar[str] = "age_at_least"
    parameter_specs: ClassVar[Mapping[str, ParameterSpec]] = {
        "years": ParameterSpec(*AGE_RANGE_YEARS, "years", integer=True),
    }
    template_fields: ClassVar[frozenset[str]] = frozenset({"age_years", "years"})
    years: int

    def evaluate(self, facts: Facts) -> dict[str, str] | None:
        if facts.age_years is None or facts.age_years < self.years:
            return None
        return {"age_years": str(facts.age_years), "years": str(self.years)}


@dataclass(frozen=True)
class AgeMissing(Condition):
    """No age was recorded, so the age rules cannot run."""

    kind: ClassVar[str] = "age_missing"

    def evaluate(self, facts: Facts) -> dict[str, str] | None:
        return {} if facts.age_years is None else None


@dataclass(frozen=True)
class Always(Condition):
    """Advice that applies to everyone on the rule's routes."""

    kind: ClassVar[str] = "always"

    def evaluate(self, facts: Facts) -> dict[str, str] | None:
        return {}


CONDITION_FORMS: Mapping[str, type[Condition]] = {
    form.kind: form
    for form in (
        ConditionPresent,
        MedicationPresent,
        DiazepamEquivalentAbove,
        DiazepamEquivalentUnknown,
        Pregnant,
        Breastfeeding,
        BloodPressureAbove,
        BloodPressureMissing,
        AgeBelow,
        AgeAtLeast,
        AgeMissing,
        Always,
    )
}


def parse_condition(table: Mapping[str, object], where: str) -> Condition:
    """Build a condition from its data form.

    For example ``{kind = "condition_present", code = "mania"}``.
    """
    kind = table.get("kind")
    form = CONDITION_FORMS.get(kind) if isinstance(kind, str) else None
    if form is None:
        raise RuleSetError(
            f"{where}.kind = {kind!r} is unknown; allowed: {', '.join(CONDITION_FORMS)}."
        )
    expected = {f.name for f in fields(form)}
    given = set(table) - {"kind"}
    if given != expected:
        raise RuleSetError(
            f"{where}: a {kind!r} condition takes exactly {sorted(expected) or 'no keys'}, "
            f"got {sorted(given) or 'none'}."
        )
    values: dict[str, object] = {}
    try:
        for name in expected:
            raw = table[name]
            if name in form.parameter_specs:
                values[name] = form.parameter_specs[name].check(raw, f"{where}.{name}")
            elif name == "code":
                values[name] = parse_code(ConditionCode, raw, "code")
            else:
                values[name] = parse_code(MedicationClass, raw, "drug_class")
    except FactError as error:
        raise RuleSetError(f"{where}: {error}") from error
    return form(**values)


def template_fields_used(template: str) -> set[str]:
    """The ``{placeholders}`` a message or action template refers to."""
    try:
        return {name for _, name, _, _ in Formatter().parse(template) if name is not None}
    except ValueError as error:
        raise RuleSetError(f"Bad placeholder in {template!r}: {error}.") from error


def _names(medications: Iterable[Medication]) -> str:
    named = [m.name for m in medications if m.name]
    return ", ".join(named) if named else "name not recorded"


def _decimal(value: Decimal) -> str:
    return f"{value.normalize():f}"
