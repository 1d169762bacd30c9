"""The words the intake form speaks: coded choices with plain labels, units and plausible ranges.

Condition codes and medication classes are the eligibility engine's closed
vocabularies (``kapcare.clinical.eligibility``); this module only gives them
labels a patient understands. The plausibility ranges catch typing errors
(a weight of 5 kg); they are not clinical thresholds.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Final

from kapcare.clinical.eligibility import ConditionCode, MedicationClass, Route
from kapcare.clinical.eligibility.facts import DIASTOLIC_RANGE_MMHG, SYSTOLIC_RANGE_MMHG
from kapcare.clinical.routes import ROUTE_LABELS

CONCERNS: Final = (
    ("depression", "Depression"),
    ("treatment_resistant_depression", "Depression that has not improved with treatment"),
    ("ptsd", "PTSD or trauma"),
    ("anxiety", "Anxiety"),
    ("chronic_pain", "Chronic pain"),
    ("other", "Something else"),
)

CONDITION_LABELS: Final[Mapping[str, str]] = MappingProxyType(
    {
        ConditionCode.ANEURYSMAL_VASCULAR_DISEASE: (
            "Aneurysm of the aorta or of a blood vessel in the brain, arms or legs"
        ),
        ConditionCode.ARTERIOVENOUS_MALFORMATION: "Arteriovenous malformation (AVM)",
        ConditionCode.INTRACEREBRAL_HAEMORRHAGE: "Bleeding in the brain, ever",
        ConditionCode.KETAMINE_HYPERSENSITIVITY: "Allergic reaction to ketamine or esketamine",
        ConditionCode.UNCONTROLLED_HYPERTENSION: "High blood pressure that is not under control",
        ConditionCode.SEVERE_CARDIAC_DISEASE: "Serious heart disease (e.g. heart failure, angina)",
        ConditionCode.STROKE_OR_BRAIN_INJURY: "Stroke or serious head injury",
        ConditionCode.RAISED_INTRACRANIAL_PRESSURE: "Raised pressure inside the skull",
        ConditionCode.PSYCHOSIS: "Psychosis (hearing or seeing things others do not), ever",
        ConditionCode.MANIA: "Mania or bipolar disorder",
        ConditionCode.SUBSTANCE_USE_DISORDER: "Alcohol or drug use disorder",
        ConditionCode.KETAMINE_USE_DISORDER: "Problems with ketamine use",
        ConditionCode.OPIOID_USE_DISORDER: "Opioid use disorder, ever",
        ConditionCode.LIVER_DISEASE: "Liver disease",
        ConditionCode.INTERSTITIAL_CYSTITIS: "Interstitial cystitis or other bladder inflammation",
        ConditionCode.SEIZURE_DISORDER: "Seizures or epilepsy",
        ConditionCode.RECENT_SUICIDE_ATTEMPT: "A recent suicide attempt or suicidal intent",
    }
)

MEDICATION_CLASS_LABELS: Final[Mapping[str, str]] = MappingProxyType(
    {
        MedicationClass.BENZODIAZEPINE: "Benzodiazepine (e.g. clonazepam, lorazepam)",
        MedicationClass.NALTREXONE: "Naltrexone",
        MedicationClass.MAOI: "MAO inhibitor (e.g. phenelzine)",
        MedicationClass.STIMULANT: "Stimulant (e.g. methylphenidate)",
        MedicationClass.OPIOID: "Opioid painkiller (e.g. tramadol)",
        MedicationClass.CNS_DEPRESSANT: "Other sedative or sleeping tablet",
        MedicationClass.LAMOTRIGINE: "Lamotrigine",
        MedicationClass.THEOPHYLLINE: "Theophylline or aminophylline",
        MedicationClass.OTHER: "Something else / not sure",
    }
)

#: units a dose can be written in, and the factor to mg where one exists
DOSE_UNITS: Final[Mapping[str, Decimal | None]] = MappingProxyType(
    {"mg": Decimal(1), "mcg": Decimal("0.001"), "g": Decimal(1000), "mL": None, "units": None}
)
DOSE_RANGE: Final = (Decimal("0.001"), Decimal(10000))

#: how often, and how many doses a day that is (None: cannot be summed to a daily dose)
FREQUENCIES: Final[Mapping[str, tuple[str, Decimal | None]]] = MappingProxyType(
    {
        "once_daily": ("Once a day", Decimal(1)),
        "twice_daily": ("Twice a day", Decimal(2)),
        "three_times_daily": ("Three times a day", Decimal(3)),
        "four_times_daily": ("Four times a day", Decimal(4)),
        "at_bedtime": ("At bedtime", Decimal(1)),
        "as_needed": ("Only when needed", None),
        "weekly": ("Once a week", None),
        "other": ("Other", None),
    }
)

#: brand names patients write, mapped to the generic names of the conversion table
BENZODIAZEPINE_BRANDS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "klonopin": "clonazepam",
        "rivotril": "clonazepam",
        "xanax": "alprazolam",
        "ativan": "lorazepam",
        "valium": "diazepam",
        "restoril": "temazepam",
        "halcion": "triazolam",
        "librium": "chlordiazepoxide",
        "tranxene": "clorazepate",
    }
)

YES_NO: Final = (("no", "No"), ("yes", "Yes"))
PREGNANCY_CHOICES: Final = (("no", "No"), ("yes", "Yes"), ("not_applicable", "Not applicable"))
SUBSTANCE_USE: Final = (
    ("never", "Never"),
    ("past", "In the past, not now"),
    ("occasional", "Now, occasionally"),
    ("regular", "Now, regularly"),
)
SUBSTANCES: Final = (
    ("alcohol", "Alcohol"),
    ("opioids", "Opioids not prescribed to you"),
    ("ketamine", "Ketamine outside a clinic"),
    ("cannabis", "Cannabis"),
    ("other_drugs", "Other drugs"),
)

SYSTOLIC_RANGE: Final = SYSTOLIC_RANGE_MMHG
DIASTOLIC_RANGE: Final = DIASTOLIC_RANGE_MMHG
HEART_RATE_RANGE: Final = (30, 220)
WEIGHT_RANGE_KG: Final = (Decimal(25), Decimal(350))
HEIGHT_RANGE_CM: Final = (Decimal(100), Decimal(250))
KG_PER_LB: Final = Decimal("0.45359237")
CM_PER_IN: Final = Decimal("2.54")

ROUTE_CHOICES: Final = tuple((route.value, ROUTE_LABELS[route].capitalize()) for route in Route)


def concern_label(code: str) -> str:
    return dict(CONCERNS).get(code, code)


def condition_label(code: str) -> str:
    return CONDITION_LABELS.get(code, code)


def medication_class_label(code: str) -> str:
    return MEDICATION_CLASS_LABELS.get(code, code)


def frequency_label(code: str) -> str:
    return FREQUENCIES[code][0] if code in FREQUENCIES else code
