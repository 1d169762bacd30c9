"""Reads for intake pages and the two questions later features ask: eligible now? consented now?"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch

from kapcare.intake import vocabulary as v
from kapcare.intake.forms import MEDICATIONS, SECTION_TITLES
from kapcare.intake.models import (
    ConsentDocument,
    ConsentSignature,
    EligibilityDecision,
    Intake,
    ScreeningFinding,
    ScreeningRun,
)
from kapcare.patients.models import Patient

SECTION_ORDER = (
    "concerns",
    "prior_treatments",
    "psychiatric",
    "medical",
    "vitals",
    MEDICATIONS,
    "emergency_contact",
)


def intake_of(patient: Patient) -> Intake | None:
    return Intake.objects.filter(patient=patient).select_related("submitted_version").first()


def latest_screening(patient: Patient) -> ScreeningRun | None:
    return (
        ScreeningRun.objects.filter(patient=patient)
        .select_related("intake_version", "run_by")
        .prefetch_related(
            Prefetch("findings", queryset=ScreeningFinding.objects.order_by("position"))
        )
        .order_by("-run_at", "-id")
        .first()
    )


def decisions_of(patient: Patient) -> list[EligibilityDecision]:
    return list(
        EligibilityDecision.objects.filter(patient=patient)
        .select_related("decided_by", "screening")
        .order_by("-decided_at", "-id")
    )


def current_decision(patient: Patient) -> EligibilityDecision | None:
    return (
        EligibilityDecision.objects.filter(patient=patient, superseded_by__isnull=True)
        .select_related("screening__intake_version")
        .order_by("-decided_at", "-id")
        .first()
    )


def eligibility_is_current(patient: Patient) -> bool:
    """True when the latest decision lets treatment go ahead and the intake has not changed since.

    A correction to the intake after the decision means the prescriber must
    screen and decide again before treatment relies on it.
    """
    decision = current_decision(patient)
    if decision is None or not decision.treats:
        return False
    intake = Intake.objects.filter(patient=patient).only("version").first()
    return intake is not None and decision.screening.intake_version.number == intake.version


@dataclass(frozen=True)
class ConsentStatus:
    current: bool
    reason: str
    signature: ConsentSignature | None


def consent_status(patient: Patient) -> ConsentStatus:
    """Whether the patient's consent is current, and if not, why (shown to staff)."""
    document = ConsentDocument.objects.filter(clinic=patient.clinic).order_by("-version").first()
    signature = (
        ConsentSignature.objects.filter(patient=patient)
        .select_related("document", "countersigned_by", "signed_by", "withdrawn_by")
        .order_by("-signed_at", "-id")
        .first()
    )
    if signature is None or document is None:
        return ConsentStatus(False, "The patient has not signed the consent document.", signature)
    if signature.withdrawn_at is not None:
        return ConsentStatus(False, "The patient withdrew consent.", signature)
    if signature.document_id != document.pk:
        return ConsentStatus(
            False,
            f"Signed version {signature.document.version}; version {document.version} "
            "is now current and needs a new signature.",
            signature,
        )
    if signature.countersigned_at is None:
        return ConsentStatus(
            False, "Signed by the patient; waiting for a clinician's countersignature.", signature
        )
    return ConsentStatus(True, "Signed and countersigned.", signature)


def consent_is_current(patient: Patient) -> bool:
    """Booking and dosing ask this: signed, countersigned, not withdrawn, current version."""
    return consent_status(patient).current


@dataclass(frozen=True)
class SummaryRow:
    label: str
    value: str


def intake_summary(data: dict[str, Any]) -> list[tuple[str, str, list[SummaryRow]]]:
    """(slug, title, rows) per section, in form order, with coded answers in plain words."""
    return [(slug, SECTION_TITLES[slug], _rows(slug, data.get(slug, {}))) for slug in SECTION_ORDER]


def _yes(value: Any) -> str:
    return {
        "yes": "Yes",
        "no": "No",
        "not_applicable": "Not applicable",
        True: "Yes",
        False: "No",
    }.get(value, "—" if value in (None, "") else str(value))


def _rows(slug: str, section: dict[str, Any]) -> list[SummaryRow]:
    if not section:
        return []
    if slug == "concerns":
        concerns = ", ".join(v.concern_label(c) for c in section.get("primary_concerns", []))
        rows = [SummaryRow("Concerns", concerns or "—")]
        if section.get("other_concern"):
            rows.append(SummaryRow("Other", section["other_concern"]))
        rows.append(SummaryRow("In their words", section.get("referral_reason") or "—"))
        return rows
    if slug == "prior_treatments":
        tried = [
            label
            for key, label in (
                ("psychotherapy", "psychotherapy"),
                ("ect", "ECT"),
                ("tms", "TMS"),
                ("prior_ketamine", "ketamine"),
            )
            if section.get(key)
        ]
        trials = section.get("antidepressant_trials")
        return [
            SummaryRow(
                "Antidepressants tried",
                f"{trials if trials is not None else '—'}"
                + (
                    f" ({section['antidepressant_names']})"
                    if section.get("antidepressant_names")
                    else ""
                ),
            ),
            SummaryRow("Other treatments", ", ".join(tried) or "none"),
            *(
                [SummaryRow("Ketamine before", section["prior_ketamine_details"])]
                if section.get("prior_ketamine_details")
                else []
            ),
        ]
    if slug == "psychiatric":
        substances = [
            f"{label}: {dict(v.SUBSTANCE_USE).get(section.get(f'substance_{key}', ''), '—')}"
            for key, label in v.SUBSTANCES
        ]
        return [
            SummaryRow("Psychosis ever", _yes(section.get("psychosis"))),
            SummaryRow("Mania or bipolar", _yes(section.get("mania"))),
            SummaryRow(
                "Suicide attempts", ", ".join(section.get("suicide_attempt_dates") or []) or "none"
            ),
            SummaryRow("Substance use", "; ".join(substances)),
            *(
                [SummaryRow("Notes", section["substance_notes"])]
                if section.get("substance_notes")
                else []
            ),
        ]
    if slug == "medical":
        conditions = [v.condition_label(c) for c in section.get("conditions", [])]
        allergies = (
            "No known allergies"
            if section.get("no_known_allergies")
            else section.get("allergies") or "—"
        )
        return [
            SummaryRow("Conditions", "; ".join(conditions) or "none ticked"),
            SummaryRow("Other history", section.get("other_conditions") or "—"),
            SummaryRow("Allergies", allergies),
            SummaryRow("Pregnant", _yes(section.get("pregnant"))),
            SummaryRow("Breastfeeding", _yes(section.get("breastfeeding"))),
        ]
    if slug == "vitals":
        bp = (
            f"{section['systolic_bp']}/{section['diastolic_bp']} mmHg"
            if section.get("systolic_bp") and section.get("diastolic_bp")
            else "—"
        )
        weight = f"{section['weight']} {section['weight_unit']}" if section.get("weight") else "—"
        if section.get("weight_unit") == "lb" and section.get("weight_kg"):
            weight += f" ({section['weight_kg']} kg)"
        height = f"{section['height']} {section['height_unit']}" if section.get("height") else "—"
        if section.get("height_unit") == "in" and section.get("height_cm"):
            height += f" ({section['height_cm']} cm)"
        pulse = f"{section['heart_rate']} bpm" if section.get("heart_rate") else "—"
        return [
            SummaryRow("Blood pressure", bp),
            SummaryRow("Pulse", pulse),
            SummaryRow("Weight", weight),
            SummaryRow("Height", height),
        ]
    if slug == MEDICATIONS:
        if section.get("none"):
            return [SummaryRow("Medicines", "None")]
        return [
            SummaryRow(item["name"], medication_line(item)) for item in section.get("items", [])
        ]
    if slug == "emergency_contact":
        return [
            SummaryRow("Name", section.get("name") or "—"),
            SummaryRow("Relationship", section.get("relationship") or "—"),
            SummaryRow("Phone", section.get("phone") or "—"),
        ]
    return []


def medication_line(item: dict[str, Any]) -> str:
    line = (
        f"{item['dose']} {item['unit']}, {v.frequency_label(item['frequency']).lower()} · "
        f"{v.medication_class_label(item['drug_class'])}"
    )
    if item["drug_class"] == "benzodiazepine":
        equivalent = item.get("diazepam_equivalent_mg_per_day")
        if equivalent is not None:
            line += (
                f" · ≈ {equivalent:g} mg diazepam a day (estimate; table "
                f"{item.get('conversion_table')} v{item.get('conversion_table_version')})"
            )
        else:
            line += f" · {item.get('conversion_note', 'not converted')}"
    return line


def allergy_summary(patient: Patient) -> str | None:
    """The allergy line for the chart header: staff's latest intake version, else None."""
    data = Intake.objects.filter(patient=patient).values_list("data", flat=True).first()
    medical = (data or {}).get("medical") or {}
    if medical.get("no_known_allergies"):
        return "No known allergies"
    return str(medical.get("allergies") or "").strip() or None
