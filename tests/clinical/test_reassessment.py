"""Reassessment suggests a next step from the scores; the clinician decides and says why."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kapcare.clinical.findings import Severity
from kapcare.clinical.reassessment import (
    DECISION_LABELS,
    MAINTENANCE_SPACING,
    ReassessmentDecision,
    RecordedDecision,
    Scores,
    Suggestion,
    suggest,
)
from kapcare.clinical.routes import Route

D = ReassessmentDecision


def phq9(baseline: int, current: int, **kwargs: object) -> Suggestion:
    arguments: dict[str, object] = {
        "route": "iv_racemic",
        "primary": "phq9",
        "scores": [Scores("phq9", baseline, current)],
        "sessions_given": 6,
        "sessions_planned": 6,
    }
    arguments.update(kwargs)
    return suggest(**arguments)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("baseline", "current", "decision", "alternatives"),
    [
        (20, 4, D.MAINTENANCE, (D.COMPLETE,)),  # remission (<5 from >=10) and response
        (20, 10, D.MAINTENANCE, (D.COMPLETE,)),  # response: exactly half
        (20, 14, D.CONTINUE, (D.STOP, D.MAINTENANCE)),  # 6 points: meaningful, not response
        (20, 15, D.CONTINUE, (D.STOP, D.MAINTENANCE)),  # 5 points: exactly the MCID
        (20, 17, D.STOP, (D.CONTINUE,)),  # 3 points: no meaningful change
        (15, 20, D.STOP, (D.CONTINUE,)),  # 5 points worse: meaningful worsening
    ],
)
def test_the_primary_phq9_change_maps_to_a_suggestion(
    baseline: int, current: int, decision: D, alternatives: tuple[D, ...]
) -> None:
    s = phq9(baseline, current)
    assert s.decision is decision
    assert s.alternatives == alternatives
    assert s.reasons


def test_a_response_before_the_planned_sessions_end_suggests_finishing_the_course() -> None:
    s = phq9(20, 8, sessions_given=8, sessions_planned=12, route="intranasal_esketamine")
    assert s.decision is D.CONTINUE
    assert "4 planned induction session(s) remain." in s.reasons


def test_maintenance_for_esketamine_offers_the_labelled_weekly_or_fortnightly_spacing() -> None:
    s = phq9(20, 6, route="intranasal_esketamine", sessions_given=12, sessions_planned=12)
    assert s.decision is D.MAINTENANCE
    assert s.maintenance is not None
    assert s.maintenance.options_days == (7, 14)
    assert "K13" in s.sources


@pytest.mark.parametrize("route", [Route.IV_RACEMIC, Route.IM_RACEMIC, Route.SUBLINGUAL_RACEMIC])
def test_racemic_maintenance_spacing_is_an_individualised_local_default(route: Route) -> None:
    spacing = MAINTENANCE_SPACING[route]
    assert spacing.options_days == ()
    assert spacing.default_days == 14
    assert spacing.local_choice
    assert spacing.sources == ("K1", "K3")


def test_maintenance_reasons_cite_the_relapse_data() -> None:
    s = phq9(20, 6)
    assert {"K3", "K26"} <= set(s.sources)
    assert any("18 days" in r for r in s.reasons)


def test_remission_is_named_with_its_definition_and_sources() -> None:
    s = phq9(20, 4)
    assert any(r.startswith("Remission") for r in s.reasons)
    assert "K8b" in s.sources


def test_a_responder_at_a_clinic_without_maintenance_is_suggested_to_complete() -> None:
    s = phq9(20, 6, maintenance_offered=False)
    assert s.decision is D.COMPLETE
    assert s.maintenance is None


def test_a_stop_criterion_met_suggests_stop_whatever_the_scores() -> None:
    s = phq9(20, 4, stop_criteria_met=["New psychotic or manic symptoms."])
    assert s.decision is D.STOP
    assert s.alternatives == ()
    assert "Stop criterion met: New psychotic or manic symptoms." in s.reasons


def test_worsening_on_a_secondary_questionnaire_is_a_warning_not_a_decision() -> None:
    s = phq9(20, 8, scores=[Scores("phq9", 20, 8), Scores("gad7", 8, 14)])
    assert s.decision is D.MAINTENANCE
    [finding] = s.findings
    assert finding.rule_id == "reassessment.secondary_worsening"
    assert finding.severity is Severity.WARN
    assert finding.sources == ("R10",)


def test_a_zero_baseline_cannot_show_response_and_says_so() -> None:
    s = phq9(0, 0)
    assert s.decision is D.STOP
    assert [f.rule_id for f in s.findings] == ["reassessment.baseline_zero"]


def test_changes_come_from_classify_change_for_every_instrument() -> None:
    s = phq9(20, 8, scores=[Scores("phq9", 20, 8), Scores("gad7", 15, 5)])
    changes = {c.instrument: c for c in s.changes}
    assert changes["phq9"].response is True
    assert changes["gad7"].meaningful_improvement is True


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"primary": "gad7"}, r"primary: no scores for 'gad7'"),
        ({"scores": [Scores("phq9", 20, 8), Scores("phq9", 20, 9)]}, r"listed twice"),
        ({"scores": [Scores("phq9", 20, 28)]}, r"current: 28 is outside"),
        ({"sessions_given": -1}, r"sessions_given: must be a whole number"),
        ({"sessions_planned": 0}, r"sessions_planned: must be a whole number"),
        ({"route": "oral"}, r"route: 'oral' is unknown"),
        ({"stop_criteria_met": "stop"}, r"stop_criteria_met: must be a list"),
    ],
)
def test_impossible_reassessment_input_is_refused_naming_the_argument(
    kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        phq9(20, 8, **kwargs)


@given(
    baseline=st.integers(0, 27),
    current=st.integers(0, 27),
    given_sessions=st.integers(0, 12),
    planned=st.integers(1, 12),
)
def test_a_suggestion_is_always_one_of_the_four_decisions_with_a_reason(
    baseline: int, current: int, given_sessions: int, planned: int
) -> None:
    s = phq9(baseline, current, sessions_given=given_sessions, sessions_planned=planned)
    assert s.decision in set(D)
    assert s.decision not in s.alternatives
    assert s.reasons
    if current - baseline >= 5:
        assert s.decision is D.STOP
    assert (s.maintenance is not None) == (s.decision is D.MAINTENANCE)


# -- recording the clinician's decision -----------------------------------------------------


def test_every_decision_has_a_label() -> None:
    assert set(DECISION_LABELS) == set(D)


def test_a_recorded_maintenance_decision_carries_its_spacing_and_reason() -> None:
    record = RecordedDecision(
        decision="maintenance",  # type: ignore[arg-type]
        reason="Responded; wants to keep going every two weeks.",
        maintenance_spacing_days=14,
        suggested=D.MAINTENANCE,
    )
    assert record.decision is D.MAINTENANCE
    assert record.follows_suggestion is True


def test_a_clinician_may_decide_differently_from_the_suggestion() -> None:
    record = RecordedDecision(
        decision=D.CONTINUE, reason="Partial response; patient wants two more.", suggested=D.STOP
    )
    assert record.follows_suggestion is False


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"decision": "pause", "reason": "x"}, r"decision: 'pause' is unknown; allowed: continue"),
        ({"decision": D.STOP, "reason": "  "}, r"reason: must say why"),
        ({"decision": D.MAINTENANCE, "reason": "ok"}, r"maintenance_spacing_days: required"),
        (
            {"decision": D.MAINTENANCE, "reason": "ok", "maintenance_spacing_days": 0},
            r"allowed: whole days from 1 to 90",
        ),
        (
            {"decision": D.COMPLETE, "reason": "ok", "maintenance_spacing_days": 14},
            r"maintenance_spacing_days: only for maintenance",
        ),
    ],
)
def test_a_decision_without_a_reason_or_with_wrong_spacing_is_refused(
    kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        RecordedDecision(**kwargs)  # type: ignore[arg-type]
