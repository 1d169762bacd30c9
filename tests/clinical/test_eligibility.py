"""Contraindication screening: every rule, its severity, its routes and its thresholds."""

import dataclasses
import re
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kapcare.clinical.eligibility import (
    UNVERIFIED,
    Adjustments,
    ConditionCode,
    Decision,
    FactError,
    Facts,
    Finding,
    ImplausibleValueError,
    Medication,
    MedicationClass,
    OverrideRequired,
    Route,
    RuleSetError,
    Severity,
    Source,
    UnknownCode,
    decide,
    load_default_rules,
    parse_rules,
    screen,
)
from kapcare.clinical.eligibility.conditions import ConditionPresent, MedicationPresent

ESKETAMINE = "intranasal_esketamine"
RACEMIC = ("iv_racemic", "im_racemic", "sublingual_racemic")
ALL_ROUTES = (*RACEMIC, ESKETAMINE)
REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "clinical-reference.md"


def make_facts(
    route: str = ESKETAMINE,
    conditions: frozenset[str] = frozenset(),
    medications: Sequence[Medication] = (),
    *,
    pregnant: bool = False,
    breastfeeding: bool = False,
    systolic_bp: int | None = 120,
    diastolic_bp: int | None = 80,
    age_years: int | None = 40,
) -> Facts:
    return Facts(
        route=route,
        conditions=conditions,
        medications=medications,
        pregnant=pregnant,
        breastfeeding=breastfeeding,
        systolic_bp=systolic_bp,
        diastolic_bp=diastolic_bp,
        age_years=age_years,
    )


def severity_of(findings: Sequence[Finding], rule_id: str) -> Severity | None:
    matching = [f.severity for f in findings if f.rule_id == rule_id]
    assert len(matching) <= 1
    return matching[0] if matching else None


def non_advice(findings: Sequence[Finding]) -> set[str]:
    """Rule ids of findings other than the advice every patient on a route gets."""
    return {f.rule_id for f in findings if not f.rule_id.startswith("advice.")}


def benzodiazepine(mg: float | None) -> Medication:
    return Medication(drug_class="benzodiazepine", diazepam_equivalent_mg_per_day=mg)


# --- conditions: one row per condition code and route -----------------------

BLOCK, WARN, INFO = Severity.BLOCK, Severity.WARN, Severity.INFO

CONDITION_TABLE: dict[str, dict[str, tuple[str, Severity]]] = {
    "aneurysmal_vascular_disease": {
        "esketamine": ("contra.aneurysmal_vascular_disease.esketamine", BLOCK),
        "racemic": ("contra.aneurysmal_vascular_disease.racemic", BLOCK),
    },
    "arteriovenous_malformation": {
        "esketamine": ("contra.arteriovenous_malformation.esketamine", BLOCK),
        "racemic": ("contra.arteriovenous_malformation.racemic", BLOCK),
    },
    "intracerebral_haemorrhage": {
        "esketamine": ("contra.intracerebral_haemorrhage.esketamine", BLOCK),
        "racemic": ("contra.intracerebral_haemorrhage.racemic", BLOCK),
    },
    "ketamine_hypersensitivity": {
        "esketamine": ("contra.ketamine_hypersensitivity", BLOCK),
        "racemic": ("contra.ketamine_hypersensitivity", BLOCK),
    },
    "uncontrolled_hypertension": {
        "esketamine": ("precaution.uncontrolled_hypertension.esketamine", WARN),
        "racemic": ("contra.uncontrolled_hypertension.racemic", BLOCK),
    },
    "severe_cardiac_disease": {
        "esketamine": ("precaution.severe_cardiac_disease.esketamine", WARN),
        "racemic": ("contra.severe_cardiac_disease.racemic", BLOCK),
    },
    "stroke_or_brain_injury": {
        "esketamine": ("precaution.stroke_or_brain_injury.esketamine", WARN),
        "racemic": ("contra.stroke_or_brain_injury.racemic", BLOCK),
    },
    **{
        code: {
            "esketamine": (f"precaution.{code}", WARN),
            "racemic": (f"precaution.{code}", WARN),
        }
        for code in (
            "raised_intracranial_pressure",
            "psychosis",
            "mania",
            "substance_use_disorder",
            "ketamine_use_disorder",
            "opioid_use_disorder",
            "liver_disease",
            "interstitial_cystitis",
            "seizure_disorder",
            "recent_suicide_attempt",
        )
    },
}

CONDITION_CASES = [
    pytest.param(code, route, *by_group["esketamine" if route == ESKETAMINE else "racemic"])
    for code, by_group in CONDITION_TABLE.items()
    for route in ALL_ROUTES
]


def test_the_condition_table_covers_every_condition_code() -> None:
    assert set(CONDITION_TABLE) == {code.value for code in ConditionCode}


@pytest.mark.parametrize(("code", "route", "rule_id", "severity"), CONDITION_CASES)
def test_each_condition_raises_exactly_its_rule_with_the_severity_for_the_route(
    code: str, route: str, rule_id: str, severity: Severity
) -> None:
    findings = screen(make_facts(route, frozenset({code})))
    assert non_advice(findings) == {rule_id}
    assert severity_of(findings, rule_id) is severity


@pytest.mark.parametrize("route", ALL_ROUTES)
def test_a_patient_with_no_risk_factors_gets_only_advice(route: str) -> None:
    findings = screen(make_facts(route))
    assert non_advice(findings) == set()
    assert {f.severity for f in findings} == {INFO}


# --- medications -------------------------------------------------------------

MEDICATION_TABLE = [
    ("naltrexone", "interaction.naltrexone", WARN),
    ("maoi", "interaction.maoi", WARN),
    ("stimulant", "interaction.stimulant", WARN),
    ("opioid", "interaction.opioid", WARN),
    ("cns_depressant", "interaction.cns_depressant", WARN),
    ("theophylline", "interaction.theophylline", WARN),
    ("lamotrigine", "interaction.lamotrigine", INFO),
    ("other", "interaction.other_medication", INFO),
]


@pytest.mark.parametrize("route", ALL_ROUTES)
@pytest.mark.parametrize(("drug_class", "rule_id", "severity"), MEDICATION_TABLE)
def test_each_interacting_medication_class_raises_its_rule_on_every_route(
    drug_class: str, rule_id: str, severity: Severity, route: str
) -> None:
    medication = Medication(drug_class=drug_class, name="Example")
    findings = screen(make_facts(route, medications=[medication]))
    assert non_advice(findings) == {rule_id}
    assert severity_of(findings, rule_id) is severity
    assert "Example" in next(f.message for f in findings if f.rule_id == rule_id)


BENZODIAZEPINE_CASES = [
    pytest.param([8.0], False, id="exactly 8 mg"),
    pytest.param([7.99], False, id="just under 8 mg"),
    pytest.param([8.01], True, id="just over 8 mg"),
    pytest.param([8.5], True, id="8.5 mg"),
    pytest.param([4.0, 4.0], False, id="two doses summing to 8 mg"),
    pytest.param([4.0, 4.5], True, id="two doses summing to 8.5 mg"),
    pytest.param([0.1, 7.9], False, id="decimal sum of exactly 8 mg"),
    pytest.param([0.0], False, id="zero"),
]


@pytest.mark.parametrize("route", ALL_ROUTES)
@pytest.mark.parametrize(("doses", "flagged"), BENZODIAZEPINE_CASES)
def test_benzodiazepines_warn_only_above_8_mg_diazepam_equivalent_a_day(
    doses: list[float], flagged: bool, route: str
) -> None:
    findings = screen(make_facts(route, medications=[benzodiazepine(mg) for mg in doses]))
    expected = {"interaction.benzodiazepine_high_dose"} if flagged else set()
    assert non_advice(findings) == expected
    if flagged:
        assert severity_of(findings, "interaction.benzodiazepine_high_dose") is WARN


def test_the_benzodiazepine_warning_quotes_the_total_and_the_threshold() -> None:
    findings = screen(make_facts(medications=[benzodiazepine(6), benzodiazepine(2.5)]))
    message = next(f.message for f in findings if f.rule_id.startswith("interaction.benzo"))
    assert "about 8.5 mg" in message
    assert "above 8 mg" in message


def test_a_benzodiazepine_without_a_dose_warns_that_the_dose_check_could_not_run() -> None:
    findings = screen(make_facts(medications=[benzodiazepine(None)]))
    assert non_advice(findings) == {"interaction.benzodiazepine_dose_unknown"}
    assert severity_of(findings, "interaction.benzodiazepine_dose_unknown") is WARN


def test_a_known_high_dose_is_still_flagged_next_to_an_unknown_one() -> None:
    findings = screen(make_facts(medications=[benzodiazepine(10), benzodiazepine(None)]))
    assert non_advice(findings) == {
        "interaction.benzodiazepine_high_dose",
        "interaction.benzodiazepine_dose_unknown",
    }


# --- blood pressure, pregnancy, age ------------------------------------------

BP_CASES = [
    pytest.param(140, 90, False, id="140/90 at the threshold"),
    pytest.param(141, 90, True, id="141/90 systolic above"),
    pytest.param(140, 91, True, id="140/91 diastolic above"),
    pytest.param(139, 89, False, id="139/89 below"),
    pytest.param(180, 110, True, id="180/110 both above"),
]


@pytest.mark.parametrize("route", ALL_ROUTES)
@pytest.mark.parametrize(("systolic", "diastolic", "flagged"), BP_CASES)
def test_baseline_blood_pressure_warns_only_above_140_over_90(
    systolic: int, diastolic: int, flagged: bool, route: str
) -> None:
    group = "esketamine" if route == ESKETAMINE else "racemic"
    rule_id = f"vitals.bp_elevated.{group}"
    findings = screen(make_facts(route, systolic_bp=systolic, diastolic_bp=diastolic))
    assert non_advice(findings) == ({rule_id} if flagged else set())
    if flagged:
        assert severity_of(findings, rule_id) is WARN
        message = next(f.message for f in findings if f.rule_id == rule_id)
        assert f"{systolic}/{diastolic}" in message


def test_the_racemic_blood_pressure_rule_says_it_has_no_verified_source() -> None:
    findings = screen(make_facts("iv_racemic", systolic_bp=150, diastolic_bp=95))
    (finding,) = [f for f in findings if f.rule_id == "vitals.bp_elevated.racemic"]
    assert finding.source == Source((), UNVERIFIED)
    assert not finding.source.verified


@pytest.mark.parametrize("route", ALL_ROUTES)
def test_a_missing_blood_pressure_warns_that_the_pressure_checks_could_not_run(route: str) -> None:
    findings = screen(make_facts(route, systolic_bp=None, diastolic_bp=None))
    assert non_advice(findings) == {"vitals.bp_missing"}
    assert severity_of(findings, "vitals.bp_missing") is WARN


@pytest.mark.parametrize("route", ALL_ROUTES)
@pytest.mark.parametrize(
    ("pregnant", "breastfeeding", "expected"),
    [
        (True, False, {"precaution.pregnancy"}),
        (False, True, {"precaution.breastfeeding"}),
        (True, True, {"precaution.pregnancy", "precaution.breastfeeding"}),
    ],
)
def test_pregnancy_and_breastfeeding_each_warn_on_every_route(
    pregnant: bool, breastfeeding: bool, expected: set[str], route: str
) -> None:
    findings = screen(make_facts(route, pregnant=pregnant, breastfeeding=breastfeeding))
    assert non_advice(findings) == expected
    assert {f.severity for f in findings if f.rule_id in expected} == {WARN}


AGE_CASES = [
    pytest.param(ESKETAMINE, 17, {"precaution.under_18"}, id="esketamine 17"),
    pytest.param(ESKETAMINE, 18, set(), id="esketamine 18"),
    pytest.param(ESKETAMINE, 64, set(), id="esketamine 64"),
    pytest.param(ESKETAMINE, 65, {"advice.esketamine_age_65_plus"}, id="esketamine 65"),
    pytest.param("iv_racemic", 17, {"precaution.under_18"}, id="racemic 17"),
    pytest.param("iv_racemic", 65, set(), id="racemic 65"),
    pytest.param("iv_racemic", None, {"vitals.age_missing"}, id="racemic unknown age"),
]


@pytest.mark.parametrize(("route", "age", "expected"), AGE_CASES)
def test_age_rules_fire_at_their_thresholds_and_only_on_their_routes(
    route: str, age: int | None, expected: set[str]
) -> None:
    findings = screen(make_facts(route, age_years=age))
    age_rules = {"precaution.under_18", "advice.esketamine_age_65_plus", "vitals.age_missing"}
    assert {f.rule_id for f in findings} & age_rules == expected


def test_under_18_warns_and_65_plus_on_esketamine_informs() -> None:
    young = screen(make_facts(age_years=16))
    old = screen(make_facts(age_years=70))
    assert severity_of(young, "precaution.under_18") is WARN
    assert severity_of(old, "advice.esketamine_age_65_plus") is INFO


ADVICE_CASES = [
    ("advice.baseline_liver_tests", RACEMIC),
    ("advice.esketamine_rems", (ESKETAMINE,)),
    ("advice.misuse_risk", ALL_ROUTES),
]


@pytest.mark.parametrize("route", ALL_ROUTES)
@pytest.mark.parametrize(("rule_id", "routes"), ADVICE_CASES)
def test_advice_is_info_and_given_only_on_its_routes(
    rule_id: str, routes: tuple[str, ...], route: str
) -> None:
    severity = severity_of(screen(make_facts(route)), rule_id)
    assert severity is (INFO if route in routes else None)


# --- output shape -------------------------------------------------------------


def test_the_issue_example_blocks_an_aneurysm_and_warns_on_dose_and_pressure() -> None:
    findings = screen(
        Facts(
            route="intranasal_esketamine",
            conditions={"aneurysmal_vascular_disease"},
            medications=[
                Medication(drug_class="benzodiazepine", diazepam_equivalent_mg_per_day=10)
            ],
            pregnant=False,
            breastfeeding=False,
            systolic_bp=150,
            diastolic_bp=92,
            age_years=34,
        )
    )
    assert [(f.severity.value, f.rule_id) for f in findings] == [
        ("block", "contra.aneurysmal_vascular_disease.esketamine"),
        ("warn", "interaction.benzodiazepine_high_dose"),
        ("warn", "vitals.bp_elevated.esketamine"),
        ("info", "advice.esketamine_rems"),
        ("info", "advice.misuse_risk"),
    ]


def test_findings_are_sorted_by_severity_then_rule_id() -> None:
    findings = screen(
        make_facts(
            "iv_racemic",
            frozenset({"psychosis", "stroke_or_brain_injury", "mania"}),
            [Medication(drug_class="lamotrigine"), Medication(drug_class="naltrexone")],
            systolic_bp=150,
            diastolic_bp=95,
        )
    )
    keys = [(f.severity.rank, f.rule_id) for f in findings]
    assert keys == sorted(keys)
    assert findings[0].severity is BLOCK


def test_every_finding_records_rule_and_rule_set_versions_and_a_source() -> None:
    rules = load_default_rules()
    findings = screen(make_facts(conditions=frozenset({"psychosis"})), rules)
    for finding in findings:
        assert finding.rule_version == rules.rule(finding.rule_id).version
        assert finding.ruleset_version == rules.version == "2026.1"
        assert finding.source.citation
        assert finding.message
        assert finding.action
        assert "{" not in finding.message + finding.action


def test_findings_are_frozen() -> None:
    finding = screen(make_facts())[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.severity = BLOCK  # type: ignore[misc]


# --- the rule data itself -----------------------------------------------------


def test_every_condition_code_and_medication_class_is_evaluated_on_every_route() -> None:
    rules = load_default_rules().rules
    for route in Route:
        on_route = [rule.when for rule in rules if route in rule.routes]
        codes = {c.code for c in on_route if isinstance(c, ConditionPresent)}
        classes = {c.drug_class for c in on_route if isinstance(c, MedicationPresent)}
        assert codes == set(ConditionCode), route
        assert classes | {MedicationClass.BENZODIAZEPINE} == set(MedicationClass), route


def test_the_rules_without_a_verified_source_are_exactly_the_documented_ones() -> None:
    unverified = {rule.id for rule in load_default_rules().rules if not rule.source.verified}
    assert unverified == {
        "precaution.seizure_disorder",
        "precaution.under_18",
        "vitals.bp_elevated.racemic",
        "vitals.age_missing",
    }
    for rule in load_default_rules().rules:
        if not rule.source.verified:
            assert rule.source.citation == UNVERIFIED
            assert rule.note


def test_block_is_used_only_for_labelled_absolute_contraindications() -> None:
    blocks = {rule.id for rule in load_default_rules().rules if rule.severity is BLOCK}
    assert all(rule_id.startswith("contra.") for rule_id in blocks)
    assert all(
        rule.source.verified for rule in load_default_rules().rules if rule.severity is BLOCK
    )


@pytest.mark.skipif(not REFERENCE.exists(), reason="shared clinical reference not checked out")
def test_every_source_key_resolves_in_the_clinical_reference() -> None:
    sources = REFERENCE.read_text(encoding="utf-8").split("## 9. Sources", 1)[1]
    defined = set(re.findall(r"(?:^- |; )([A-Z][0-9]+[a-z]?) ", sources, flags=re.MULTILINE))
    for rule in load_default_rules().rules:
        missing = set(rule.source.keys) - defined
        assert not missing, (rule.id, missing)


# --- unknown codes and implausible values --------------------------------------


@pytest.mark.parametrize(
    ("build", "field", "allowed"),
    [
        pytest.param(
            lambda: make_facts("oral_racemic"), "route", "intranasal_esketamine", id="route"
        ),
        pytest.param(
            lambda: make_facts(conditions=frozenset({"asthma"})),
            "conditions",
            "psychosis",
            id="condition",
        ),
        pytest.param(lambda: Medication(drug_class="ssri"), "drug_class", "naltrexone", id="class"),
    ],
)
def test_unknown_codes_raise_naming_the_field_and_the_allowed_values(
    build: Callable[[], object], field: str, allowed: str
) -> None:
    with pytest.raises(UnknownCode) as raised:
        build()
    assert raised.value.field == field
    assert allowed in raised.value.allowed
    assert field in str(raised.value)
    assert allowed in str(raised.value)
    assert isinstance(raised.value, ValueError)


def test_a_single_string_is_not_accepted_as_a_set_of_conditions() -> None:
    with pytest.raises(FactError, match="conditions"):
        make_facts(conditions="psychosis")  # type: ignore[arg-type]


def test_medications_must_be_medication_objects() -> None:
    with pytest.raises(FactError, match="medications"):
        make_facts(medications=["naltrexone"])  # type: ignore[list-item]


@pytest.mark.parametrize(
    ("systolic", "diastolic", "field", "allowed"),
    [
        pytest.param(120, 120, "diastolic_bp", "below systolic_bp", id="diastolic equal"),
        pytest.param(110, 120, "diastolic_bp", "below systolic_bp", id="diastolic above"),
        pytest.param(400, 80, "systolic_bp", "50 to 300 mmHg", id="systolic too high"),
        pytest.param(40, 30, "systolic_bp", "50 to 300 mmHg", id="systolic too low"),
        pytest.param(120, 10, "diastolic_bp", "20 to 200 mmHg", id="diastolic too low"),
        pytest.param(280, 250, "diastolic_bp", "20 to 200 mmHg", id="diastolic too high"),
    ],
)
def test_implausible_blood_pressure_raises_naming_the_field_and_range(
    systolic: int, diastolic: int, field: str, allowed: str
) -> None:
    with pytest.raises(ImplausibleValueError) as raised:
        make_facts(systolic_bp=systolic, diastolic_bp=diastolic)
    assert raised.value.field == field
    assert allowed in raised.value.allowed_range
    assert field in str(raised.value)


def test_half_a_blood_pressure_is_refused() -> None:
    with pytest.raises(FactError, match="diastolic_bp") as raised:
        make_facts(systolic_bp=120, diastolic_bp=None)
    assert raised.value.field == "diastolic_bp"


@pytest.mark.parametrize("value", [True, 120.5, "120"])
def test_blood_pressure_must_be_a_whole_number(value: object) -> None:
    with pytest.raises(ImplausibleValueError, match="systolic_bp"):
        make_facts(systolic_bp=value, diastolic_bp=80)  # type: ignore[arg-type]


@pytest.mark.parametrize("age", [-1, 121])
def test_implausible_age_raises_naming_the_field_and_range(age: int) -> None:
    with pytest.raises(ImplausibleValueError, match=r"age_years.*0 to 120 years"):
        make_facts(age_years=age)


@pytest.mark.parametrize("dose", [-1.0, float("nan"), float("inf"), 1000.5])
def test_implausible_diazepam_equivalents_raise_naming_the_field(dose: float) -> None:
    with pytest.raises(ImplausibleValueError, match="diazepam_equivalent_mg_per_day"):
        benzodiazepine(dose)


def test_a_diazepam_equivalent_on_a_non_benzodiazepine_is_refused() -> None:
    with pytest.raises(FactError, match="only to drug_class 'benzodiazepine'"):
        Medication(drug_class="opioid", diazepam_equivalent_mg_per_day=5)


def test_pregnancy_must_be_answered_true_or_false() -> None:
    with pytest.raises(FactError, match="pregnant"):
        make_facts(pregnant=None)  # type: ignore[arg-type]


# --- clinic adjustments -------------------------------------------------------


def test_switching_off_a_rule_removes_its_finding_and_derives_a_new_version() -> None:
    base = load_default_rules()
    adjusted = base.with_adjustments(disabled={"interaction.naltrexone"})
    facts = make_facts(medications=[Medication(drug_class="naltrexone")])
    assert "interaction.naltrexone" in non_advice(screen(facts, base))
    assert non_advice(screen(facts, adjusted)) == set()
    assert re.fullmatch(r"2026\.1\+clinic\.[0-9a-f]{12}", adjusted.version)
    assert base.version == "2026.1"


def test_the_derived_version_depends_only_on_the_adjustments() -> None:
    base = load_default_rules()
    one = base.with_adjustments(disabled=["advice.misuse_risk", "interaction.lamotrigine"])
    two = base.with_adjustments(disabled=("interaction.lamotrigine", "advice.misuse_risk"))
    other = base.with_adjustments(disabled=["advice.misuse_risk"])
    assert one.version == two.version != other.version


@pytest.mark.parametrize(("dose", "flagged"), [(8.5, False), (10.0, False), (10.5, True)], ids=str)
def test_a_clinic_can_raise_the_benzodiazepine_threshold(dose: float, flagged: bool) -> None:
    rules = load_default_rules().with_adjustments(
        thresholds={"interaction.benzodiazepine_high_dose": {"above_mg_per_day": 10}}
    )
    findings = screen(make_facts(medications=[benzodiazepine(dose)]), rules)
    matching = [f for f in findings if f.rule_id == "interaction.benzodiazepine_high_dose"]
    assert bool(matching) is flagged
    if matching:
        assert "above 10 mg" in matching[0].message
        assert matching[0].rule_version == f"1+{rules.version.split('+')[1]}"
        assert matching[0].ruleset_version == rules.version


@pytest.mark.parametrize(
    ("systolic", "diastolic", "flagged"), [(150, 95, False), (151, 95, True), (150, 96, True)]
)
def test_a_clinic_can_set_its_own_racemic_blood_pressure_threshold(
    systolic: int, diastolic: int, flagged: bool
) -> None:
    rules = load_default_rules().with_adjustments(
        thresholds={"vitals.bp_elevated.racemic": {"systolic": 150, "diastolic": 95}}
    )
    facts = make_facts("iv_racemic", systolic_bp=systolic, diastolic_bp=diastolic)
    assert ("vitals.bp_elevated.racemic" in non_advice(screen(facts, rules))) is flagged


def test_screen_applies_overrides_as_clinic_adjustments() -> None:
    overrides = Adjustments.build(disabled=["advice.misuse_risk"])
    via_screen = screen(make_facts(), overrides=overrides)
    via_rules = screen(make_facts(), load_default_rules().adjusted(overrides))
    assert via_screen == via_rules
    assert "advice.misuse_risk" not in {f.rule_id for f in via_screen}
    assert via_screen[0].ruleset_version.startswith("2026.1+clinic.")


def test_adjustments_compose_and_a_later_threshold_wins() -> None:
    rule_id = "interaction.benzodiazepine_high_dose"
    rules = (
        load_default_rules()
        .with_adjustments(thresholds={rule_id: {"above_mg_per_day": 20}})
        .with_adjustments(
            disabled=["advice.misuse_risk"], thresholds={rule_id: {"above_mg_per_day": 12}}
        )
    )
    assert rules.adjustments.as_dict() == {
        "disabled": ["advice.misuse_risk"],
        "thresholds": {rule_id: {"above_mg_per_day": 12}},
    }


@pytest.mark.parametrize(
    "adjust",
    [
        pytest.param({"disabled": ["no.such_rule"]}, id="disabled"),
        pytest.param({"thresholds": {"no.such_rule": {"years": 18}}}, id="thresholds"),
    ],
)
def test_adjusting_an_unknown_rule_id_raises(adjust: dict[str, object]) -> None:
    with pytest.raises(UnknownCode, match=re.escape("no.such_rule")):
        load_default_rules().with_adjustments(**adjust)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("rule_id", "thresholds", "message"),
    [
        ("interaction.naltrexone", {"years": 18}, "adjustable thresholds: none"),
        ("interaction.benzodiazepine_high_dose", {"mg": 10}, "above_mg_per_day"),
        ("interaction.benzodiazepine_high_dose", {"above_mg_per_day": -1}, "out of range"),
        ("vitals.bp_elevated.racemic", {"systolic": 150.5}, "whole number"),
        ("precaution.under_18", {"years": True}, "invalid"),
    ],
)
def test_invalid_thresholds_are_refused(
    rule_id: str, thresholds: dict[str, float], message: str
) -> None:
    with pytest.raises(RuleSetError, match=re.escape(message)):
        load_default_rules().with_adjustments(thresholds={rule_id: thresholds})


def test_thresholds_must_be_given_per_named_threshold() -> None:
    with pytest.raises(RuleSetError, match="must map threshold names"):
        load_default_rules().with_adjustments(
            thresholds={"interaction.benzodiazepine_high_dose": 10}  # type: ignore[dict-item]
        )


def test_a_rule_cannot_be_both_switched_off_and_given_a_threshold() -> None:
    with pytest.raises(RuleSetError, match="both switched off"):
        load_default_rules().with_adjustments(
            disabled={"precaution.under_18"}, thresholds={"precaution.under_18": {"years": 16}}
        )


def test_a_labelled_absolute_contraindication_cannot_be_switched_off_clinic_wide() -> None:
    with pytest.raises(RuleSetError, match="cannot be switched off"):
        load_default_rules().with_adjustments(
            disabled={"contra.aneurysmal_vascular_disease.esketamine"}
        )


# --- loading rule files --------------------------------------------------------

VALID_RULE = """
[ruleset]
id = "test"
version = "9.9"
reference = "test"

[[rules]]
id = "precaution.mania"
version = "1"
severity = "warn"
routes = ["iv_racemic"]
when = { kind = "condition_present", code = "mania" }
message = "Mania ({code})."
action = "Assess."
source = { keys = ["K8b"], citation = "KAP exclusion list." }
"""


def test_a_minimal_rule_file_loads() -> None:
    rules = parse_rules(VALID_RULE)
    assert rules.version == "9.9"
    findings = screen(make_facts("iv_racemic", frozenset({"mania"})), rules)
    assert [f.message for f in findings] == ["Mania (mania)."]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('code = "mania"', 'code = "manic"', "Unknown code 'manic'"),
        ('severity = "warn"', 'severity = "high"', "Unknown rule 'precaution.mania'.severity"),
        ('routes = ["iv_racemic"]', 'routes = ["oral"]', "Unknown rule"),
        ('"Mania ({code})."', '"Mania ({dose})."', "unknown placeholders"),
        ('kind = "condition_present"', 'kind = "has"', "kind = 'has' is unknown"),
        ('version = "1"', 'version = "1"\ncolour = "red"', "unknown ['colour']"),
        (
            'source = { keys = ["K8b"], citation = "KAP exclusion list." }',
            'source = "no verified source"',
            "needs a note",
        ),
        (
            'source = { keys = ["K8b"], citation = "KAP exclusion list." }',
            'source = "unverified"',
            "must be a table",
        ),
        ('keys = ["K8b"]', 'keys = ["Hull 2022"]', "not a reference key"),
        ('"Mania ({code})."', '"Mania {code."', "Bad placeholder"),
    ],
)
def test_mistakes_in_rule_files_are_refused_with_their_location(
    old: str, new: str, message: str
) -> None:
    assert old in VALID_RULE
    with pytest.raises(RuleSetError, match=re.escape(message)):
        parse_rules(VALID_RULE.replace(old, new))


def test_duplicate_rule_ids_are_refused() -> None:
    rule = VALID_RULE.split("[[rules]]")[1]
    with pytest.raises(RuleSetError, match=re.escape("Duplicate rule ids: precaution.mania")):
        parse_rules(VALID_RULE + "[[rules]]" + rule)


# --- the decision -------------------------------------------------------------


def make_finding(severity: Severity, rule_id: str = "contra.x") -> Finding:
    return Finding(rule_id, "1", severity, "m", "a", Source(("K1",), "c"), "2026.1")


TREATING = ["eligible", "eligible_with_conditions"]
NOT_TREATING = ["not_eligible", "more_information_needed"]


@pytest.mark.parametrize("decision", TREATING)
def test_a_block_finding_needs_a_written_reason_to_treat(decision: str) -> None:
    findings = [make_finding(BLOCK, "contra.b"), make_finding(WARN, "precaution.w")]
    with pytest.raises(OverrideRequired, match=re.escape("contra.b")) as raised:
        decide(findings, decision)
    assert raised.value.rule_ids == ("contra.b",)
    with pytest.raises(OverrideRequired):
        decide(findings, decision, override_reason="   ")
    check = decide(findings, decision, override_reason=" Vascular surgeon cleared. ")
    assert check.decision == decision
    assert check.overridden_rule_ids == ("contra.b",)
    assert check.override_reason == "Vascular surgeon cleared."


@pytest.mark.parametrize("decision", TREATING + NOT_TREATING)
def test_warnings_alone_never_need_an_override(decision: str) -> None:
    check = decide([make_finding(WARN), make_finding(INFO)], decision)
    assert check.overridden_rule_ids == ()
    assert check.override_reason is None


@pytest.mark.parametrize("decision", NOT_TREATING)
def test_declining_or_asking_for_more_information_needs_no_override(decision: str) -> None:
    assert decide([make_finding(BLOCK)], decision).decision == Decision(decision)


@pytest.mark.parametrize("decision", NOT_TREATING)
def test_an_override_reason_with_nothing_to_override_is_refused(decision: str) -> None:
    with pytest.raises(ValueError, match="override_reason"):
        decide([make_finding(BLOCK)], decision, override_reason="because")
    with pytest.raises(ValueError, match="override_reason"):
        decide([make_finding(WARN)], "eligible", override_reason="because")


def test_an_override_reason_must_be_text() -> None:
    with pytest.raises(ValueError, match="override_reason must be text"):
        decide([make_finding(BLOCK)], "eligible", override_reason=42)  # type: ignore[arg-type]


def test_an_unknown_decision_raises_naming_the_allowed_decisions() -> None:
    with pytest.raises(UnknownCode, match="more_information_needed"):
        decide([], "maybe")


medications = st.builds(
    Medication,
    drug_class=st.sampled_from([c.value for c in MedicationClass if c != "benzodiazepine"]),
) | st.builds(
    Medication,
    drug_class=st.just("benzodiazepine"),
    diazepam_equivalent_mg_per_day=st.none() | st.floats(0, 60),
)
blood_pressures = st.just((None, None)) | st.integers(80, 220).flatmap(
    lambda s: st.tuples(st.just(s), st.integers(40, min(s - 1, 130)))
)
facts_strategy = st.builds(
    lambda route, conditions, meds, pregnant, breastfeeding, bp, age: Facts(
        route=route,
        conditions=conditions,
        medications=meds,
        pregnant=pregnant,
        breastfeeding=breastfeeding,
        systolic_bp=bp[0],
        diastolic_bp=bp[1],
        age_years=age,
    ),
    st.sampled_from([r.value for r in Route]),
    st.frozensets(st.sampled_from([c.value for c in ConditionCode])),
    st.lists(medications, max_size=4),
    st.booleans(),
    st.booleans(),
    blood_pressures,
    st.none() | st.integers(0, 120),
)
blank_reasons = st.none() | st.text(alphabet=" \t\n", max_size=3)


@given(facts_strategy, st.sampled_from(TREATING), blank_reasons)
def test_a_block_finding_never_yields_a_treating_decision_without_a_reason(
    facts: Facts, decision: str, reason: str | None
) -> None:
    findings = screen(facts)
    blocked = any(f.severity is BLOCK for f in findings)
    try:
        check = decide(findings, decision, override_reason=reason)
    except OverrideRequired:
        assert blocked
    else:
        assert not blocked
        assert check.decision == decision


@given(
    st.lists(st.sampled_from(list(Severity)), max_size=6),
    st.sampled_from(TREATING + NOT_TREATING),
    blank_reasons | st.text(min_size=1),
)
def test_no_decision_treats_over_a_block_unless_it_records_the_reason(
    severities: list[Severity], decision: str, reason: str | None
) -> None:
    findings = [make_finding(s, f"rule.r{i}") for i, s in enumerate(severities)]
    try:
        check = decide(findings, decision, override_reason=reason)
    except ValueError:
        return
    if check.decision.treats and BLOCK in severities:
        assert check.override_reason
        assert check.override_reason.strip()
        assert set(check.overridden_rule_ids) == {
            f.rule_id for f in findings if f.severity is BLOCK
        }
