"""From the stored intake to what the pure engine reads: medication records and screening facts.

Nothing clinical is decided here; this module only translates. Psychosis and
mania answered "yes" in the mental-health history count as those coded
conditions, because the engine's codes mean "ever had" for them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from kapcare.clinical.benzodiazepines import (
    DEFAULT_TABLE,
    UnknownBenzodiazepineError,
    diazepam_equivalent,
)
from kapcare.clinical.eligibility import ConditionCode, Facts, Medication, MedicationClass
from kapcare.intake import vocabulary as v
from kapcare.intake.forms import plain_decimal


def medication_record(cleaned: dict[str, Any], item_id: str) -> dict[str, Any]:
    """The stored form of one medication, with a diazepam equivalent for benzodiazepines."""
    item: dict[str, Any] = {
        "id": item_id,
        "name": cleaned["name"].strip(),
        "dose": plain_decimal(cleaned["dose"]),
        "unit": cleaned["unit"],
        "frequency": cleaned["frequency"],
        "drug_class": cleaned["drug_class"],
    }
    if cleaned["drug_class"] == MedicationClass.BENZODIAZEPINE:
        item.update(_benzodiazepine(item, cleaned["dose"]))
    return item


def _benzodiazepine(item: dict[str, Any], dose: Decimal) -> dict[str, Any]:
    to_mg = v.DOSE_UNITS.get(item["unit"])
    per_day = v.FREQUENCIES[item["frequency"]][1]
    if to_mg is None or per_day is None:
        return {
            "diazepam_equivalent_mg_per_day": None,
            "conversion_note": "Not converted: needs a dose in mg taken a fixed number of "
            "times a day. The prescriber will work it out.",
        }
    daily_mg = dose * to_mg * per_day
    name = " ".join(item["name"].lower().split())
    generic = v.BENZODIAZEPINE_BRANDS.get(name, name)
    try:
        result = diazepam_equivalent(generic, float(daily_mg), DEFAULT_TABLE)
    except (UnknownBenzodiazepineError, ValueError):
        return {
            "daily_dose_mg": plain_decimal(daily_mg),
            "diazepam_equivalent_mg_per_day": None,
            "conversion_note": f"{item['name']!r} is not in the conversion table; "
            "the prescriber will work out the equivalent.",
        }
    return {
        "daily_dose_mg": plain_decimal(daily_mg),
        "diazepam_equivalent_mg_per_day": result.mg_per_day,
        "diazepam_range_mg_per_day": list(result.range_mg_per_day),
        "conversion_table": result.table,
        "conversion_table_version": result.table_version,
        "conversion_source": result.source,
        "conversion_note": "Estimate: individual response varies.",
    }


def conditions_of(data: dict[str, Any]) -> set[str]:
    codes = set(data.get("medical", {}).get("conditions", []))
    psychiatric = data.get("psychiatric", {})
    if psychiatric.get("psychosis") == "yes":
        codes.add(ConditionCode.PSYCHOSIS.value)
    if psychiatric.get("mania") == "yes":
        codes.add(ConditionCode.MANIA.value)
    return codes


def facts_for(data: dict[str, Any], *, route: str, date_of_birth: dt.date, on: dt.date) -> Facts:
    """Screening facts for an intake's data; raises ``FactError`` naming a bad field."""
    medical = data.get("medical", {})
    vitals = data.get("vitals", {})
    medications = [
        Medication(
            drug_class=item["drug_class"],
            diazepam_equivalent_mg_per_day=item.get("diazepam_equivalent_mg_per_day"),
            name=item["name"],
        )
        for item in data.get("medications", {}).get("items", [])
    ]
    age = (
        on.year
        - date_of_birth.year
        - ((on.month, on.day) < (date_of_birth.month, date_of_birth.day))
    )
    return Facts(
        route=route,
        conditions=conditions_of(data),
        medications=medications,
        pregnant=medical.get("pregnant") == "yes",
        breastfeeding=medical.get("breastfeeding") == "yes",
        systolic_bp=vitals.get("systolic_bp"),
        diastolic_bp=vitals.get("diastolic_bp"),
        age_years=age,
    )


def facts_as_data(facts: Facts) -> dict[str, Any]:
    """The facts as stored beside a screening run, so it can be re-read exactly."""
    return {
        "route": str(facts.route),
        "conditions": sorted(str(c) for c in facts.conditions),
        "medications": [
            {
                "drug_class": str(m.drug_class),
                "name": m.name,
                "diazepam_equivalent_mg_per_day": m.diazepam_equivalent_mg_per_day,
            }
            for m in facts.medications
        ],
        "pregnant": facts.pregnant,
        "breastfeeding": facts.breastfeeding,
        "systolic_bp": facts.systolic_bp,
        "diastolic_bp": facts.diastolic_bp,
        "age_years": facts.age_years,
    }


#: what a submitted intake must contain; (section, field, what to say)
REQUIRED_FOR_SUBMISSION = (
    ("concerns", "primary_concerns", "Choose at least one thing you would like help with."),
    ("psychiatric", "psychosis", "Answer the question about psychosis."),
    ("psychiatric", "mania", "Answer the question about mania or bipolar disorder."),
    ("medical", "pregnant", "Answer the question about pregnancy."),
    ("medical", "breastfeeding", "Answer the question about breastfeeding."),
    ("vitals", "systolic_bp", "Enter your blood pressure (top number)."),
    ("vitals", "diastolic_bp", "Enter your blood pressure (bottom number)."),
    ("vitals", "weight", "Enter your weight."),
    ("vitals", "height", "Enter your height."),
    ("emergency_contact", "name", "Enter an emergency contact's name."),
    ("emergency_contact", "phone", "Enter an emergency contact's phone number."),
)


def missing_for_submission(data: dict[str, Any]) -> list[tuple[str, str]]:
    """(section, message) for each answer a submission still needs."""
    missing = [
        (section, message)
        for section, field, message in REQUIRED_FOR_SUBMISSION
        if data.get(section, {}).get(field) in (None, "", [])
    ]
    meds = data.get("medications", {})
    if not meds.get("items") and not meds.get("none"):
        missing.append(("medications", "List your medicines, or tick 'I take no medicines'."))
    medical = data.get("medical", {})
    if not medical.get("allergies") and not medical.get("no_known_allergies"):
        missing.append(("medical", "List your allergies, or tick 'I have no known allergies'."))
    return missing
