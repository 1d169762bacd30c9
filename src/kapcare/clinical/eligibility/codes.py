"""The closed vocabularies that screening facts are written in.

Rules can only match what they can name, so routes, conditions and medication
classes are fixed codes; anything else is rejected instead of being ignored.
"""

from enum import StrEnum
from typing import TypeVar

from kapcare.clinical.eligibility.errors import UnknownCode
from kapcare.clinical.routes import Route

__all__ = ["ConditionCode", "MedicationClass", "Route", "parse_code"]


class ConditionCode(StrEnum):
    """Medical and psychiatric history items that some rule evaluates."""

    ANEURYSMAL_VASCULAR_DISEASE = "aneurysmal_vascular_disease"
    ARTERIOVENOUS_MALFORMATION = "arteriovenous_malformation"
    INTRACEREBRAL_HAEMORRHAGE = "intracerebral_haemorrhage"
    KETAMINE_HYPERSENSITIVITY = "ketamine_hypersensitivity"
    UNCONTROLLED_HYPERTENSION = "uncontrolled_hypertension"
    SEVERE_CARDIAC_DISEASE = "severe_cardiac_disease"
    STROKE_OR_BRAIN_INJURY = "stroke_or_brain_injury"
    RAISED_INTRACRANIAL_PRESSURE = "raised_intracranial_pressure"
    PSYCHOSIS = "psychosis"
    MANIA = "mania"
    SUBSTANCE_USE_DISORDER = "substance_use_disorder"
    KETAMINE_USE_DISORDER = "ketamine_use_disorder"
    OPIOID_USE_DISORDER = "opioid_use_disorder"
    LIVER_DISEASE = "liver_disease"
    INTERSTITIAL_CYSTITIS = "interstitial_cystitis"
    SEIZURE_DISORDER = "seizure_disorder"
    RECENT_SUICIDE_ATTEMPT = "recent_suicide_attempt"


class MedicationClass(StrEnum):
    """Medication classes with a known or suspected interaction with ketamine."""

    BENZODIAZEPINE = "benzodiazepine"
    NALTREXONE = "naltrexone"
    MAOI = "maoi"
    STIMULANT = "stimulant"
    OPIOID = "opioid"
    CNS_DEPRESSANT = "cns_depressant"
    LAMOTRIGINE = "lamotrigine"
    THEOPHYLLINE = "theophylline"
    OTHER = "other"


CodeT = TypeVar("CodeT", bound=StrEnum)


def parse_code(vocabulary: type[CodeT], value: object, field: str) -> CodeT:
    """Return the member for ``value`` or raise ``UnknownCode`` listing the allowed codes."""
    allowed = [member.value for member in vocabulary]
    if isinstance(value, str) and value in allowed:
        return vocabulary(value)
    raise UnknownCode(field, value, allowed)
