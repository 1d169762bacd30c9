"""Two tablets act on the same session version at once: exactly one wins (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from kapcare.audit.models import AuditEvent
from kapcare.dosing import services
from kapcare.dosing.models import DosingSession
from tests.conftest import build_world
from tests.dosing.conftest import actor_of, open_session


@pytest.mark.django_db(transaction=True)
def test_two_tablets_racing_one_transition_leave_one_change() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs a server database with concurrent writers")
    world = build_world()
    session = open_session(world)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def tablet(action: str) -> None:
        from django.db import connections

        try:
            barrier.wait()
            if action == "check_in":
                services.session_check_in(
                    actor=actor_of(world, "nurse"), session=session, version=1
                )
            else:
                services.session_abort(
                    actor=actor_of(world, "therapist"),
                    session=session,
                    version=1,
                    reason="Patient left",
                )
            outcomes.append("done")
        except (services.SessionConflict, ValidationError) as error:
            outcomes.append(str(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=tablet, args=(a,)) for a in ("check_in", "abort")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("done") == 1
    loser = next(o for o in outcomes if o != "done")
    assert "changed on another device" in loser
    fresh = DosingSession.objects.get(pk=session.pk)
    assert fresh.version == 2
    assert AuditEvent.objects.filter(action="transition", object_id=str(session.pk)).count() == 1
