"""The demo clinic has a session in progress, one with an open BP alert and a finished one."""

from __future__ import annotations

import datetime as dt
from typing import Any

from kapcare.accounts.actors import Actor
from kapcare.accounts.models import Membership
from kapcare.dosing.board import board_rows
from kapcare.dosing.models import DosingSession

#: today's and yesterday's sessions (the integration demo adds Jordan's earlier, finished ones)
ON_THE_BOARD = dt.timedelta(days=3)


def test_the_demo_fills_the_board_and_runs_twice(db: Any) -> None:
    from django.utils import timezone

    from kapcare.demo.seed import seed_demo

    seed_demo()
    seed_demo()
    recent = DosingSession.objects.filter(appointment__start__gte=timezone.now() - ON_THE_BOARD)
    sessions = {s.patient.mrn: s for s in recent.select_related("patient")}
    assert {mrn: s.state for mrn, s in sessions.items()} == {
        "KC-1001": "recovery",
        "KC-1014": "dosing",
        "KC-1011": "discharged",
    }
    assert sessions["KC-1001"].readings.count() == 5
    nurse = Membership.objects.select_related("user", "clinic").get(user__email="nurse@example.com")
    actor = Actor(user=nurse.user, clinic=nurse.clinic, role=nurse.role, membership=nurse)
    rows = board_rows(actor, timezone.now())
    assert [r.session.patient.mrn for r in rows] == ["KC-1014", "KC-1001"]
    assert rows[0].alerts


def test_every_demo_session_page_renders(db: Any) -> None:
    from django.urls import reverse

    from kapcare.demo.seed import seed_demo
    from tests.conftest import signed_in

    seed_demo()
    nurse = signed_in(Membership.objects.get(user__email="nurse@example.com").user)
    assert nurse.get(reverse("dosing:board")).status_code == 200
    for session in DosingSession.objects.all():
        args = [session.patient_id, session.pk]
        page = nurse.get(reverse("dosing:console", args=args))
        assert page.status_code == 200, session
        assert nurse.get(reverse("dosing:sessions", args=[session.patient_id])).status_code == 200
        if session.state == "recovery":
            assert nurse.get(reverse("dosing:discharge", args=args)).status_code == 200
        if session.state == "discharged":
            assert b"After-care" in nurse.get(reverse("dosing:summary", args=args)).content
