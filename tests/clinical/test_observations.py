"""Observations: only MOAA/S 3 or less alerts by source; other alerts are local choices."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kapcare.clinical.findings import Severity
from kapcare.clinical.observations import (
    DEFAULT_RULES,
    GUIDANCE,
    SIDE_EFFECTS,
    ObservationRules,
    Rating,
    assess_observation,
    nausea_status,
    parse_choices,
    parse_rating,
)

NOON = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)
ratings = st.one_of(st.none(), st.sampled_from(list(Rating)))


def _assess(moaas: int | None) -> tuple[str, ...]:
    found = assess_observation(
        moaas=moaas, dissociation=None, nausea=None, anxiety=None, rules=DEFAULT_RULES
    )
    return tuple(f"{f.rule_id}:{f.severity.value}" for f in found)


@pytest.mark.parametrize(
    ("moaas", "expected"),
    [
        (5, ()),
        (4, ("sedation.moaas_mild:info",)),
        (3, ("sedation.moaas_alert:block",)),
        (1, ("sedation.moaas_alert:block",)),
        (0, ("sedation.moaas_alert:block",)),
    ],
)
def test_moaas_of_three_or_less_raises_the_sourced_alert(
    moaas: int, expected: tuple[str, ...]
) -> None:
    assert _assess(moaas) == expected


def test_a_severe_dissociation_alerts_by_default_and_says_it_is_a_local_choice() -> None:
    found = assess_observation(moaas=None, dissociation=Rating.SEVERE, nausea=None, anxiety=None)
    assert [f.rule_id for f in found] == ["observation.dissociation"]
    assert found[0].severity is Severity.WARN
    assert found[0].local_choice is True
    assert "clinic setting" in found[0].message
    assert "clinician rating" in found[0].message


@pytest.mark.parametrize(
    ("rules", "rating", "alerts"),
    [
        (ObservationRules(dissociation_alert_at=None), Rating.SEVERE, False),
        (ObservationRules(dissociation_alert_at=Rating.MODERATE), Rating.MODERATE, True),
        (ObservationRules(dissociation_alert_at=Rating.MODERATE), Rating.MILD, False),
        (ObservationRules(dissociation_alert_at=Rating.MILD), Rating.NONE, False),
    ],
)
def test_the_clinic_chooses_when_a_dissociation_rating_alerts(
    rules: ObservationRules, rating: Rating, alerts: bool
) -> None:
    found = assess_observation(
        moaas=None, dissociation=rating, nausea=None, anxiety=None, rules=rules
    )
    assert bool(found) is alerts


def test_the_block_finding_comes_before_a_warning() -> None:
    found = assess_observation(moaas=2, dissociation=Rating.SEVERE, nausea=None, anxiety=None)
    assert [f.severity for f in found] == [Severity.BLOCK, Severity.WARN]


@given(moaas=st.one_of(st.none(), st.integers(0, 5)), d=ratings, n=ratings, a=ratings)
def test_without_alert_rules_only_moaas_can_alert(
    moaas: int | None, d: Rating | None, n: Rating | None, a: Rating | None
) -> None:
    rules = ObservationRules(dissociation_alert_at=None)
    found = assess_observation(moaas=moaas, dissociation=d, nausea=n, anxiety=a, rules=rules)
    assert all(f.rule_id.startswith("sedation.") for f in found)
    assert any(f.severity is Severity.BLOCK for f in found) == (moaas is not None and moaas <= 3)


def test_ratings_and_checklists_are_parsed_or_refused_by_name() -> None:
    assert parse_rating("", "nausea") is None
    assert parse_rating("mild", "nausea") is Rating.MILD
    with pytest.raises(ValueError, match="nausea: 'awful' is unknown"):
        parse_rating("awful", "nausea")
    assert parse_choices(["vomiting", "dizziness"], SIDE_EFFECTS, "side_effects") == [
        "dizziness",
        "vomiting",
    ]
    with pytest.raises(ValueError, match="guidance: chanting not known"):
        parse_choices(["chanting"], GUIDANCE, "guidance")


@pytest.mark.parametrize(
    ("latest", "rated", "antiemetic", "controlled"),
    [
        (None, None, None, None),
        (Rating.NONE, 0, None, True),
        (Rating.MILD, 0, None, True),
        (Rating.MODERATE, 0, None, False),
        (Rating.SEVERE, 0, None, False),
        (Rating.MILD, 10, 5, True),  # re-rated after the antiemetic: it worked
        (Rating.MILD, 5, 10, False),  # antiemetic after the last rating: rate again
        (None, None, 5, False),
    ],
)
def test_nausea_is_controlled_when_the_latest_rating_is_mild_or_less_after_any_antiemetic(
    latest: Rating | None, rated: int | None, antiemetic: int | None, controlled: bool | None
) -> None:
    status = nausea_status(
        latest=latest,
        rated_at=None if rated is None else NOON + timedelta(minutes=rated),
        last_antiemetic_at=None if antiemetic is None else NOON + timedelta(minutes=antiemetic),
    )
    assert status.controlled is controlled
    assert status.message
