"""Error pages speak plainly; the API answers problem+json."""

from __future__ import annotations

import json
from typing import Any

from django.test import RequestFactory

from kapcare.core.views import server_error


def test_an_unknown_page_gets_the_friendly_404(world: Any, client_for: Any) -> None:
    response = client_for("nurse").get("/no/such/page/")
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


def test_an_unknown_api_address_gets_a_problem_document(world: Any, client_for: Any) -> None:
    response = client_for("nurse").get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert json.loads(response.content)["status"] == 404


def test_a_server_error_says_nothing_was_half_saved() -> None:
    response = server_error(RequestFactory().get("/patients/"))
    assert response.status_code == 500
    assert "Nothing you entered has been half-saved" in response.content.decode()


def test_a_server_error_in_the_api_is_a_problem_document() -> None:
    response = server_error(RequestFactory().get("/api/v1/patients"))
    assert response.status_code == 500
    assert response["Content-Type"] == "application/problem+json"
