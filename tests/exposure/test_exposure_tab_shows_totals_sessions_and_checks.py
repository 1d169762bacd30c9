"""The chart's Exposure tab: totals for 7 days, 30 days and the course, and each session."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from kapcare.audit.models import AuditEvent
from kapcare.exposure.models import ExposureSettings
from tests.exposure.conftest import course, dosed


def url(patient: Any) -> str:
    return f"/patients/{patient.pk}/exposure/"


def test_a_nurse_sees_the_totals_and_each_session_with_mg_per_kg(
    world: Any, client_for: Any
) -> None:
    plan = course(world)
    dosed(world, plan, days_ago=2, doses=("40", "12.5"))
    dosed(world, plan, days_ago=20, doses=("60",), weight=None)
    dosed(world, plan, days_ago=45, doses=("30",), state="aborted")
    response = client_for("nurse").get(url(world.jordan))
    assert response.status_code == 200
    view = response.context["view"]
    assert (view.exposure.week_mg, view.exposure.month_mg, view.exposure.course_mg) == (
        Decimal("52.5"),
        Decimal("112.5"),
        Decimal("142.5"),
    )
    page = response.content.decode()
    assert "0.66" in page  # 52.5 mg / 80 kg
    assert "no weight recorded" in page
    assert "Session stopped early: partial dose" in page
    assert "No warning levels are set." in page
    assert AuditEvent.objects.filter(
        action="view", patient_id=world.jordan.pk, object_type="exposure.exposure"
    ).exists()


def test_a_clinic_limit_shows_a_warning_that_says_it_is_the_clinics(
    world: Any, client_for: Any
) -> None:
    plan = course(world)
    dosed(world, plan, days_ago=1, doses=("120",))
    ExposureSettings.objects.create(clinic=world.cedar, week_mg_limit=Decimal(100))
    page = client_for("prescriber").get(url(world.jordan)).content.decode()
    assert "120 mg in the last 7 days is above the clinic&#x27;s weekly limit of 100 mg" in page
    assert "your clinic set, not a published one" in page


def test_a_patient_and_an_admin_may_not_open_the_tab(world: Any, client_for: Any) -> None:
    assert client_for("patient").get(url(world.jordan)).status_code == 403
    assert client_for("admin").get(url(world.jordan)).status_code == 403


def test_another_clinics_staff_find_no_such_patient(world: Any, client_for: Any) -> None:
    assert client_for("other").get(url(world.jordan)).status_code == 404


def test_the_chart_has_an_exposure_tab(world: Any, client_for: Any) -> None:
    page = client_for("therapist").get(f"/patients/{world.jordan.pk}/").content.decode()
    assert f'href="{url(world.jordan)}"' in page
