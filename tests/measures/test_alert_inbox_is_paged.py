"""The alerts inbox shows its lists one page at a time, with the exact total, at any size."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kapcare.audit.models import AuditEvent
from kapcare.measures import alerts as alert_services
from kapcare.measures.models import SafetyAlert
from kapcare.measures.selectors import INBOX_OPEN_PAGE_SIZE
from kapcare.patients.models import Patient
from tests.measures.helpers import phq9, phq9_total, staff, submit

URL = "measures:alerts"


def _alerts(world: Any, count: int, *, first: int = 0) -> list[SafetyAlert]:
    """An item-9 (high priority) alert each for ``count`` new patients named Alerted000…,
    the first the oldest."""
    patients = Patient.objects.bulk_create(
        Patient(
            clinic=world.cedar,
            mrn=f"KC-AL{n:03d}",
            given_name=f"Alerted{n:03d}",
            family_name="Tester",
            date_of_birth=dt.date(1980, 1, 1),
            status="active",
        )
        for n in range(first, first + count)
    )
    now = timezone.now()
    return [
        submit(
            world,
            phq9(0, 0, 0, 0, 0, 0, 0, 0, 1),
            patient=patient,
            by="nurse",
            when=now - dt.timedelta(hours=200 - first - n),
        ).alerts[0]
        for n, patient in enumerate(patients)
    ]


def _acknowledge(world: Any, alerts: list[SafetyAlert]) -> None:
    """Acknowledge ``alerts`` in order, a minute apart: the last is the latest acknowledged."""
    start = timezone.now() - dt.timedelta(hours=1)
    for n, alert in enumerate(alerts):
        alert_services.acknowledge(
            actor=staff(world, "therapist"),
            alert=alert,
            note=f"Called the patient ({n}).",
            now=start + dt.timedelta(minutes=n),
        )


def _section(text: str, heading: str) -> str:
    after = text.split(f'id="{heading}"')[1]
    return after.split("</section>")[0]


def _open_names(text: str) -> list[str]:
    return re.findall(r"(Alerted\d{3}) Tester</a>", _section(text, "open-h"))


def _acknowledged_names(text: str) -> list[str]:
    return re.findall(r"(Alerted\d{3}) Tester</a>", _section(text, "closed-h"))


def _last_listing() -> AuditEvent:
    listed = (
        AuditEvent.objects.filter(action="list", object_type="measures.safetyalert")
        .order_by("-id")
        .first()
    )
    assert listed is not None
    return listed


def test_a_long_inbox_shows_the_most_urgent_page_first_and_the_exact_total(
    world: Any, client_for: Any
) -> None:
    # the oldest alert of all, but of lower priority: it comes after every high one
    lower = submit(world, phq9_total(23), by="nurse", when=timezone.now() - dt.timedelta(days=30))
    alerts = _alerts(world, INBOX_OPEN_PAGE_SIZE + 2)
    total = INBOX_OPEN_PAGE_SIZE + 3
    client = client_for("nurse")

    first = client.get(reverse(URL))
    text = first.content.decode()
    assert first.status_code == 200
    assert f"Open ({total})" in text
    assert _open_names(text) == [f"Alerted{n:03d}" for n in range(INBOX_OPEN_PAGE_SIZE)]
    assert text.count('class="ack-form"') == INBOX_OPEN_PAGE_SIZE
    assert "Score in the most severe range" not in text
    assert (
        f"1–{INBOX_OPEN_PAGE_SIZE} of {total}, most urgent first, then oldest · page 1 of 2" in text
    )
    assert 'href="?open_page=2#open-h">Next →' in text
    assert "← Previous" not in text
    listed = _last_listing()
    assert listed.detail["open_page"] == 1
    assert listed.detail["open"] == [a.pk for a in alerts[:INBOX_OPEN_PAGE_SIZE]]

    second = client.get(reverse(URL), {"open_page": 2}).content.decode()
    assert f"Open ({total})" in second
    assert _open_names(second) == [
        f"Alerted{n:03d}" for n in range(INBOX_OPEN_PAGE_SIZE, INBOX_OPEN_PAGE_SIZE + 2)
    ]
    assert "Score in the most severe range" in second  # the lower priority one, last
    assert f"{INBOX_OPEN_PAGE_SIZE + 1}–{total} of {total}" in second
    assert 'href="?open_page=1#open-h">← Previous' in second
    assert "Next →" not in second
    listed = _last_listing()
    assert listed.detail["open_page"] == 2
    # only the alerts shown are recorded as read, not the whole inbox
    assert listed.detail["open"] == [
        *(a.pk for a in alerts[INBOX_OPEN_PAGE_SIZE:]),
        lower.alerts[0].pk,
    ]
    assert listed.detail["acknowledged"] == []


def test_acknowledged_alerts_are_paged_too_the_latest_first(
    world: Any, client_for: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("kapcare.measures.selectors.INBOX_ACKNOWLEDGED_PAGE_SIZE", 2)
    alerts = _alerts(world, 4)
    _acknowledge(world, alerts[:3])
    client = client_for("nurse")

    text = client.get(reverse(URL)).content.decode()
    assert "Open (1)" in text
    assert _open_names(text) == ["Alerted003"]
    assert "Acknowledged (3)" in text
    assert _acknowledged_names(text) == ["Alerted002", "Alerted001"]
    assert "1–2 of 3, latest acknowledged first · page 1 of 2" in text
    assert 'href="?acknowledged_page=2#closed-h">Next →' in text

    second = client.get(reverse(URL), {"acknowledged_page": 2}).content.decode()
    assert _acknowledged_names(second) == ["Alerted000"]
    assert "Called the patient (0)." in second
    assert _open_names(second) == ["Alerted003"]
    listed = _last_listing()
    assert listed.detail == {
        "open": [alerts[3].pk],
        "open_page": 1,
        "acknowledged": [alerts[0].pk],
        "acknowledged_page": 2,
    }


@pytest.mark.parametrize("field", ["open_page", "acknowledged_page"])
@pytest.mark.parametrize("asked", ["abc", "0", "-2", "1.5"])
def test_a_page_that_is_not_a_number_shows_page_1_and_names_the_parameter(
    world: Any, client_for: Any, field: str, asked: str
) -> None:
    alerts = _alerts(world, 3)
    _acknowledge(world, alerts[:1])
    page = client_for("nurse").get(reverse(URL), {field: asked})
    text = page.content.decode()
    assert page.status_code == 200
    assert f"{field}: “{asked}” is not a page number; page 1 is shown." in text
    assert _open_names(text) == ["Alerted001", "Alerted002"]
    assert _acknowledged_names(text) == ["Alerted000"]


def test_a_typed_page_past_the_end_shows_the_last_page_and_says_so(
    world: Any, client_for: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("kapcare.measures.selectors.INBOX_OPEN_PAGE_SIZE", 2)
    _alerts(world, 3)
    page = client_for("nurse").get(reverse(URL), {"open_page": 9})
    text = page.content.decode()
    assert page.status_code == 200
    assert "open_page: There is no page 9; page 2, the last, is shown." in text
    assert _open_names(text) == ["Alerted002"]
    assert _last_listing().detail["open_page"] == 2


def test_acknowledging_goes_back_to_the_same_page(
    world: Any, client_for: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("kapcare.measures.selectors.INBOX_OPEN_PAGE_SIZE", 2)
    alerts = _alerts(world, 5)
    client = client_for("therapist")
    shown = f"{reverse(URL)}?open_page=2"
    page = client.get(shown).content.decode()
    assert f'name="next" value="{reverse(URL)}?open_page=2"' in page

    done = client.post(
        reverse("measures:acknowledge", args=[alerts[2].pk]),
        {"note": "Called the patient.", "next": shown},
    )
    assert done.status_code == 302
    assert done["Location"] == shown
    text = client.get(done["Location"]).content.decode()
    assert "acknowledged and closed" in text
    assert _open_names(text) == ["Alerted003", "Alerted004"]


def test_acknowledging_the_last_alert_of_the_last_page_lands_on_the_page_before_without_a_notice(
    world: Any, client_for: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("kapcare.measures.selectors.INBOX_OPEN_PAGE_SIZE", 2)
    alerts = _alerts(world, 5)
    client = client_for("therapist")
    last_page = f"{reverse(URL)}?open_page=3&acknowledged_page=1"
    assert _open_names(client.get(last_page).content.decode()) == ["Alerted004"]

    done = client.post(
        reverse("measures:acknowledge", args=[alerts[4].pk]),
        {"note": "Called the patient.", "next": last_page},
        follow=True,
    )
    assert done.redirect_chain == [(f"{reverse(URL)}?open_page=2&acknowledged_page=1", 302)]
    text = done.content.decode()
    assert "acknowledged and closed" in text
    assert "There is no page" not in text
    assert _open_names(text) == ["Alerted002", "Alerted003"]
    assert "3–4 of 4, most urgent first, then oldest · page 2 of 2" in text
    assert _last_listing().detail["open_page"] == 2


def test_emptying_the_second_page_goes_back_to_the_first(
    world: Any, client_for: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("kapcare.measures.selectors.INBOX_OPEN_PAGE_SIZE", 2)
    alerts = _alerts(world, 3)
    client = client_for("therapist")
    done = client.post(
        reverse("measures:acknowledge", args=[alerts[2].pk]),
        {"note": "Called the patient.", "next": f"{reverse(URL)}?open_page=2"},
        follow=True,
    )
    assert done.redirect_chain == [(reverse(URL), 302)]
    text = done.content.decode()
    assert "There is no page" not in text
    assert _open_names(text) == ["Alerted000", "Alerted001"]


def test_acknowledging_from_the_worklist_clamps_its_alerts_page_and_keeps_the_rest(
    world: Any, client_for: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("kapcare.measures.selectors.OPEN_ALERTS_PAGE_SIZE", 1)
    alerts = _alerts(world, 3)
    worklist = reverse("measures:worklist")
    client = client_for("therapist")
    done = client.post(
        reverse("measures:acknowledge", args=[alerts[2].pk]),
        {"note": "Called the patient.", "next": f"{worklist}?alerts_page=3&overdue_page=2"},
        follow=True,
    )
    # the other sections' pages are left as they were: only the emptied one is moved
    assert done.redirect_chain == [(f"{worklist}?alerts_page=2&overdue_page=2", 302)]
    text = done.content.decode()
    assert "acknowledged and closed" in text
    assert "alerts_page: There is no page" not in text
    assert "Open safety alerts (2)" in text
    assert "Alerted001 Tester" in text


def test_only_care_team_patients_are_marked_as_mine(world: Any, client_for: Any) -> None:
    submit(world, phq9(0, 0, 0, 0, 0, 0, 0, 0, 1))  # Jordan: the therapist is on the team
    _alerts(world, 2)
    text = client_for("therapist").get(reverse(URL)).content.decode()
    assert "Open (3)" in text
    assert text.count("Your patient") == 1


def _queries(client: Any) -> int:
    url = reverse(URL)
    client.get(url)  # the first request of a session also writes the session: not counted
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_a_long_inbox_costs_the_same_queries_as_a_short_one(world: Any, client_for: Any) -> None:
    client = client_for("therapist")
    alerts = _alerts(world, 3)
    _acknowledge(world, alerts[:1])
    few = _queries(client)
    alerts += _alerts(world, 68, first=3)
    _acknowledge(world, alerts[1:31])
    many = _queries(client)
    page = client.get(reverse(URL)).content.decode()
    assert "Open (40)" in page
    assert "Acknowledged (31)" in page
    assert len(_open_names(page)) == INBOX_OPEN_PAGE_SIZE
    assert many == few, f"{few} queries for 2 open alerts, {many} for 40"
