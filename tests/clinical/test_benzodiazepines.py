"""Diazepam-equivalent conversion: the Ashton column by default, as an estimate with its source."""

import dataclasses
import re
from decimal import Decimal
from pathlib import Path

import pytest

from kapcare.clinical.benzodiazepines import (
    DEFAULT_TABLE,
    UnknownBenzodiazepineError,
    diazepam_equivalent,
    equivalence_table,
    table_names,
)
from kapcare.clinical.eligibility import Facts, Medication, screen

REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "clinical-reference.md"

# Dose that the Ashton column lists as about 10 mg of oral diazepam (reference §4).
ASHTON_SINGLE = [
    ("alprazolam", 0.5),
    ("chlordiazepoxide", 25),
    ("clonazepam", 0.5),
    ("clorazepate", 15),
    ("diazepam", 10),
    ("lorazepam", 1),
    ("oxazepam", 20),
    ("quazepam", 20),
    ("temazepam", 20),
    ("triazolam", 0.5),
]


def test_the_default_table_is_ashton() -> None:
    assert DEFAULT_TABLE == "ashton"
    assert table_names()[0] == "ashton"
    assert set(table_names()) == {"ashton", "va_dod_2021", "who_2009"}


@pytest.mark.parametrize(("drug", "dose"), ASHTON_SINGLE)
def test_each_ashton_equivalent_dose_converts_to_10_mg_diazepam(drug: str, dose: float) -> None:
    result = diazepam_equivalent(drug, dose)
    assert result.mg_per_day == 10.0
    assert result.range_mg_per_day == (10.0, 10.0)
    assert result.table == "ashton"


@pytest.mark.parametrize(("drug", "dose"), ASHTON_SINGLE)
def test_conversion_scales_linearly_with_the_daily_dose(drug: str, dose: float) -> None:
    assert diazepam_equivalent(drug, dose * 3).mg_per_day == 30.0


@pytest.mark.parametrize(
    ("drug", "dose", "midpoint", "low", "high"),
    [
        pytest.param("estazolam", 1.5, 10.0, 7.5, 15.0, id="estazolam 1-2 mg at the midpoint"),
        pytest.param("estazolam", 1, 6.67, 5.0, 10.0, id="estazolam 1 mg"),
        pytest.param("flurazepam", 22.5, 10.0, 7.5, 15.0, id="flurazepam 15-30 mg at the midpoint"),
        pytest.param("flurazepam", 30, 13.34, 10.0, 20.0, id="flurazepam 30 mg"),
    ],
)
def test_a_source_range_uses_its_midpoint_and_reports_the_spread(
    drug: str, dose: float, midpoint: float, low: float, high: float
) -> None:
    result = diazepam_equivalent(drug, dose)
    assert result.mg_per_day == midpoint
    assert result.range_mg_per_day == (low, high)


def test_every_result_is_a_frozen_estimate_with_its_table_version_and_source() -> None:
    result = diazepam_equivalent("clonazepam", 2)
    assert result.estimate is True
    assert result.table_version == "2026.1"
    assert result.source.startswith("[B1] ")
    assert result.drug == "clonazepam"
    assert result.daily_dose_mg == 2.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.mg_per_day = 1.0  # type: ignore[misc]


@pytest.mark.parametrize("name", ["Clonazepam", "  CLONAZEPAM ", "clonazepam"])
def test_drug_names_are_matched_regardless_of_case_and_spacing(name: str) -> None:
    assert diazepam_equivalent(name, 0.5).drug == "clonazepam"


@pytest.mark.parametrize(
    ("table", "drug", "dose", "mg_per_day", "source_key"),
    [
        ("va_dod_2021", "lorazepam", 2, 10.0, "[B1]"),
        ("va_dod_2021", "alprazolam", 1, 10.0, "[B1]"),
        ("who_2009", "midazolam (oral)", 5, 10.0, "[B2]"),
        ("who_2009", "bromazepam", 6, 10.0, "[B2]"),
    ],
)
def test_other_tables_can_be_chosen_and_say_so(
    table: str, drug: str, dose: float, mg_per_day: float, source_key: str
) -> None:
    result = diazepam_equivalent(drug, dose, table=table)
    assert result.mg_per_day == mg_per_day
    assert result.table == table
    assert result.source.startswith(source_key)


def test_the_same_dose_can_differ_between_tables_which_is_why_the_table_is_recorded() -> None:
    ashton = diazepam_equivalent("lorazepam", 2)
    va_dod = diazepam_equivalent("lorazepam", 2, table="va_dod_2021")
    assert (ashton.mg_per_day, va_dod.mg_per_day) == (20.0, 10.0)


def test_an_unknown_drug_raises_listing_the_known_drugs() -> None:
    with pytest.raises(UnknownBenzodiazepineError, match="Known drugs: alprazolam") as raised:
        diazepam_equivalent("zolpidem", 10)
    assert "zolpidem" in str(raised.value)
    assert isinstance(raised.value, ValueError)


def test_a_drug_missing_from_the_chosen_table_names_the_tables_that_have_it() -> None:
    with pytest.raises(UnknownBenzodiazepineError, match="It is in: who_2009"):
        diazepam_equivalent("clobazam", 10)


def test_an_unknown_table_raises_listing_the_known_tables() -> None:
    with pytest.raises(UnknownBenzodiazepineError, match="Known tables: ashton"):
        diazepam_equivalent("diazepam", 10, table="maudsley")


@pytest.mark.parametrize("dose", [-1, -0.01, float("nan"), float("inf")])
def test_a_negative_or_non_finite_dose_raises(dose: float) -> None:
    with pytest.raises(ValueError, match="daily_dose_mg"):
        diazepam_equivalent("diazepam", dose)


@pytest.mark.parametrize("dose", [True, "10", None])
def test_a_dose_that_is_not_a_number_raises(dose: object) -> None:
    with pytest.raises(ValueError, match="daily_dose_mg"):
        diazepam_equivalent("diazepam", dose)  # type: ignore[arg-type]


def test_a_zero_dose_converts_to_zero() -> None:
    assert diazepam_equivalent("alprazolam", 0).mg_per_day == 0.0


def test_results_round_up_so_a_dose_just_above_a_threshold_is_never_rounded_onto_it() -> None:
    assert diazepam_equivalent("clonazepam", 0.4).mg_per_day == 8.0
    assert diazepam_equivalent("clonazepam", 0.4001).mg_per_day == 8.01


@pytest.mark.parametrize(("clonazepam_mg", "flagged"), [(0.4, False), (0.425, True), (0.5, True)])
def test_a_converted_dose_feeds_the_8_mg_screening_rule(
    clonazepam_mg: float, flagged: bool
) -> None:
    converted = diazepam_equivalent("clonazepam", clonazepam_mg)
    facts = Facts(
        route="iv_racemic",
        conditions=set(),
        medications=[
            Medication(
                drug_class="benzodiazepine",
                diazepam_equivalent_mg_per_day=converted.mg_per_day,
                name="clonazepam",
            )
        ],
        pregnant=False,
        breastfeeding=False,
        systolic_bp=120,
        diastolic_bp=80,
        age_years=40,
    )
    rule_ids = {f.rule_id for f in screen(facts)}
    assert ("interaction.benzodiazepine_high_dose" in rule_ids) is flagged


def _reference_columns() -> dict[str, dict[str, tuple[Decimal, Decimal]]]:
    """Parse the equivalence table in the clinical reference, one dict per column."""
    text = REFERENCE.read_text(encoding="utf-8")
    section = text.split("| Drug | Dose ≈ 10 mg oral diazepam", 1)[1].split("\n\n", 1)[0]
    columns: dict[str, dict[str, tuple[Decimal, Decimal]]] = {
        "ashton": {},
        "va_dod_2021": {},
        "who_2009": {},
    }
    for line in section.splitlines()[2:]:
        drug, *cells = (cell.strip() for cell in line.strip("|").split("|"))
        for table, cell in zip(columns, cells, strict=True):
            numbers = re.findall(r"[0-9.]+", cell)
            if numbers:
                low, high = Decimal(numbers[0]), Decimal(numbers[-1])
                columns[table][drug.lower()] = (low, high)
    return columns


@pytest.mark.skipif(not REFERENCE.exists(), reason="shared clinical reference not checked out")
@pytest.mark.parametrize("table", ["ashton", "va_dod_2021", "who_2009"])
def test_the_conversion_data_matches_the_clinical_reference_table(table: str) -> None:
    assert dict(equivalence_table(table).doses) == _reference_columns()[table]
