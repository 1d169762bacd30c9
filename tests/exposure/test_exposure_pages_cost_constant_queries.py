"""The Exposure tab, the console and the API cost the same queries with few or many doses."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from kapcare.clinical import bladder_check
from kapcare.exposure import services
from tests.dosing.conftest import actor_of
from tests.exposure.conftest import course, dosed


def _grow(world: Any, plan: Any, sessions: int, start: int) -> None:
    for n in range(sessions):
        dosed(
            world,
            plan,
            days_ago=start + n,
            doses=("20", "20"),
            state="aborted" if n % 3 else "discharged",
        )
        services.bladder_check_record(
            actor=actor_of(world, "nurse"),
            patient=world.jordan,
            answers=dict.fromkeys(bladder_check.KEYS, n % 2 == 0),
        )


def _count(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_tab_and_the_api_cost_constant_queries(world: Any, client_for: Any) -> None:
    plan = course(world, days_ago=80)
    nurse = client_for("nurse")
    tab = f"/patients/{world.jordan.pk}/exposure/"
    api = f"/api/v1/patients/{world.jordan.pk}/exposure"
    checks = f"/api/v1/patients/{world.jordan.pk}/bladder-checks"
    _grow(world, plan, 2, 1)
    nurse.get(tab)  # the first request of a sign-in also loads the session and device
    small = [_count(nurse, tab), _count(nurse, api), _count(nurse, checks)]
    _grow(world, plan, 12, 10)
    large = [_count(nurse, tab), _count(nurse, api), _count(nurse, checks)]
    assert small == large


def test_the_console_summary_costs_constant_queries(world: Any, client_for: Any) -> None:
    plan = course(world, days_ago=80)
    session = dosed(world, plan, days_ago=0.05, state="scheduled")
    nurse = client_for("nurse")
    console = f"/patients/{world.jordan.pk}/sessions/{session.pk}/"
    _grow(world, plan, 2, 1)
    nurse.get(console)
    small = _count(nurse, console)
    _grow(world, plan, 12, 10)
    assert _count(nurse, console) == small
