"""The measures API: responses, scores and alerts through the same policy and audit trail."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from kapcare.audit.models import AuditEvent
from kapcare.measures.models import QuestionnaireResponse, SafetyAlert
from tests.api.helpers import audit_mark, audit_rows, field_errors, problem, send
from tests.measures.helpers import assign, phq9, phq9_total, submit


def test_staff_submit_a_response_and_get_its_score_and_alerts(world: Any, client_for: Any) -> None:
    assignment = assign(world)
    mark = audit_mark()
    reply = send(
        client_for("nurse"),
        "post",
        f"/api/v1/patients/{world.jordan.pk}/responses",
        {
            "instrument": "phq9",
            "answers": phq9(1, 1, 1, 1, 1, 1, 1, 1, 1),
            "assignment_id": assignment.pk,
        },
    )
    assert reply.status_code == 201, reply.content
    body = reply.json()
    assert body["response"]["total"] == 9
    assert body["response"]["definition_version"] == "1.0.0"
    assert body["response"]["entered_on_behalf"] is True
    assert [a["kind"] for a in body["alerts"]] == ["suicidal_ideation"]
    assert body["alerts"][0]["priority"] == "high"
    kinds = [(r.action, r.object_type) for r in audit_rows(mark)]
    assert ("create", "measures.questionnaireresponse") in kinds
    assert ("create", "measures.safetyalert") in kinds


def test_an_incomplete_response_is_a_problem_naming_the_item(world: Any, client_for: Any) -> None:
    answers = phq9(1, 1, 1, 1, 1, 1, 1, 1, 1)
    del answers["4"]
    reply = send(
        client_for("nurse"),
        "post",
        f"/api/v1/patients/{world.jordan.pk}/responses",
        {"instrument": "phq9", "answers": answers},
    )
    body = problem(reply, 422)
    assert "missing answer" in field_errors(body)["answers.4"]
    assert not QuestionnaireResponse.objects.exists()


def test_responses_and_scores_are_listed_with_change_from_baseline(
    world: Any, client_for: Any
) -> None:
    submit(world, phq9_total(18), when=timezone.now() - dt.timedelta(weeks=6))
    submit(world, phq9_total(8))
    client = client_for("therapist")
    listed = send(client, "get", f"/api/v1/patients/{world.jordan.pk}/responses").json()
    assert listed["count"] == 2
    assert [r["total"] for r in listed["items"]] == [18, 8]
    scores = send(client, "get", f"/api/v1/patients/{world.jordan.pk}/scores").json()["items"]
    assert scores[0]["change_from_baseline"] is None
    assert scores[1]["change_from_baseline"] == -10
    assert scores[1]["response"] is True
    assert scores[1]["remission"] is False
    assert scores[1]["meaningful_improvement"] is True


def test_scores_come_a_page_at_a_time_each_compared_with_its_baseline(
    world: Any, client_for: Any
) -> None:
    start = timezone.now() - dt.timedelta(weeks=10)
    baseline = submit(world, phq9_total(20), when=start).response
    submit(world, {str(i): 2 for i in range(1, 8)}, instrument="gad7", when=start)
    for week, total in enumerate((18, 15, 12, 9), start=1):
        submit(world, phq9_total(total), when=start + dt.timedelta(weeks=week))
    client = client_for("therapist")
    url = f"/api/v1/patients/{world.jordan.pk}/scores"
    page = send(client, "get", f"{url}?limit=2&offset=4").json()
    assert (page["count"], page["limit"], page["offset"]) == (6, 2, 4)
    assert [(s["instrument"], s["score"]) for s in page["items"]] == [("phq9", 12), ("phq9", 9)]
    # the baseline is on the first page, yet each score on this one is compared with it
    assert {s["baseline_response_id"] for s in page["items"]} == {baseline.pk}
    assert [s["change_from_baseline"] for s in page["items"]] == [-8, -11]
    too_many = send(client, "get", f"{url}?limit=100000")
    assert too_many.status_code == 422
    assert "limit" in too_many.content.decode()


def test_alerts_are_listed_and_acknowledged_with_a_note(world: Any, client_for: Any) -> None:
    submit(world, phq9(0, 0, 0, 0, 0, 0, 0, 0, 1))
    client = client_for("prescriber")
    alerts = send(client, "get", "/api/v1/alerts", None).json()
    assert [a["status"] for a in alerts] == ["open"]
    url = f"/api/v1/alerts/{alerts[0]['id']}/acknowledge"
    problem(send(client, "post", url, {"note": ""}), 422)
    done = send(client, "post", url, {"note": "Phoned the patient; safe, seen tomorrow."})
    assert done.status_code == 200
    assert done.json()["status"] == "acknowledged"
    assert done.json()["acknowledged_by_id"] == world.users["prescriber"].pk
    problem(send(client, "post", url, {"note": "again"}), 409)
    assert SafetyAlert.objects.get().acknowledgement_note.startswith("Phoned")


def test_other_clinics_admins_and_patients_get_nothing(world: Any, client_for: Any) -> None:
    submit(world, phq9(0, 0, 0, 0, 0, 0, 0, 0, 1))
    alert = SafetyAlert.objects.get()
    path = f"/api/v1/patients/{world.jordan.pk}/responses"
    problem(send(client_for("other"), "get", path), 404)
    problem(send(client_for("admin"), "get", path), 403)
    problem(send(client_for("patient"), "get", path), 403)
    assert send(client_for("other"), "get", "/api/v1/alerts").json() == []
    problem(
        send(client_for("other"), "post", f"/api/v1/alerts/{alert.pk}/acknowledge", {"note": "x"}),
        404,
    )
    problem(send(client_for("admin"), "get", "/api/v1/alerts"), 403)
    assert AuditEvent.objects.filter(action="denied").count() >= 4


def test_a_response_cannot_be_dated_in_the_future(world: Any, client_for: Any) -> None:
    later = (timezone.now() + dt.timedelta(days=2)).isoformat()
    reply = send(
        client_for("nurse"),
        "post",
        f"/api/v1/patients/{world.jordan.pk}/responses",
        {"instrument": "phq9", "answers": phq9(*[0] * 9), "answered_at": later},
    )
    body = problem(reply, 422)
    assert "future" in field_errors(body)["answered_at"]
    assert not QuestionnaireResponse.objects.exists()
