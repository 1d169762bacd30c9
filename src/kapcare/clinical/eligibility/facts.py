"""The patient facts a screening runs on, validated when they are built.

Validation happens here, once, so that every rule can trust what it reads:
codes are from the closed vocabularies and numbers are physically plausible.
The plausibility ranges are sanity limits for typing errors, not clinical
thresholds; the clinical reference gives none, so they are deliberately wide.
"""

import math
from collections.abc import Iterable, Sequence, Set
from dataclasses import dataclass

from kapcare.clinical.eligibility.codes import ConditionCode, MedicationClass, Route, parse_code
from kapcare.clinical.eligibility.errors import FactError, ImplausibleValueError

SYSTOLIC_RANGE_MMHG = (50, 300)
DIASTOLIC_RANGE_MMHG = (20, 200)
AGE_RANGE_YEARS = (0, 120)
DIAZEPAM_EQUIVALENT_RANGE_MG = (0.0, 1000.0)


@dataclass(frozen=True)
class Medication:
    """One current medication, reduced to what the rules need.

    ``diazepam_equivalent_mg_per_day`` is the total daily dose expressed as
    oral diazepam (see ``kapcare.clinical.benzodiazepines``); it only has a
    meaning for benzodiazepines, so giving it for another class is an error.
    """

    drug_class: str
    diazepam_equivalent_mg_per_day: float | None = None
    name: str | None = None

    def __post_init__(self) -> None:
        drug_class = parse_code(MedicationClass, self.drug_class, "drug_class")
        object.__setattr__(self, "drug_class", drug_class)
        dose = self.diazepam_equivalent_mg_per_day
        if dose is not None:
            if drug_class is not MedicationClass.BENZODIAZEPINE:
                raise FactError(
                    "diazepam_equivalent_mg_per_day",
                    "diazepam_equivalent_mg_per_day applies only to drug_class 'benzodiazepine', "
                    f"not {drug_class.value!r}.",
                )
            object.__setattr__(
                self,
                "diazepam_equivalent_mg_per_day",
                _number_in_range(
                    dose, "diazepam_equivalent_mg_per_day", DIAZEPAM_EQUIVALENT_RANGE_MG, "mg/day"
                ),
            )
        if self.name is not None and not isinstance(self.name, str):
            raise FactError("name", f"name must be text or None, not {self.name!r}.")


@dataclass(frozen=True, kw_only=True)
class Facts:
    """Everything screening looks at.

    Every field is required and unknown values are ``None``: a default could hide
    a question nobody asked.
    """

    route: str
    conditions: Set[str]
    medications: Sequence[Medication]
    pregnant: bool
    breastfeeding: bool
    systolic_bp: int | None
    diastolic_bp: int | None
    age_years: int | None

    def __post_init__(self) -> None:
        object.__setattr__(self, "route", parse_code(Route, self.route, "route"))
        object.__setattr__(self, "conditions", _conditions(self.conditions))
        object.__setattr__(self, "medications", _medications(self.medications))
        for field in ("pregnant", "breastfeeding"):
            value = getattr(self, field)
            if not isinstance(value, bool):
                raise FactError(field, f"{field} must be True or False, not {value!r}.")
        _check_blood_pressure(self.systolic_bp, self.diastolic_bp)
        if self.age_years is not None:
            _integer_in_range(self.age_years, "age_years", AGE_RANGE_YEARS, "years")


def _conditions(values: Iterable[str]) -> frozenset[ConditionCode]:
    if isinstance(values, str):
        raise FactError(
            "conditions", "conditions must be a set of condition codes, not one string."
        )
    return frozenset(parse_code(ConditionCode, value, "conditions") for value in values)


def _medications(values: Iterable[Medication]) -> tuple[Medication, ...]:
    if isinstance(values, str):
        raise FactError("medications", "medications must be a list of Medication, not a string.")
    medications = tuple(values)
    for medication in medications:
        if not isinstance(medication, Medication):
            raise FactError(
                "medications", f"medications must contain Medication objects, not {medication!r}."
            )
    return medications


def _check_blood_pressure(systolic: int | None, diastolic: int | None) -> None:
    if (systolic is None) != (diastolic is None):
        missing = "diastolic_bp" if diastolic is None else "systolic_bp"
        raise FactError(
            missing, f"{missing} is missing: give both systolic_bp and diastolic_bp, or neither."
        )
    if systolic is None or diastolic is None:
        return
    _integer_in_range(systolic, "systolic_bp", SYSTOLIC_RANGE_MMHG, "mmHg")
    _integer_in_range(diastolic, "diastolic_bp", DIASTOLIC_RANGE_MMHG, "mmHg")
    if diastolic >= systolic:
        low = DIASTOLIC_RANGE_MMHG[0]
        raise ImplausibleValueError(
            "diastolic_bp",
            diastolic,
            f"{low} to {systolic - 1} mmHg (below systolic_bp)",
            reason=f"It must be lower than systolic_bp ({systolic}).",
        )


def _integer_in_range(value: object, field: str, bounds: tuple[int, int], unit: str) -> int:
    low, high = bounds
    if isinstance(value, bool) or not isinstance(value, int):
        raise ImplausibleValueError(field, value, f"whole numbers from {low} to {high} {unit}")
    if not low <= value <= high:
        raise ImplausibleValueError(field, value, f"{low} to {high} {unit}")
    return value


def _number_in_range(value: object, field: str, bounds: tuple[float, float], unit: str) -> float:
    low, high = bounds
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ImplausibleValueError(field, value, f"numbers from {low:g} to {high:g} {unit}")
    number = float(value)
    if not math.isfinite(number) or not low <= number <= high:
        raise ImplausibleValueError(field, value, f"{low:g} to {high:g} {unit}")
    return number
