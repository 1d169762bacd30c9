"""The acknowledged alerts are a history that grows every day: the inbox counts and lists
the latest of them up to a bound, and marks "your patient" from the listed page alone."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from kapcare.measures import selectors
from kapcare.measures.access import alerts_for, my_patients_among
from kapcare.measures.models import SafetyAlert
from tests.measures.helpers import phq9_total, staff, submit


def _acknowledged(world: Any, count: int) -> None:
    for _ in range(count):
        submit(world, phq9_total(24, item9=1), by="nurse")
    SafetyAlert.objects.filter(status="open").update(
        status="acknowledged",
        acknowledged_by=world.users["nurse"],
        acknowledged_at=timezone.now(),
        acknowledgement_note="Called the patient; safety plan reviewed.",
    )


def test_a_history_longer_than_the_bound_is_counted_up_to_it(
    world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _acknowledged(world, 3)
    total = SafetyAlert.objects.filter(status="acknowledged").count()
    monkeypatch.setattr(selectors, "INBOX_ACKNOWLEDGED_LISTED", total - 1)
    monkeypatch.setattr(selectors, "INBOX_ACKNOWLEDGED_PAGE_SIZE", 2)
    inbox = selectors.alert_inbox(alerts_for(staff(world, "prescriber")), acknowledged_page=99)
    listed = inbox.acknowledged
    assert (listed.total, listed.page.more) == (total - 1, True)
    assert listed.page.number == listed.page.pages  # the last page of those listed
    assert listed.notice == (
        f"Only the latest {total - 1:,} are listed here; page {listed.page.pages}, "
        "the last, is shown."
    )


def test_a_history_within_the_bound_is_counted_exactly(world: Any) -> None:
    _acknowledged(world, 2)
    total = SafetyAlert.objects.filter(status="acknowledged").count()
    inbox = selectors.alert_inbox(alerts_for(staff(world, "prescriber")))
    assert (inbox.acknowledged.total, inbox.acknowledged.page.more) == (total, False)


def test_the_inbox_says_when_only_the_latest_are_listed(
    world: Any, client_for: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _acknowledged(world, 2)
    monkeypatch.setattr(selectors, "INBOX_ACKNOWLEDGED_LISTED", 1)
    text = client_for("prescriber").get(reverse("measures:alerts")).content.decode()
    assert "Acknowledged (1+, the latest 1 listed)" in text


def test_your_patient_is_marked_from_the_listed_alerts_alone(world: Any) -> None:
    submit(world, phq9_total(24, item9=1), by="nurse")
    submit(world, phq9_total(24, item9=1), patient=world.sam, by="nurse")
    alerts = list(SafetyAlert.objects.order_by("pk"))
    on_team = {
        a.pk
        for a in alerts
        if a.patient.care_team.filter(membership=world.memberships["prescriber"]).exists()
    }
    assert my_patients_among(staff(world, "prescriber"), alerts) == on_team
    assert my_patients_among(staff(world, "prescriber"), []) == set()
