"""Discharge issues the session's after-session check-in link by itself, after commit."""

from __future__ import annotations

from typing import Any

from django.core import mail
from django.urls import reverse

from kapcare.integration.models import FollowUpLink
from tests.integration.sessions import discharge, held_session


def test_discharge_emails_a_check_in_link_linked_to_the_session_once_it_commits(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    session = held_session(world)
    with django_capture_on_commit_callbacks(execute=True):
        discharge(world, session)
    link = FollowUpLink.objects.get()
    assert link.session_id == session.pk
    assert link.session_date is not None
    assert link.created_by == world.users["prescriber"]
    sent = [m for m in mail.outbox if m.to == ["patient@example.com"]]
    assert len(sent) == 1
    assert "/check-in/" in sent[0].body


def test_nothing_is_issued_before_the_discharge_commits(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    session = held_session(world)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        discharge(world, session)
        assert not FollowUpLink.objects.exists()
    assert callbacks, "the link waits for the commit"


def test_a_second_run_of_the_hook_issues_no_second_link(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from kapcare.integration.after_session import followup_after_discharge

    session = held_session(world)
    with django_capture_on_commit_callbacks(execute=True):
        discharge(world, session)
        followup_after_discharge(actor=None, session_id=session.pk)
    assert FollowUpLink.objects.filter(session=session).count() == 1


def test_a_patient_without_email_gets_no_automatic_link(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    world.jordan.email = ""
    world.jordan.save(update_fields=["email"])
    session = held_session(world)
    with django_capture_on_commit_callbacks(execute=True):
        discharge(world, session)
    assert not FollowUpLink.objects.exists()


def test_staff_issue_a_link_for_a_chosen_session(world: Any, client_for: Any) -> None:
    session = held_session(world)
    response = client_for("therapist").post(
        reverse("integration:followup_issue", args=[world.jordan.pk]), {"session": session.pk}
    )
    assert response.status_code == 200
    assert FollowUpLink.objects.get().session_id == session.pk
