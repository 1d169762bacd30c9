"""The start page router, the health check and the error pages."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.views.decorators.http import require_GET

from kapcare.accounts.policy import Perm, has_perm, public, require


@require_GET
@public
def home(request: HttpRequest) -> HttpResponse:
    """Send each person to the start page of their role."""
    if not request.user.is_authenticated:
        return redirect("login")
    actor = getattr(request, "actor", None)
    if has_perm(actor, Perm.PATIENT_LIST):
        return redirect("patients:list")
    if has_perm(actor, Perm.PORTAL):
        return redirect("portal:home")
    if has_perm(actor, Perm.SUPPORT_AREA):
        return redirect("support:home")
    return render(request, "core/no_role.html", status=403)


@require_GET
@require(Perm.STAFF_AREA)
def clinic_setup(request: HttpRequest) -> HttpResponse:
    """One page that lists the clinic's configuration pages this person may use."""
    from django.urls import reverse

    from kapcare.core.navigation import setup_items_for

    items = [
        {"label": item.label, "url": reverse(item.url_name), "description": item.description}
        for item in setup_items_for(request.actor)  # type: ignore[attr-defined]
    ]
    return render(request, "core/clinic_setup.html", {"items": items})


@require_GET
@public
def healthz(request: HttpRequest) -> JsonResponse:
    """For the reverse proxy and monitoring: the process is up and the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@public
def bad_request(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return _error(request, 400, "core/400.html")


@public
def permission_denied(request: HttpRequest, exception: Any = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        from kapcare.api.problems import problem_response

        return problem_response(request, 403, "Forbidden", "Your role does not allow this.")
    return _error(request, 403, "403.html")


@public
def page_not_found(request: HttpRequest, exception: Any = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        from kapcare.api.problems import problem_response

        return problem_response(request, 404, "Not found", "There is nothing at this address.")
    return _error(request, 404, "404.html")


@public
def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        from kapcare.api.problems import problem_response

        return problem_response(
            request, 500, "Server error", "The change was rolled back; try again."
        )
    # Rendered without the request: the failure may have happened before the middleware
    # that the page shell relies on (sessions, authentication) ran.
    return HttpResponseServerError(loader.get_template("500.html").render())


def _error(request: HttpRequest, status: int, template: str) -> HttpResponse:
    return render(request, template, status=status)
