"""The dosing-session state machine: table-driven cases and a hypothesis property."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kapcare.clinical.session_states import (
    FINAL,
    TRANSITIONS,
    SessionState,
    TransitionRefused,
    parse_state,
    refusal,
    transition,
)

S = SessionState
PATH = [S.SCHEDULED, S.CHECKED_IN, S.READY, S.DOSING, S.RECOVERY, S.DISCHARGED]


@pytest.mark.parametrize(("src", "dst"), list(pairwise(PATH)))
def test_the_forward_path_is_allowed(src: SessionState, dst: SessionState) -> None:
    assert refusal(src, dst) is None
    assert transition(src, dst) is dst


@pytest.mark.parametrize("src", [s for s in S if s not in FINAL])
def test_abort_from_any_open_state_needs_a_reason(src: SessionState) -> None:
    r = refusal(src, S.ABORTED)
    assert r is not None and r.code == "reason_required"
    assert "abort_reason" in r.message
    assert transition(src, S.ABORTED, abort_reason="Patient declined") is S.ABORTED


@pytest.mark.parametrize("src", sorted(FINAL))
@pytest.mark.parametrize("dst", list(S))
def test_nothing_follows_a_final_state(src: SessionState, dst: SessionState) -> None:
    r = refusal(src, dst, abort_reason="x", override_reason="x")
    assert r is not None and r.code == "final"


@pytest.mark.parametrize(
    ("src", "dst"),
    [
        (S.SCHEDULED, S.READY),
        (S.CHECKED_IN, S.DOSING),
        (S.READY, S.RECOVERY),
        (S.DOSING, S.DISCHARGED),
        (S.RECOVERY, S.DOSING),
        (S.READY, S.CHECKED_IN),
        (S.DOSING, S.DOSING),
    ],
)
def test_skips_and_steps_back_are_refused_saying_what_is_allowed(
    src: SessionState, dst: SessionState
) -> None:
    r = refusal(src, dst)
    assert r is not None and r.code == "not_allowed"
    assert "aborted" in r.message


def test_the_gate_blocks_ready_listing_every_missing_item() -> None:
    r = refusal(S.CHECKED_IN, S.READY, gate_unmet=["Consent is not current.", "No escort."])
    assert r is not None and r.code == "gate_unmet"
    assert r.reasons == ("Consent is not current.", "No escort.")
    # The gate has no override: an override reason does not open it.
    assert refusal(S.CHECKED_IN, S.READY, gate_unmet=["x"], override_reason="y") is not None


def test_discharge_is_blocked_unless_overridden_with_a_reason() -> None:
    unmet = ["Observation not over."]
    r = refusal(S.RECOVERY, S.DISCHARGED, discharge_unmet=unmet)
    assert r is not None and r.code == "discharge_unmet"
    assert "override" in r.message
    assert refusal(S.RECOVERY, S.DISCHARGED, discharge_unmet=unmet, override_reason="  ")
    assert refusal(S.RECOVERY, S.DISCHARGED, discharge_unmet=unmet, override_reason="ED") is None


def test_transition_raises_with_the_refusal() -> None:
    with pytest.raises(TransitionRefused) as caught:
        transition(S.RECOVERY, S.DISCHARGED, discharge_unmet=["No escort."])
    assert caught.value.refusal.code == "discharge_unmet"
    assert "No escort." in str(caught.value)


def test_unknown_state_is_refused_listing_the_states() -> None:
    with pytest.raises(ValueError, match=r"state: 'gone'.*scheduled"):
        parse_state("gone")


def test_the_table_covers_every_state() -> None:
    assert set(TRANSITIONS) == set(S)
    assert all(S.ABORTED in TRANSITIONS[s] for s in S if s not in FINAL)


criteria = st.lists(st.sampled_from(["observation", "escort", "moaas"]), max_size=3)
step = st.tuples(st.sampled_from(list(S)), criteria, st.sampled_from(["", " ", "override"]))


@given(st.lists(step, max_size=20))
def test_never_discharged_with_an_unmet_criterion_and_no_override(
    steps: list[tuple[SessionState, list[str], str]],
) -> None:
    state = S.SCHEDULED
    for target, unmet, override in steps:
        try:
            new = transition(
                state,
                target,
                discharge_unmet=unmet,
                override_reason=override,
                abort_reason="reason",
            )
        except TransitionRefused:
            continue
        if new is S.DISCHARGED:
            assert state is S.RECOVERY
            assert not unmet or override.strip()
        assert new in TRANSITIONS[state]
        state = new
