"""Vital-sign and sedation findings at and around every threshold."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from kapcare.clinical.findings import Finding, Severity
from kapcare.clinical.vitals import (
    DEFAULT_THRESHOLDS,
    Phase,
    Thresholds,
    VitalSigns,
    assess,
    assess_sedation,
)

ESKETAMINE = "intranasal_esketamine"
SEVERITY_RANK = {Severity.INFO: 0, Severity.WARN: 1, Severity.BLOCK: 2}


def vitals(
    systolic: int = 120,
    diastolic: int = 80,
    heart_rate: int = 72,
    spo2: int = 98,
    respiratory_rate: int | None = 14,
) -> VitalSigns:
    return VitalSigns(
        systolic=systolic,
        diastolic=diastolic,
        heart_rate=heart_rate,
        spo2=spo2,
        respiratory_rate=respiratory_rate,
    )


def by_rule(findings: tuple[Finding, ...]) -> dict[str, Severity]:
    return {f.rule_id: f.severity for f in findings}


def test_the_issue_example_is_a_pre_dose_warning_that_needs_a_prescriber() -> None:
    findings = assess(
        VitalSigns(systolic=150, diastolic=95, heart_rate=88, spo2=98),
        phase="pre_dose",
        route="intranasal_esketamine",
    )
    (f,) = findings
    assert f.rule_id == "vitals.bp_above_pre_dose_limit"
    assert f.severity == "warn"
    assert "prescriber" in f.action
    assert f.sources == ("K10",)
    assert f.local_choice is False


def test_normal_readings_give_no_findings_in_any_phase() -> None:
    for phase in Phase:
        assert assess(vitals(), phase=phase, route=ESKETAMINE) == ()


@pytest.mark.parametrize(
    ("systolic", "diastolic", "expected"),
    [
        (140, 90, {}),
        (141, 80, {"vitals.bp_above_pre_dose_limit": Severity.WARN}),
        (130, 91, {"vitals.bp_above_pre_dose_limit": Severity.WARN}),
        (179, 109, {"vitals.bp_above_pre_dose_limit": Severity.WARN}),
        (
            180,
            100,
            {"vitals.bp_above_pre_dose_limit": Severity.WARN, "vitals.bp_severe": Severity.BLOCK},
        ),
        (
            150,
            110,
            {"vitals.bp_above_pre_dose_limit": Severity.WARN, "vitals.bp_severe": Severity.BLOCK},
        ),
    ],
)
def test_pre_dose_blood_pressure_is_judged_against_140_90_and_180_110(
    systolic: int, diastolic: int, expected: dict[str, Severity]
) -> None:
    findings = assess(vitals(systolic, diastolic), phase="pre_dose", route=ESKETAMINE)
    assert by_rule(findings) == expected


@pytest.mark.parametrize("phase", list(Phase))
@pytest.mark.parametrize(("systolic", "diastolic"), [(180, 90), (165, 110), (200, 120)])
def test_a_severe_blood_pressure_is_a_block_in_every_phase(
    phase: Phase, systolic: int, diastolic: int
) -> None:
    findings = assess(vitals(systolic, diastolic), phase=phase, route=ESKETAMINE)
    assert by_rule(findings)["vitals.bp_severe"] is Severity.BLOCK
    assert findings[0].rule_id == "vitals.bp_severe"  # most urgent first


@pytest.mark.parametrize(("systolic", "diastolic"), [(179, 100), (170, 109)])
def test_just_below_180_110_is_not_severe(systolic: int, diastolic: int) -> None:
    findings = assess(vitals(systolic, diastolic), phase="dosing", route=ESKETAMINE)
    assert "vitals.bp_severe" not in by_rule(findings)


@pytest.mark.parametrize(
    ("phase", "rule", "severity"),
    [
        ("dosing", "vitals.bp_elevated", Severity.INFO),
        ("recovery", "vitals.bp_elevated", Severity.INFO),
        ("discharge", "vitals.bp_not_settled", Severity.WARN),
    ],
)
def test_a_raised_blood_pressure_after_the_dose_is_expected_but_must_settle_for_discharge(
    phase: str, rule: str, severity: Severity
) -> None:
    findings = assess(vitals(150, 95), phase=phase, route=ESKETAMINE)
    assert by_rule(findings) == {rule: severity}


def test_holding_discharge_for_a_raised_blood_pressure_is_marked_as_a_local_choice() -> None:
    (f,) = assess(vitals(150, 95), phase="discharge", route=ESKETAMINE)
    assert f.local_choice is True
    assert "clinic setting" in f.message


def test_racemic_ketamine_borrows_the_label_numbers_as_a_local_choice() -> None:
    findings = assess(vitals(185, 95), phase="pre_dose", route="iv_racemic")
    assert findings
    assert all(f.local_choice for f in findings)


def test_esketamine_blood_pressure_findings_cite_the_label() -> None:
    (severe, raised) = assess(vitals(185, 95), phase="pre_dose", route=ESKETAMINE)
    assert severe.rule_id == "vitals.bp_severe"
    assert "K12b" in severe.sources
    assert raised.sources == ("K10",)
    assert not severe.local_choice
    assert not raised.local_choice


@pytest.mark.parametrize(
    ("spo2", "severity"),
    [(100, None), (94, None), (93, Severity.WARN), (90, Severity.WARN), (89, Severity.BLOCK)],
)
def test_spo2_warns_below_94_and_blocks_below_90_by_default(
    spo2: int, severity: Severity | None
) -> None:
    findings = assess(vitals(spo2=spo2), phase="dosing", route=ESKETAMINE)
    assert by_rule(findings).get("vitals.spo2_low") is severity


@pytest.mark.parametrize(
    ("heart_rate", "rule", "severity"),
    [
        (50, None, None),
        (49, "vitals.heart_rate_low", Severity.WARN),
        (40, "vitals.heart_rate_low", Severity.WARN),
        (39, "vitals.heart_rate_low", Severity.BLOCK),
        (120, None, None),
        (121, "vitals.heart_rate_high", Severity.WARN),
        (150, "vitals.heart_rate_high", Severity.WARN),
        (151, "vitals.heart_rate_high", Severity.BLOCK),
    ],
)
def test_heart_rate_warns_outside_50_to_120_and_blocks_outside_40_to_150_by_default(
    heart_rate: int, rule: str | None, severity: Severity | None
) -> None:
    findings = assess(vitals(heart_rate=heart_rate), phase="dosing", route=ESKETAMINE)
    expected = {} if rule is None else {rule: severity}
    assert by_rule(findings) == expected


@pytest.mark.parametrize(
    ("respiratory_rate", "rule", "severity"),
    [
        (None, None, None),
        (10, None, None),
        (9, "vitals.respiratory_rate_low", Severity.WARN),
        (8, "vitals.respiratory_rate_low", Severity.WARN),
        (7, "vitals.respiratory_rate_low", Severity.BLOCK),
        (0, "vitals.respiratory_rate_low", Severity.BLOCK),
        (24, None, None),
        (25, "vitals.respiratory_rate_high", Severity.WARN),
        (30, "vitals.respiratory_rate_high", Severity.WARN),
        (31, "vitals.respiratory_rate_high", Severity.BLOCK),
    ],
)
def test_respiratory_rate_warns_outside_10_to_24_and_blocks_outside_8_to_30_by_default(
    respiratory_rate: int | None, rule: str | None, severity: Severity | None
) -> None:
    findings = assess(vitals(respiratory_rate=respiratory_rate), phase="recovery", route=ESKETAMINE)
    expected = {} if rule is None else {rule: severity}
    assert by_rule(findings) == expected


def test_spo2_heart_rate_and_respiratory_findings_say_they_are_a_local_choice() -> None:
    findings = assess(
        vitals(heart_rate=130, spo2=92, respiratory_rate=26), phase="dosing", route=ESKETAMINE
    )
    assert len(findings) == 3
    for f in findings:
        assert f.local_choice is True
        assert f.sources == ()
        assert "confirm it locally" in f.message


def test_the_defaults_that_a_clinic_must_confirm_are_exactly_spo2_heart_and_breathing() -> None:
    local = set(DEFAULT_THRESHOLDS.local_choices())
    assert local == {
        name
        for name in (f.name for f in dataclasses.fields(Thresholds))
        if name.startswith(("spo2", "heart_rate", "respiratory_rate"))
    }
    assert DEFAULT_THRESHOLDS.provenance("elevated_systolic_above").sources == ("K10",)
    assert DEFAULT_THRESHOLDS.provenance("severe_diastolic_at_or_above").sources == ("K12b",)


def test_clinic_thresholds_override_the_defaults() -> None:
    clinic = dataclasses.replace(DEFAULT_THRESHOLDS, spo2_warn_below=92, spo2_block_below=88)
    assert assess(vitals(spo2=93), phase="dosing", route=ESKETAMINE, thresholds=clinic) == ()
    (f,) = assess(vitals(spo2=89), phase="dosing", route=ESKETAMINE, thresholds=clinic)
    assert f.severity is Severity.WARN
    assert "below 92%" in f.message


def test_changing_a_sourced_threshold_makes_it_the_clinics_own_choice() -> None:
    clinic = dataclasses.replace(DEFAULT_THRESHOLDS, elevated_systolic_above=150)
    assert clinic.provenance("elevated_systolic_above").local_choice is True
    assert assess(vitals(150, 85), phase="pre_dose", route=ESKETAMINE, thresholds=clinic) == ()
    (f,) = assess(vitals(151, 85), phase="pre_dose", route=ESKETAMINE, thresholds=clinic)
    assert f.local_choice is True


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"spo2_block_below": 95}, "spo2_block_below"),
        ({"heart_rate_warn_above": 160}, "heart_rate_warn_above"),
        ({"elevated_systolic_above": 190}, "elevated_systolic_above"),
        ({"spo2_warn_below": 0}, "spo2_warn_below"),
        ({"spo2_warn_below": 101, "spo2_block_below": 90}, "spo2_warn_below"),
    ],
)
def test_thresholds_that_contradict_each_other_are_refused_by_name(
    changes: dict[str, int], field: str
) -> None:
    with pytest.raises(ValueError, match=rf"^{field}"):
        dataclasses.replace(DEFAULT_THRESHOLDS, **changes)


@pytest.mark.parametrize(
    ("changes", "field", "allowed"),
    [
        ({"systolic": 49}, "systolic", "50 to 300"),
        ({"systolic": 301}, "systolic", "50 to 300"),
        ({"diastolic": 19, "systolic": 60}, "diastolic", "20 to 200"),
        ({"spo2": 101}, "spo2", "50 to 100"),
        ({"spo2": 49}, "spo2", "50 to 100"),
        ({"heart_rate": 19}, "heart_rate", "20 to 250"),
        ({"heart_rate": 251}, "heart_rate", "20 to 250"),
        ({"respiratory_rate": 81}, "respiratory_rate", "0 to 80"),
        ({"respiratory_rate": -1}, "respiratory_rate", "0 to 80"),
    ],
)
def test_an_implausible_reading_is_refused_naming_the_field_and_its_range(
    changes: dict[str, int], field: str, allowed: str
) -> None:
    with pytest.raises(ValueError, match=rf"^{field}: .*{allowed}"):
        vitals(**changes)


@pytest.mark.parametrize(("systolic", "diastolic"), [(80, 90), (90, 90)])
def test_a_systolic_at_or_below_the_diastolic_is_refused(systolic: int, diastolic: int) -> None:
    with pytest.raises(ValueError, match=r"^systolic: .* must be above diastolic"):
        vitals(systolic, diastolic)


@pytest.mark.parametrize("value", [120.5, "120", True])
def test_a_reading_that_is_not_a_whole_number_is_refused(value: object) -> None:
    with pytest.raises(ValueError, match=r"^systolic: must be a whole number"):
        vitals(systolic=value)  # type: ignore[arg-type]


def test_an_unknown_phase_or_route_is_refused_with_the_allowed_values() -> None:
    with pytest.raises(ValueError, match=r"phase: 'after'.*pre_dose, dosing, recovery, discharge"):
        assess(vitals(), phase="after", route=ESKETAMINE)
    with pytest.raises(ValueError, match=r"route: 'oral'"):
        assess(vitals(), phase="dosing", route="oral")


# -- MOAA/S -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moaas", "rule", "severity"),
    [
        (5, None, None),
        (4, "sedation.moaas_mild", Severity.INFO),
        (3, "sedation.moaas_alert", Severity.BLOCK),
        (2, "sedation.moaas_alert", Severity.BLOCK),
        (1, "sedation.moaas_alert", Severity.BLOCK),
        (0, "sedation.moaas_alert", Severity.BLOCK),
    ],
)
def test_a_moaas_of_3_or_less_raises_an_alert(
    moaas: int, rule: str | None, severity: Severity | None
) -> None:
    expected = {} if rule is None else {rule: severity}
    assert by_rule(assess_sedation(moaas)) == expected


def test_a_moaas_of_0_is_called_loss_of_consciousness_and_cites_the_source() -> None:
    (f,) = assess_sedation(0)
    assert "loss of consciousness" in f.message
    assert "S1" in f.sources


@pytest.mark.parametrize("moaas", [-1, 6, 3.5, True, None])
def test_a_moaas_outside_0_to_5_is_refused(moaas: object) -> None:
    with pytest.raises(ValueError, match=r"^moaas: must be a whole number from 0 to 5"):
        assess_sedation(moaas)  # type: ignore[arg-type]


# -- properties -----------------------------------------------------------------------


@st.composite
def readings(draw: st.DrawFn) -> VitalSigns:
    diastolic = draw(st.integers(min_value=20, max_value=200))
    systolic = draw(st.integers(min_value=max(50, diastolic + 1), max_value=300))
    return VitalSigns(
        systolic=systolic,
        diastolic=diastolic,
        heart_rate=draw(st.integers(min_value=20, max_value=250)),
        spo2=draw(st.integers(min_value=50, max_value=100)),
        respiratory_rate=draw(st.none() | st.integers(min_value=0, max_value=80)),
    )


def bp_findings(findings: tuple[Finding, ...]) -> dict[str, Severity]:
    return {f.rule_id: f.severity for f in findings if f.rule_id.startswith("vitals.bp_")}


@given(
    reading=readings(),
    rise=st.integers(min_value=1, max_value=250),
    phase=st.sampled_from(list(Phase)),
    route=st.sampled_from(["intranasal_esketamine", "iv_racemic", "im_racemic"]),
)
def test_raising_the_systolic_never_removes_a_blood_pressure_finding(
    reading: VitalSigns, rise: int, phase: Phase, route: str
) -> None:
    higher_systolic = reading.systolic + rise
    assume(higher_systolic <= 300)
    higher = dataclasses.replace(reading, systolic=higher_systolic)
    before = bp_findings(assess(reading, phase=phase, route=route))
    after = bp_findings(assess(higher, phase=phase, route=route))
    for rule, severity in before.items():
        assert rule in after
        assert SEVERITY_RANK[after[rule]] >= SEVERITY_RANK[severity]


@given(reading=readings(), phase=st.sampled_from(list(Phase)))
def test_findings_always_come_most_urgent_first(reading: VitalSigns, phase: Phase) -> None:
    ranks = [SEVERITY_RANK[f.severity] for f in assess(reading, phase=phase, route=ESKETAMINE)]
    assert ranks == sorted(ranks, reverse=True)
