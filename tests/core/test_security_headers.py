"""Every page carries the security headers; health information is never cached."""

from __future__ import annotations

from typing import Any

from django.urls import reverse


def test_pages_send_a_strict_content_security_policy(world: Any, client_for: Any) -> None:
    response = client_for("therapist").get(reverse("patients:chart", args=[world.jordan.pk]))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert "default-src 'self'" in policy


def test_the_htmx_script_tag_carries_the_nonce_of_the_header(world: Any, client_for: Any) -> None:
    response = client_for("therapist").get(reverse("patients:list"))
    nonce = response["Content-Security-Policy"].split("'nonce-", 1)[1].split("'", 1)[0]
    assert f'nonce="{nonce}"' in response.content.decode()


def test_pages_forbid_framing_sniffing_and_cross_site_referrers(
    world: Any, client_for: Any
) -> None:
    response = client_for("nurse").get(reverse("patients:list"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_health_information_is_never_stored_by_browsers_or_proxies(
    world: Any, client_for: Any
) -> None:
    for url in (
        reverse("patients:chart", args=[world.jordan.pk]),
        reverse("api:patient", args=[world.jordan.pk]),
    ):
        response = client_for("nurse").get(url)
        assert response["Cache-Control"] == "no-store", url


def test_static_assets_may_be_cached(world: Any, client_for: Any) -> None:
    response = client_for("nurse").get("/static/kapcare/kapcare.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_nothing_is_loaded_from_another_origin(world: Any, client_for: Any) -> None:
    for url in (reverse("login"), reverse("patients:list"), reverse("api:openapi-view")):
        page = client_for("therapist").get(url).content.decode()
        assert "http://" not in page.replace("http://www.w3.org", "")
        assert "https://" not in page.replace("https://www.w3.org", ""), url
