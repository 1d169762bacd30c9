"""The OpenAPI description and the interactive docs, served without any CDN."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client


def schema() -> dict[str, Any]:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


#: the dosing session paths (long enough to need a name)
SESSION = "/api/v1/patients/{patient_id}/sessions/{session_id}"


def test_the_openapi_document_lists_every_route_and_method(db: Any) -> None:
    paths = schema()["paths"]
    assert {path: sorted(ops) for path, ops in paths.items()} == {
        "/api/v1/me": ["get"],
        "/api/v1/patients": ["get", "post"],
        "/api/v1/patients/{patient_id}": ["get", "patch"],
        "/api/v1/patients/{patient_id}/responses": ["get", "post"],
        "/api/v1/patients/{patient_id}/scores": ["get"],
        "/api/v1/alerts": ["get"],
        "/api/v1/alerts/{alert_id}/acknowledge": ["post"],
        "/api/v1/me/intake": ["get"],
        "/api/v1/me/intake/sections/{section}": ["put"],
        "/api/v1/me/intake/medications": ["post"],
        "/api/v1/me/intake/submit": ["post"],
        "/api/v1/patients/{patient_id}/intake": ["get"],
        "/api/v1/patients/{patient_id}/intake/sections/{section}": ["put"],
        "/api/v1/patients/{patient_id}/screenings": ["post"],
        "/api/v1/patients/{patient_id}/eligibility-decisions": ["post"],
        "/api/v1/consent-documents": ["get"],
        "/api/v1/me/consent-signatures": ["post"],
        "/api/v1/journal/entries": ["get", "post"],
        "/api/v1/journal/entries/{entry_id}/sharing": ["put"],
        "/api/v1/practices/plan": ["get"],
        "/api/v1/practices/plan/{item_id}/checks": ["post"],
        "/api/v1/support/people": ["get"],
        "/api/v1/support/invitations": ["post"],
        "/api/v1/support/people/{link_id}/grants": ["put"],
        "/api/v1/support/people/{link_id}": ["delete"],
        "/api/v1/education/pages": ["get"],
        "/api/v1/education/pages/{slug}": ["get"],
        "/api/v1/patients/{patient_id}/plans": ["get", "post"],
        "/api/v1/patients/{patient_id}/plans/{plan_id}/sign": ["post"],
        "/api/v1/appointments": ["get"],
        "/api/v1/patients/{patient_id}/appointments": ["post"],
        "/api/v1/appointments/{appointment_id}/reschedule": ["post"],
        "/api/v1/appointments/{appointment_id}/cancel": ["post"],
        "/api/v1/appointments/{appointment_id}/attended": ["post"],
        "/api/v1/appointments/{appointment_id}/preparation": ["get", "post"],
        "/api/v1/patients/{patient_id}/sessions": ["get"],
        "/api/v1/patients/{patient_id}/sessions/{session_id}": ["get"],
        "/api/v1/patients/{patient_id}/appointments/{appointment_id}/session": ["post"],
        "/api/v1/patients/{patient_id}/sessions/{session_id}/check-in": ["post"],
        "/api/v1/patients/{patient_id}/sessions/{session_id}/ready": ["post"],
        "/api/v1/patients/{patient_id}/sessions/{session_id}/start-dose": ["post"],
        "/api/v1/patients/{patient_id}/sessions/{session_id}/end-dose": ["post"],
        "/api/v1/patients/{patient_id}/sessions/{session_id}/abort": ["post"],
        "/api/v1/patients/{patient_id}/sessions/{session_id}/discharge": ["post"],
        "/api/v1/patients/{patient_id}/sessions/{session_id}/weight": ["post"],
        "/api/v1/patients/{patient_id}/sessions/{session_id}/questionnaire-waiver": ["post"],
        "/api/v1/patients/{patient_id}/sessions/{session_id}/pre-dose-vitals-acceptance": ["post"],
        "/api/v1/patients/{patient_id}/sessions/{session_id}/vitals": ["post"],
        "/api/v1/patients/{patient_id}/sessions/{session_id}/orders": ["post"],
        "/api/v1/patients/{patient_id}/sessions/{session_id}/orders/{order_id}/check": ["post"],
        "/api/v1/patients/{patient_id}/sessions/{session_id}/administrations": ["post"],
        "/api/v1/patients/{patient_id}/sessions/{session_id}/record": ["get"],
        "/api/v1/patients/{patient_id}/sessions/{session_id}/observations": ["post"],
        "/api/v1/patients/{patient_id}/sessions/{session_id}/interventions": ["post"],
        "/api/v1/patients/{patient_id}/sessions/{session_id}/adverse-events": ["post"],
        SESSION + "/adverse-events/{event_id}/follow-ups": ["post"],
        "/api/v1/patients/{patient_id}/sessions/{session_id}/therapist-notes": ["post"],
        SESSION + "/administrations/{administration_id}/events": ["post"],
        "/api/v1/patients/{patient_id}/exposure": ["get"],
        "/api/v1/patients/{patient_id}/bladder-checks": ["get", "post"],
        "/api/v1/stock/lots": ["get"],
        "/api/v1/stock/lots/{lot_id}/entries": ["get"],
    }


def test_the_openapi_document_describes_both_ways_to_authenticate(db: Any) -> None:
    schemes = schema()["components"]["securitySchemes"]
    assert schemes["TokenAuth"] == {"type": "http", "scheme": "bearer"}
    assert schemes["SessionAuth"]["in"] == "cookie"


def test_the_openapi_document_states_the_page_size_limit(db: Any) -> None:
    parameters = schema()["paths"]["/api/v1/patients"]["get"]["parameters"]
    limit = next(p for p in parameters if p["name"] == "limit")
    assert (limit["schema"]["minimum"], limit["schema"]["maximum"]) == (1, 100)


def test_the_patient_create_body_forbids_unknown_fields(db: Any) -> None:
    component = schema()["components"]["schemas"]["PatientIn"]
    assert component["additionalProperties"] is False
    assert set(component["required"]) == {"mrn", "given_name", "family_name", "date_of_birth"}


def test_the_docs_page_renders_without_any_external_url(db: Any) -> None:
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html), html
    assert "cdn" not in html.lower()
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    assert "script-src 'self'" in policy


def test_the_docs_assets_are_served_locally(db: Any) -> None:
    html = Client().get("/api/v1/docs").content.decode()
    assets = re.findall(r"""(?:src|href)="(/static/[^"]+)\"""", html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    for asset in assets:
        response = Client().get(asset)
        assert response.status_code == 200, asset
