"""Demo data for intake: added to the demo clinic by `kapcare demo`.

- KC-1005 Aisha Bello: intended for esketamine (Spravato) with an aortic aneurysm,
  screened: a blocking finding waits for the prescriber.
- KC-1012 Tomás Silva: on naltrexone and high-dose clonazepam, screened: warnings.
- KC-1001 Jordan Rivera (active): eligible decision and a signed, countersigned consent.
- KC-1002 Sam Lee (screening): intake in progress.

Everything goes through the real services, so versions and audit rows are as in use.
Safe to run twice: a patient whose intake has content is left alone.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from kapcare.accounts.actors import PATIENT_ROLE, Actor
from kapcare.accounts.models import Clinic, Membership
from kapcare.intake import consent, eligibility, services
from kapcare.intake.models import Intake
from kapcare.patients.models import Patient

CEDAR_GROVE = "Cedar Grove Ketamine Clinic"


def _sections(**overrides: dict[str, Any]) -> dict[str, dict[str, Any]]:
    sections: dict[str, dict[str, Any]] = {
        "concerns": {
            "referral_reason": "Depression that has not lifted with several medicines.",
            "primary_concerns": ["depression", "treatment_resistant_depression"],
            "other_concern": "",
        },
        "prior_treatments": {
            "antidepressant_trials": 3,
            "antidepressant_names": "sertraline, venlafaxine, bupropion",
            "psychotherapy": True,
            "ect": False,
            "tms": False,
            "prior_ketamine": False,
            "prior_ketamine_details": "",
        },
        "psychiatric": {
            "psychosis": "no",
            "mania": "no",
            "suicide_attempt_dates": [],
            "substance_alcohol": "occasional",
            "substance_opioids": "never",
            "substance_ketamine": "never",
            "substance_cannabis": "never",
            "substance_other_drugs": "never",
            "substance_notes": "",
        },
        "medical": {
            "conditions": [],
            "other_conditions": "",
            "allergies": "",
            "no_known_allergies": True,
            "pregnant": "not_applicable",
            "breastfeeding": "not_applicable",
        },
        "vitals": {
            "systolic_bp": 122,
            "diastolic_bp": 78,
            "heart_rate": 68,
            "weight": "72",
            "weight_unit": "kg",
            "weight_kg": "72.0",
            "height": "175",
            "height_unit": "cm",
            "height_cm": "175.0",
        },
        "medications": {"items": [], "none": True},
        "emergency_contact": {"name": "", "relationship": "", "phone": ""},
    }
    for name, values in overrides.items():
        sections[name] = {**sections[name], **values}
    return sections


def _fill(actor: Actor, patient: Patient, sections: dict[str, dict[str, Any]]) -> Intake:
    intake = services.intake_get_or_create(actor=actor, patient=patient)
    for name, values in sections.items():
        if name == "medications":
            services.intake_save_section(
                actor=actor, intake=intake, section=name, values={"none": values["none"]}
            )
            for item in values["items"]:
                services.intake_add_medication(actor=actor, intake=intake, cleaned=item)
        else:
            services.intake_save_section(actor=actor, intake=intake, section=name, values=values)
    return intake


def _medicine(name: str, dose: str, frequency: str, drug_class: str) -> dict[str, Any]:
    return {
        "name": name,
        "dose": Decimal(dose),
        "unit": "mg",
        "frequency": frequency,
        "drug_class": drug_class,
    }


def _staff(clinic: Clinic, email: str) -> Actor:
    membership = Membership.objects.select_related("user").get(clinic=clinic, user__email=email)
    return Actor(user=membership.user, clinic=clinic, role=membership.role, membership=membership)


def _has_intake(patient: Patient) -> bool:
    return Intake.objects.filter(patient=patient, version__gt=0).exists()


@transaction.atomic
def seed() -> None:
    clinic = Clinic.objects.filter(name=CEDAR_GROVE).first()
    if clinic is None:
        return
    patients = {p.mrn: p for p in Patient.objects.filter(clinic=clinic).select_related("user")}
    prescriber = _staff(clinic, "prescriber@example.com")
    nurse = _staff(clinic, "nurse@example.com")

    aisha = patients.get("KC-1005")
    if aisha is not None and not _has_intake(aisha):
        intake = _fill(
            nurse,
            aisha,
            _sections(
                medical={
                    "conditions": ["aneurysmal_vascular_disease"],
                    "pregnant": "no",
                    "breastfeeding": "no",
                    "other_conditions": "Abdominal aortic aneurysm, 4.1 cm, under surveillance.",
                },
                emergency_contact={
                    "name": "Tunde Bello",
                    "relationship": "husband",
                    "phone": "555-0142",
                },
            ),
        )
        services.intake_submit(actor=nurse, intake=intake, assign_baselines=False)
        eligibility.screening_run(actor=prescriber, intake=intake, route="intranasal_esketamine")

    tomas = patients.get("KC-1012")
    if tomas is not None and not _has_intake(tomas):
        intake = _fill(
            nurse,
            tomas,
            _sections(
                concerns={"primary_concerns": ["depression", "anxiety"]},
                medications={
                    "none": False,
                    "items": [
                        _medicine("Naltrexone", "50", "once_daily", "naltrexone"),
                        _medicine("Clonazepam", "2", "twice_daily", "benzodiazepine"),
                    ],
                },
                vitals={"systolic_bp": 138, "diastolic_bp": 86},
                emergency_contact={
                    "name": "Lucia Silva",
                    "relationship": "sister",
                    "phone": "555-0178",
                },
            ),
        )
        services.intake_submit(actor=nurse, intake=intake, assign_baselines=False)
        eligibility.screening_run(actor=prescriber, intake=intake, route="iv_racemic")

    jordan = patients.get("KC-1001")
    if jordan is not None and jordan.user is not None and not _has_intake(jordan):
        me = Actor(user=jordan.user, clinic=clinic, role=PATIENT_ROLE, patient=jordan)
        intake = _fill(
            me,
            jordan,
            _sections(
                concerns={
                    "primary_concerns": ["depression", "ptsd"],
                    "referral_reason": "Grief and low mood since my father died.",
                },
                emergency_contact={
                    "name": "Casey Rivera",
                    "relationship": "sibling",
                    "phone": "555-0100",
                },
            ),
        )
        services.intake_submit(actor=me, intake=intake, assign_baselines=False)
        run = eligibility.screening_run(actor=prescriber, intake=intake, route="iv_racemic")
        eligibility.decision_record(
            actor=prescriber,
            patient=jordan,
            run=run,
            decision="eligible",
            notes="No contraindications. Baseline liver tests normal.",
        )
        document = consent.document_for(clinic)
        signature = consent.consent_sign(
            actor=me,
            patient=jordan,
            document=document,
            typed_name=jordan.legal_name,
            agreed=True,
            shown_sha256=document.sha256,
        )
        consent.consent_countersign(actor=prescriber, signature=signature)

    sam = patients.get("KC-1002")
    if sam is not None and sam.user is not None and not _has_intake(sam):
        me = Actor(user=sam.user, clinic=clinic, role=PATIENT_ROLE, patient=sam)
        sections = _sections()
        _fill(me, sam, {name: sections[name] for name in ("concerns", "prior_treatments")})
