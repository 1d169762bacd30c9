"""The one-time check-in link works once, only for its form, and not after expiry."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine
from django.core import mail, signing

from kapcare.audit.models import AuditEvent
from kapcare.integration import followup
from kapcare.integration.models import CheckIn
from tests.integration.helpers import staff_actor

ANSWERS = {"feeling": "okay", "side_effects": ["nausea"], "harm_thoughts": "no"}


def issue(world: Any) -> str:
    _, token = followup.followup_link_issue(
        actor=staff_actor(world, "therapist"), patient=world.jordan
    )
    return token


def test_the_link_opens_the_check_in_without_a_password(world: Any, client: Any) -> None:
    token = issue(world)
    page = client.get(f"/check-in/{token}/")
    assert page.status_code == 200
    assert "How are you, Jordan?" in page.content.decode()
    done = client.post(f"/check-in/{token}/", {**ANSWERS, "wants_integration_booking": "on"})
    assert done.status_code == 200
    checkin = CheckIn.objects.get()
    assert checkin.side_effects == ["nausea"] and checkin.wants_integration_booking
    assert not checkin.needs_review


def test_the_link_works_only_once(world: Any, client: Any) -> None:
    token = issue(world)
    client.post(f"/check-in/{token}/", ANSWERS)
    assert client.get(f"/check-in/{token}/").status_code == 404
    assert client.post(f"/check-in/{token}/", ANSWERS).status_code == 404
    assert CheckIn.objects.count() == 1


def test_the_link_expires_after_72_hours(world: Any, client: Any) -> None:
    token = issue(world)
    with time_machine.travel(dt.timedelta(hours=71), tick=False):
        assert client.get(f"/check-in/{token}/").status_code == 200
    with time_machine.travel(dt.timedelta(hours=73), tick=False):
        assert client.get(f"/check-in/{token}/").status_code == 404


def test_the_link_opens_only_its_own_form(world: Any, client: Any) -> None:
    token = issue(world)
    # The same signed value under another form's salt, and other token pages, refuse it.
    assert followup.followup_link_for(token, "intake") is None
    assert client.get(f"/support/accept/{token}/").status_code == 404
    assert client.get(f"/invitations/{token}/").status_code == 404


def test_a_forged_or_altered_token_is_refused(world: Any, client: Any) -> None:
    token = issue(world)
    assert client.get(f"/check-in/{token[:-2]}xx/").status_code == 404
    forged = signing.dumps({"l": 1, "n": "guess"}, salt="kapcare.followup.checkin")
    assert client.get(f"/check-in/{forged}/").status_code == 404


def test_a_check_in_that_reveals_risk_follows_the_safety_path(
    world: Any, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    token = issue(world)
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(f"/check-in/{token}/", {**ANSWERS, "harm_thoughts": "yes"})
    assert "Your care team has been alerted" in done.content.decode()
    assert CheckIn.objects.get().needs_review
    alert_mail = [m for m in mail.outbox if "safety alert" in m.subject]
    assert alert_mail and set(alert_mail[0].to) == {
        "prescriber@example.com",
        "therapist@example.com",
        "nurse@example.com",
    }
    assert "Jordan" not in alert_mail[0].body
    from kapcare.measures.models import SafetyAlert

    alert = SafetyAlert.objects.get(patient=world.jordan)
    assert (alert.kind, alert.status, alert.checkin_id) == (
        "suicidal_ideation",
        "open",
        CheckIn.objects.get().pk,
    )
    assert (
        AuditEvent.objects.filter(action="create", object_type="measures.safetyalert").count() == 1
    )


def test_a_risky_check_in_appears_in_the_alerts_inbox_and_escalates(
    world: Any, client: Any, client_for: Any
) -> None:
    import datetime as dt

    import time_machine
    from django.utils import timezone

    from kapcare.measures.alerts import escalate_overdue

    token = issue(world)
    client.post(f"/check-in/{token}/", {**ANSWERS, "harm_thoughts": "yes"})
    inbox = client_for("therapist").get("/measures/alerts/").content.decode()
    assert "After-session check-in" in inbox
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=61)):
        assert len(escalate_overdue()) == 1


def test_a_missing_answer_is_named(world: Any, client: Any) -> None:
    token = issue(world)
    response = client.post(f"/check-in/{token}/", {"feeling": "good"})
    assert response.status_code == 400
    assert "Since your session, have you had thoughts" in response.content.decode()
    assert client.get(f"/check-in/{token}/").status_code == 200  # not used up


def test_staff_issue_a_link_from_the_chart_and_see_the_answers(
    world: Any, client_for: Any, client: Any
) -> None:
    therapist = client_for("therapist")
    page = therapist.post(f"/patients/{world.jordan.pk}/integration/follow-up/")
    assert page.status_code == 200
    url = page.context["url"]
    client.post(url[url.find("/check-in") :], ANSWERS)
    html = therapist.get(f"/patients/{world.jordan.pk}/integration/").content.decode()
    assert "feeling okay" in html and "Nausea" in html
