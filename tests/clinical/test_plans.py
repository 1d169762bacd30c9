"""Treatment plans: templates carry the reference's numbers, and bad plans are refused."""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from kapcare.clinical.findings import Severity
from kapcare.clinical.plans import (
    DoseUnit,
    PlanTemplate,
    QuestionnaireItem,
    QuestionnaireWhen,
    TemplateError,
    TreatmentPlan,
    WeekBlock,
    load_template,
    load_templates,
    parse_template,
    validate_plan,
)
from kapcare.clinical.plans.model import SECTIONS, section_fields
from kapcare.clinical.routes import Route

DATA = Path(__file__).parents[2] / "src/kapcare/clinical/plans/data"
IV = "iv_racemic_induction"
IM = "im_kap_titration"
SL = "sublingual_kap"
ESK = "esketamine_label_induction"


def template(template_id: str) -> PlanTemplate:
    return load_templates()[template_id]


def plan(template_id: str = IV) -> TreatmentPlan:
    return template(template_id).plan


def change(p: TreatmentPlan, section: str, **values: Any) -> TreatmentPlan:
    return dataclasses.replace(p, **{section: dataclasses.replace(getattr(p, section), **values)})


def rule_ids(p: TreatmentPlan) -> set[str]:
    return {f.rule_id for f in validate_plan(p)}


def template_text(template_id: str) -> str:
    return (DATA / f"{template_id}-2026.1.toml").read_text(encoding="utf-8")


# -- the packaged templates carry the reference's numbers ----------------------------------


def test_there_is_one_template_for_each_route() -> None:
    assert {t.route for t in load_templates().values()} == set(Route)
    assert set(load_templates()) == {IV, IM, SL, ESK}


@pytest.mark.parametrize(
    ("template_id", "route", "sources"),
    [
        (IV, Route.IV_RACEMIC, ("K1", "K3", "K26")),
        (IM, Route.IM_RACEMIC, ("K5",)),
        (SL, Route.SUBLINGUAL_RACEMIC, ("K8", "K8b")),
        (ESK, Route.INTRANASAL_ESKETAMINE, ("K13", "K13b", "K14")),
    ],
)
def test_each_template_names_its_route_version_and_sources(
    template_id: str, route: Route, sources: tuple[str, ...]
) -> None:
    t = template(template_id)
    assert (t.id, t.version, t.route, t.sources) == (template_id, "2026.1", route, sources)
    assert t.title


@pytest.mark.parametrize(
    ("template_id", "sessions", "min_days", "max_days", "unit", "start", "step", "cap"),
    [
        (IV, 6, 2, 4, DoseUnit.MG_PER_KG, "0.5", "0", "0.5"),
        (IM, 5, 7, None, DoseUnit.MG_PER_KG, "0.1", "0.1", "0.5"),
        (SL, 4, 7, 10, DoseUnit.MG, "300", "150", "450"),
        (ESK, 12, 2, None, DoseUnit.MG, "56", "28", "84"),
    ],
)
def test_each_template_has_the_reference_schedule_and_dose(
    template_id: str,
    sessions: int,
    min_days: int,
    max_days: int | None,
    unit: DoseUnit,
    start: str,
    step: str,
    cap: str,
) -> None:
    p = plan(template_id)
    assert (p.induction.sessions, p.induction.min_spacing_days) == (sessions, min_days)
    assert p.induction.max_spacing_days == max_days
    assert p.dose.unit is unit
    assert (p.dose.starting, p.dose.titration_step, p.dose.per_session_cap) == (
        Decimal(start),
        Decimal(step),
        Decimal(cap),
    )


def test_the_iv_template_is_six_infusions_of_half_a_mg_per_kg_over_40_minutes() -> None:
    p = plan(IV)
    assert p.dose.infusion_minutes == 40
    assert "K1" in p.dose.sources
    assert "K3" in p.induction.sources


def test_six_iv_infusions_at_most_four_days_apart_fit_within_three_weeks() -> None:
    p = plan(IV)
    assert p.induction.max_spacing_days is not None
    assert (p.induction.sessions - 1) * p.induction.max_spacing_days <= 21


def test_the_im_template_reaches_half_a_mg_per_kg_in_its_last_session() -> None:
    dose = plan(IM).dose
    steps = plan(IM).induction.sessions - 1
    assert dose.starting + steps * dose.titration_step == dose.per_session_cap
    assert plan(IM).induction.min_spacing_days >= 7


def test_the_esketamine_template_follows_the_label_weeks() -> None:
    p = plan(ESK)
    assert p.induction.weeks == (
        WeekBlock(first_week=1, last_week=4, sessions_per_week=2),
        WeekBlock(first_week=5, last_week=8, sessions_per_week=1),
    )
    assert "K13" in p.induction.sources
    assert p.dose.starting == 56


def test_the_esketamine_template_integrates_after_doses_1_and_2_then_every_2() -> None:
    therapy = plan(ESK).therapy
    assert [n for n in range(1, 13) if therapy.integration_follows(n)] == [1, 2, 4, 6, 8, 10, 12]
    assert "K29" in therapy.sources


@pytest.mark.parametrize(
    ("template_id", "local"),
    [
        (IV, {"min_spacing_days", "max_spacing_days"}),
        (IM, {"sessions"}),
        (SL, {"min_spacing_days", "max_spacing_days"}),
        (ESK, {"min_spacing_days"}),
    ],
)
def test_spacing_the_reference_does_not_state_is_marked_a_local_choice(
    template_id: str, local: set[str]
) -> None:
    assert set(plan(template_id).induction.local_choices) == local


@pytest.mark.parametrize("template_id", [IV, IM, SL, ESK])
def test_every_course_cap_is_a_local_choice(template_id: str) -> None:
    assert "course_cap" in plan(template_id).dose.local_choices


def test_sublingual_titration_is_a_local_choice_within_the_reported_300_to_450_mg() -> None:
    dose = plan(SL).dose
    assert "titration_step" in dose.local_choices
    assert {"K8", "K8b"} <= set(dose.sources)


@pytest.mark.parametrize("template_id", [IV, IM, SL, ESK])
def test_every_template_section_says_where_its_numbers_come_from(template_id: str) -> None:
    p = plan(template_id)
    for name in SECTIONS:
        section = getattr(p, name)
        assert section.sources or section.local_choices, name
        assert set(section.local_choices) <= set(section_fields(section)), name
        if section.local_choices:
            assert section.note.strip(), name


@pytest.mark.parametrize("template_id", [IV, IM, SL, ESK])
def test_every_template_measures_its_primary_questionnaire_at_baseline(template_id: str) -> None:
    assert "plans.no_baseline_for_reassessment" not in rule_ids(plan(template_id))
    assert all(f.severity is Severity.INFO for f in template(template_id).findings)


@pytest.mark.parametrize("template_id", [IV, IM, SL, ESK])
def test_every_source_key_in_a_template_file_is_a_reference_key(template_id: str) -> None:
    keys = set(re.findall(r'"([A-Z][0-9]+[a-z]?)"', template_text(template_id)))
    assert keys
    assert keys <= {
        "K1",
        "K3",
        "K5",
        "K7",
        "K8",
        "K8b",
        "K13",
        "K13b",
        "K14",
        "K26",
        "K29",
        "K33",
        "R25",
    }


def test_a_template_can_be_loaded_by_exact_version_for_a_signed_plan() -> None:
    assert load_template(ESK, "2026.1") == template(ESK)


def test_an_unknown_template_version_is_refused() -> None:
    with pytest.raises(TemplateError, match="no packaged template"):
        load_template(ESK, "2025.9")


# -- strict loading ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('route = "iv_racemic"', 'route = "oral"', r"template\.route: 'oral' is unknown"),
        ("sessions = 6\n", "sessions = 6\nsesions = 6\n", r"unknown \['sesions'\]"),
        ('sources = ["K1", "K3", "K26"]', 'sources = ["ketamine paper"]', "not a reference key"),
        ('unit = "mg_per_kg"', 'unit = "ml"', r"dose\.unit: 'ml' is unknown"),
        ('when = "baseline"', 'when = "weekly"', r"when: 'weekly' is unknown"),
        ('instrument = "gad7"', 'instrument = "madrs"', r"instrument: 'madrs' is unknown"),
        ("per_session_cap = 0.5", "per_session_cap = 0.4", "per_session_cap: 0.4 is below"),
        (
            'local_choices = ["titration_step", "course_cap"]',
            'local_choices = ["cap"]',
            "not a field",
        ),
        ("min_spacing_days = 2", 'min_spacing_days = "2"', "must be a whole number"),
        ("after_sessions = 6", "after_sessions = 6.0", r"after_sessions must be a whole number"),
    ],
)
def test_a_template_with_a_mistake_is_refused_naming_the_field(
    old: str, new: str, message: str
) -> None:
    text = template_text(IV)
    assert old in text
    with pytest.raises(TemplateError, match=message):
        parse_template(text.replace(old, new, 1), origin="edited.toml")


def test_a_template_section_without_sources_or_local_choices_is_refused() -> None:
    text = template_text(IM).replace(
        'local_choices = ["after_sessions", "primary_instrument"]\n', "", 1
    )
    with pytest.raises(TemplateError, match="needs sources"):
        parse_template(text)


def test_a_local_choice_without_a_note_is_refused() -> None:
    text = re.sub(r'note = "6 infusions[^\n]*\n', "", template_text(IV), count=1)
    with pytest.raises(TemplateError, match=r"induction\.note: required"):
        parse_template(text)


def test_a_note_that_is_not_text_is_refused() -> None:
    text = re.sub(r'note = "Response is reported[^\n]*', "note = 1", template_text(IV), count=1)
    with pytest.raises(TemplateError, match=r"reassessment\.note must be text"):
        parse_template(text)


def test_a_template_that_is_not_toml_is_refused() -> None:
    with pytest.raises(TemplateError, match="not valid TOML"):
        parse_template("[template", origin="broken.toml")


def test_decimals_in_templates_are_read_exactly() -> None:
    assert plan(IM).dose.titration_step == Decimal("0.1")
    assert plan(IM).dose.course_cap == Decimal("1.5")


# -- validate_plan refuses what cannot be carried out --------------------------------------


@pytest.mark.parametrize(
    ("template_id", "section", "values", "message"),
    [
        (IV, "dose", {"per_session_cap": Decimal("0.4")}, r"dose\.per_session_cap: 0\.4 is below"),
        (IV, "dose", {"course_cap": Decimal("0.4")}, r"dose\.course_cap: 0\.4 is below"),
        (IV, "dose", {"starting": Decimal(0)}, r"dose\.starting: 0 is not allowed"),
        (IV, "dose", {"titration_step": Decimal(-1)}, r"dose\.titration_step: -1"),
        (IV, "dose", {"infusion_minutes": None}, r"dose\.infusion_minutes: must be a whole"),
        (IM, "dose", {"infusion_minutes": 40}, r"dose\.infusion_minutes: does not apply"),
        (IM, "dose", {"unit": DoseUnit.MG}, r"dose\.unit: .* allowed: mg_per_kg"),
        (ESK, "dose", {"starting": Decimal(50)}, r"dose\.starting: 50 mg .* allowed: 28, 56, 84"),
        (ESK, "dose", {"per_session_cap": Decimal(112)}, r"per_session_cap: 112 mg .* 28, 56, 84"),
        (ESK, "dose", {"titration_step": Decimal(30)}, r"titration_step: 30 mg"),
        (ESK, "dose", {"unit": DoseUnit.MG_PER_KG}, r"dose\.unit: .* allowed: mg"),
        (IV, "induction", {"min_spacing_days": -2}, r"min_spacing_days: -2 is out of range"),
        (IV, "induction", {"min_spacing_days": 0}, r"min_spacing_days: 0 is out of range"),
        (IV, "induction", {"max_spacing_days": 1}, r"max_spacing_days: 1 is out of range"),
        (IV, "induction", {"sessions": 0}, r"induction\.sessions: 0 is out of range"),
        (ESK, "induction", {"sessions": 10}, r"sessions: 10 does not match the 12"),
        (
            ESK,
            "induction",
            {"weeks": (WeekBlock(first_week=2, last_week=4, sessions_per_week=2),)},
            r"first_week: 2 leaves a gap",
        ),
        (
            ESK,
            "induction",
            {"weeks": (WeekBlock(first_week=1, last_week=1, sessions_per_week=5),), "sessions": 5},
            r"5 sessions cannot fit in 7 days",
        ),
        (IV, "therapy", {"preparation_sessions": -1}, r"preparation_sessions: -1"),
        (IV, "therapy", {"integration_every_n_doses": 0}, r"integration_every_n_doses: 0"),
        (IV, "reassessment", {"after_sessions": 7}, r"after_sessions: 7 is out of range"),
        (IV, "reassessment", {"primary_instrument": "daily_checkin"}, r"no response"),
        (
            IV,
            "questionnaires",
            {"items": (QuestionnaireItem(instrument="phq9", when=QuestionnaireWhen.EVERY_N_DAYS),)},
            r"every_n_days: must be a whole number",
        ),
        (
            IV,
            "questionnaires",
            {
                "items": (
                    QuestionnaireItem(
                        instrument="phq9", when=QuestionnaireWhen.BASELINE, every_n_days=7
                    ),
                )
            },
            r"every_n_days: only for when = every_n_days",
        ),
        (
            IV,
            "questionnaires",
            {
                "items": (
                    QuestionnaireItem(instrument="phq9", when=QuestionnaireWhen.BASELINE),
                    QuestionnaireItem(instrument="phq9", when=QuestionnaireWhen.BASELINE),
                )
            },
            r"listed twice",
        ),
        (IV, "dose", {"local_choices": ("dose_mg",)}, r"'dose_mg' is not a field of dose"),
        (IV, "dose", {"sources": (), "local_choices": ()}, r"dose: needs sources"),
    ],
)
def test_a_plan_that_cannot_be_carried_out_is_refused_naming_the_field(
    template_id: str, section: str, values: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        validate_plan(change(plan(template_id), section, **values))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("indication", " ", r"indication: must be non-empty"),
        ("goals", ("",), r"goals\[0\]: must be non-empty"),
        ("stop_criteria", ("ok", ""), r"stop_criteria\[1\]"),
        ("route", "oral", r"route: 'oral' is unknown"),
    ],
)
def test_plan_text_fields_and_route_are_checked(field: str, value: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        validate_plan(dataclasses.replace(plan(IV), **{field: value}))


def test_every_n_days_questionnaires_are_accepted_with_a_day_count() -> None:
    items = (
        *plan(IV).questionnaires.items,
        QuestionnaireItem(instrument="gad7", when=QuestionnaireWhen.EVERY_N_DAYS, every_n_days=14),
    )
    validate_plan(change(plan(IV), "questionnaires", items=items))


# -- validate_plan reports what deserves a second look -------------------------------------


@pytest.mark.parametrize(
    ("template_id", "section", "values", "rule_id", "sources"),
    [
        (
            IV,
            "dose",
            {"starting": Decimal("1.5"), "per_session_cap": Decimal("1.5")},
            "plans.dose_outside_studied_range",
            ("K1", "K2"),
        ),
        (IM, "dose", {"titration_step": Decimal("0.2")}, "plans.im_step_above_reference", ("K5",)),
        (
            IM,
            "induction",
            {"min_spacing_days": 3},
            "plans.im_titration_spacing_below_reference",
            ("K5",),
        ),
        (ESK, "dose", {"starting": Decimal(84)}, "plans.esketamine_day1_not_56", ("K13",)),
        (IV, "dose", {"course_cap": Decimal("2.0")}, "plans.course_cap_below_induction", ()),
    ],
)
def test_a_plan_outside_the_reference_gets_a_warning_with_its_source(
    template_id: str,
    section: str,
    values: dict[str, Any],
    rule_id: str,
    sources: tuple[str, ...],
) -> None:
    findings = {f.rule_id: f for f in validate_plan(change(plan(template_id), section, **values))}
    assert findings[rule_id].severity is Severity.WARN
    assert findings[rule_id].sources == sources


def test_a_plan_without_a_baseline_for_its_primary_questionnaire_gets_a_warning() -> None:
    items = tuple(i for i in plan(IV).questionnaires.items if i.instrument != "phq9")
    assert "plans.no_baseline_for_reassessment" in rule_ids(
        change(plan(IV), "questionnaires", items=items)
    )


def test_a_plan_without_stop_criteria_gets_a_warning() -> None:
    p = dataclasses.replace(plan(IV), stop_criteria=())
    assert "plans.no_stop_criteria" in rule_ids(p)


def test_a_plan_with_the_patients_goals_has_no_goal_finding() -> None:
    p = dataclasses.replace(plan(IV), goals=("Get back to playing music with my daughter",))
    assert "plans.no_goals" not in rule_ids(p)


def test_findings_come_most_severe_first() -> None:
    p = dataclasses.replace(change(plan(ESK), "dose", starting=Decimal(84)), goals=())
    severities = [f.severity.rank for f in validate_plan(p)]
    assert severities == sorted(severities)
    assert len(severities) >= 2


def test_plans_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        plan(IV).indication = "changed"  # type: ignore[misc]
