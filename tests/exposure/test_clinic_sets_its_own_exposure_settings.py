"""The clinic sets its own exposure warnings under Clinic setup; changes are audited."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from kapcare.audit.models import AuditEvent
from kapcare.exposure.models import ExposureSettings

URL = "/exposure/settings/"


def test_the_page_says_there_are_no_published_limits_and_nothing_is_set(
    world: Any, client_for: Any
) -> None:
    page = client_for("admin").get(URL).content.decode()
    assert "kapcare ships none" in page
    assert "Not set" in page
    assert "[K16d]" in page


def test_a_prescriber_sets_a_limit_with_a_reason_and_it_is_confirmed(
    world: Any, client_for: Any
) -> None:
    response = client_for("prescriber").post(
        URL,
        {"week_mg_limit": "150", "bladder_check_every_sessions": "4", "reason": "Agreed in MDT"},
    )
    assert response.status_code == 302
    chosen = ExposureSettings.objects.get(clinic=world.cedar)
    assert chosen.week_mg_limit == Decimal(150)
    assert chosen.month_mg_limit is None
    assert chosen.bladder_check_every_sessions == 4
    assert chosen.confirmed_by == world.users["prescriber"]
    event = AuditEvent.objects.get(action="update", object_type="exposure.exposuresettings")
    assert event.detail["changed"]["week_mg_limit"] == ["", "150"]
    assert event.detail["reason"] == "Agreed in MDT"


def test_a_change_without_a_reason_is_refused(world: Any, client_for: Any) -> None:
    response = client_for("admin").post(URL, {"week_mg_limit": "150"})
    assert response.status_code == 400
    assert "Say why the settings change." in response.content.decode()
    assert not ExposureSettings.objects.exists()


def test_a_value_out_of_range_names_the_field(world: Any, client_for: Any) -> None:
    response = client_for("admin").post(URL, {"bladder_check_every_weeks": "0", "reason": "x"})
    assert response.status_code == 400
    assert "Bladder check every (weeks of a course)" in response.content.decode()


def test_a_nurse_may_not_change_settings_and_the_setup_hub_lists_the_page(
    world: Any, client_for: Any
) -> None:
    assert client_for("nurse").get(URL).status_code == 403
    assert URL in client_for("admin").get("/setup/").content.decode()
