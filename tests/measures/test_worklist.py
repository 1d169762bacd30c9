"""The "Needs attention" list: alerts first, then overdue questionnaires, then off track."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kapcare.measures.selectors import off_track_patients, worklist
from tests.measures.helpers import assign, dosed_sessions, phq9, phq9_total, submit


def test_open_alerts_come_first_high_priority_before_lower(world: Any, client_for: Any) -> None:
    submit(world, phq9_total(22), patient=world.sam, by="nurse")  # severe band: lower priority
    submit(world, phq9(0, 0, 0, 0, 0, 0, 0, 0, 1))  # item 9: high priority
    assign(world, "gad7", due_in=dt.timedelta(days=-3))
    page = client_for("nurse").get(reverse("measures:worklist"))
    text = page.content.decode()
    assert page.status_code == 200
    alerts_at = text.index("Open safety alerts (2)")
    overdue_at = text.index("Overdue questionnaires (1)")
    off_track_at = text.index("Off track (0)")
    assert alerts_at < overdue_at < off_track_at
    high = text.index("Thoughts of death or self-harm")
    lower = text.index("Score in the most severe range")
    assert alerts_at < high < lower < overdue_at


def test_the_worklist_explains_the_off_track_rule(world: Any, client_for: Any) -> None:
    page = client_for("prescriber").get(reverse("measures:worklist"))
    text = page.content.decode()
    assert "after 4 dosing sessions" in text
    assert "Sessions count once the patient is discharged from them" in text


def test_only_discharged_dosing_sessions_count(world: Any) -> None:
    from kapcare.dosing.services import session_open
    from kapcare.measures.progress import refresh_progress
    from tests.dosing.conftest import actor_of, dosing_appointment, force_state, signed_plan
    from tests.integration.sessions import discharge

    plan = signed_plan(world, world.jordan)

    def a_session(days_ago: int) -> Any:
        appointment = dosing_appointment(world, world.jordan, plan, hours=-24 * days_ago)
        return session_open(actor=actor_of(world, "nurse"), appointment=appointment)

    submit(world, phq9_total(18), when=timezone.now() - dt.timedelta(weeks=6))
    submit(world, phq9_total(17))
    assert off_track_patients(world.cedar, after_sessions=1).rows == []  # no session yet
    for days_ago in (3, 5, 7):
        force_state(a_session(days_ago), "discharged")
    refresh_progress([world.jordan.pk])  # the states were set around the discharge service
    recovering = force_state(a_session(1), "recovery")
    force_state(a_session(9), "recovery")
    assert off_track_patients(world.cedar, after_sessions=4).rows == []  # three so far
    discharge(world, recovering)  # the service stores the fourth completed session itself
    found = off_track_patients(world.cedar, after_sessions=4)
    (row,) = found.rows
    assert (row.patient, row.sessions) == (world.jordan, 4)
    assert found.checked_patients == 1  # Jordan is the one patient in active treatment
    assert off_track_patients(world.cedar, after_sessions=5).rows == []  # recovery is not done


def test_the_off_track_rule_once_sessions_are_counted(world: Any) -> None:
    dosed_sessions(world, 35, 28, 21, 14)
    submit(world, phq9_total(18), when=timezone.now() - dt.timedelta(weeks=6))
    submit(world, phq9_total(15))  # -3: not a meaningful improvement
    (found,) = off_track_patients(world.cedar, after_sessions=4).rows
    assert (found.patient, found.baseline, found.latest) == (world.jordan, 18, 15)
    submit(world, phq9_total(12))  # -6 from baseline: meaningful
    assert off_track_patients(world.cedar, after_sessions=4).rows == []
    assert off_track_patients(world.cedar, after_sessions=5).rows == []


def test_overdue_means_past_the_due_date_by_the_given_clock(world: Any) -> None:
    now = timezone.now()
    assignment = assign(world, due_in=dt.timedelta(hours=2), now=now)
    assert worklist(world.cedar, now).overdue.rows == []
    assert worklist(world.cedar, now + dt.timedelta(hours=3)).overdue.rows == [assignment]


def _queries(client: Any) -> int:
    url = reverse("measures:worklist")
    client.get(url)  # the first request of a session also writes the session: not counted
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_worklist_costs_the_same_number_of_queries_however_much_there_is(
    world: Any, client_for: Any
) -> None:
    client = client_for("therapist")
    submit(world, phq9(0, 0, 0, 0, 0, 0, 0, 0, 1))
    assign(world, due_in=dt.timedelta(days=-1))
    few = _queries(client)
    for patient in (world.jordan, world.sam, world.unassigned):
        for _ in range(4):
            submit(world, phq9(0, 0, 0, 0, 0, 0, 0, 0, 2), patient=patient, by="nurse")
            submit(world, phq9_total(23), patient=patient, by="nurse")
            assign(world, patient=patient, due_in=dt.timedelta(days=-2))
    many = _queries(client)
    assert many == few, f"{few} queries for 1 alert, {many} for 25"


def test_a_patient_who_finishes_the_course_leaves_the_off_track_list(world: Any) -> None:
    from kapcare.patients import services as patient_services
    from tests.measures.helpers import staff

    dosed_sessions(world, 30, 23, 16, 9)
    submit(world, phq9_total(18), when=timezone.now() - dt.timedelta(weeks=6))
    submit(world, phq9_total(17))
    listed = off_track_patients(world.cedar, after_sessions=4)
    assert [row.patient for row in listed.rows] == [world.jordan]
    assert listed.checked_patients == 1  # Jordan, the one patient in treatment
    patient_services.complete_course(actor=staff(world, "prescriber"), patient=world.jordan)
    finished = off_track_patients(world.cedar, after_sessions=4)
    assert (finished.rows, finished.page.count, finished.checked_patients) == ([], 0, 0)
