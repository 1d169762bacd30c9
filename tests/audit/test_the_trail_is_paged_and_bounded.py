"""The audit trail shows 50 events a page and counts at most its latest 10,000.

The trail is the fastest-growing table: counting all of a clinic's events on every view
cost more each day, so the count stops at a bound and older events are reached by
narrowing the dates.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kapcare.audit import views
from kapcare.audit.models import Action
from kapcare.audit.services import record


def _events(world: Any, n: int) -> None:
    for number in range(n):
        record(
            Action.VIEW,
            user=world.users["nurse"],
            clinic=world.cedar,
            object_type="bench.sample",
            object_id=str(number),
        )


def _trail(client: Any, **params: str) -> str:
    response = client.get("/audit/", params)
    assert response.status_code == 200
    return response.content.decode()


def test_fifty_events_a_page_newest_first_with_links_between_pages(
    world: Any, client_for: Any
) -> None:
    admin = client_for("admin")
    _events(world, 60)
    first = _trail(admin, action="view")
    assert "#59" in first and "#9<" not in first
    assert "1–50 of" in first and "newest first" in first
    assert "page=2#trail-h" in first and "action=view" in first
    second = _trail(admin, action="view", page="2")
    assert "#9<" in second and "#59" not in second


def test_a_bad_page_number_names_the_parameter(world: Any, client_for: Any) -> None:
    admin = client_for("admin")
    page = _trail(admin, page="last")
    assert "page: “last” is not a page number; page 1 is shown." in page
    page = _trail(admin, page="999")
    assert "page: There is no page 999; page 1, the last, is shown." in page


def test_the_count_stops_at_its_bound_and_says_how_to_reach_older_events(
    world: Any, client_for: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "TRAIL_LISTED", 60)
    admin = client_for("admin")
    _events(world, 75)
    page = _trail(admin, action="view")
    assert "More than 60 events match: the latest 60 are listed." in page
    assert "of the latest 60" in page
    last = _trail(admin, action="view", page="5")
    assert "Only the latest 60 are listed here; page 2, the last, is shown." in last


def test_the_trail_costs_the_same_queries_with_few_and_many_events(
    world: Any, client_for: Any
) -> None:
    admin = client_for("admin")
    _trail(admin)  # the first request of a sign-in does more

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            _trail(admin)
        return len(captured)

    _events(world, 3)
    few = queries()
    _events(world, 120)
    assert queries() == few
