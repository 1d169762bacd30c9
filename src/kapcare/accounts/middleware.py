"""Who is signed in, where they are working, and whether their session is still good."""

from __future__ import annotations

import time
from collections.abc import Callable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.http import urlencode

from kapcare.accounts.actors import Actor
from kapcare.accounts.selectors import resolve_actor

LAST_SEEN_KEY = "kapcare_last_seen"
LOGIN_AT_KEY = "kapcare_login_at"
#: last-seen is written at most this often, so that a busy page does not save the session each time
TOUCH_INTERVAL_SECONDS = 30


def idle_limit_seconds(request: HttpRequest) -> int:
    user = request.user
    minutes = (
        settings.KAPCARE_STAFF_IDLE_MINUTES
        if getattr(user, "kind", "staff") == "staff"
        else settings.KAPCARE_PATIENT_IDLE_MINUTES
    )
    return int(minutes) * 60


class SessionTimeoutMiddleware:
    """End idle sessions (15 min staff, 30 min patients) and every session after 12 hours.

    Pages answer an expired session with a redirect to the login page (``HX-Redirect`` for
    htmx), the API with a 401 problem, and the status check with ``signed_in: false``.
    Every request counts as activity except the status check; requests that carry their
    own credentials (a bearer token) leave the browser session alone.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and not _uses_token(request):
            now = time.time()
            session = request.session
            last_seen = float(session.get(LAST_SEEN_KEY, now))
            login_at = float(session.get(LOGIN_AT_KEY, now))
            idle = now - last_seen > idle_limit_seconds(request)
            too_old = now - login_at > settings.KAPCARE_SESSION_MAX_HOURS * 3600
            if idle or too_old:
                logout(request)
                why = "idle" if idle else "max"
                if request.path in (reverse("session_status"), reverse("login")):
                    # Now signed out: the status says so, and the sign-in page simply shows.
                    return self.get_response(request)
                if request.path == reverse("session_keepalive"):
                    # Too late to stay: a script must not mistake the login page for success.
                    return JsonResponse({"signed_in": False, "remaining_seconds": 0}, status=401)
                if request.path.startswith("/api/"):
                    return _api_expired(request, why)
                return self._expired(request, why)
            if LOGIN_AT_KEY not in session:
                session[LOGIN_AT_KEY] = now
            if request.path != reverse("session_status") and (
                now - last_seen >= TOUCH_INTERVAL_SECONDS or LAST_SEEN_KEY not in session
            ):
                session[LAST_SEEN_KEY] = now
        return self.get_response(request)

    def _expired(self, request: HttpRequest, why: str) -> HttpResponse:
        next_url = request.get_full_path() if request.method == "GET" else request.path
        target = reverse("login") + "?" + urlencode({"next": next_url, "expired": why})
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return HttpResponseRedirect(target)


def _uses_token(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") and "Authorization" in request.headers


def _api_expired(request: HttpRequest, why: str) -> HttpResponse:
    from kapcare.api.problems import problem_response

    reason = "was idle too long" if why == "idle" else "reached its time limit"
    response = problem_response(
        request, 401, "Session expired", f"Your session {reason}; sign in again."
    )
    response["WWW-Authenticate"] = 'Bearer realm="kapcare"'
    return response


class ClinicContextMiddleware:
    """Attach ``request.actor``: the person, their current clinic and their role there."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.actor = SimpleLazyObject(lambda: resolve_actor(request))  # type: ignore[attr-defined]
        return self.get_response(request)


class ClinicTimeZoneMiddleware:
    """Show times in the clinic's time zone; they are stored in UTC.

    Staff see the clinic they are working in; patients see their own clinic. Public
    pages (sign-in, one-time links) stay in UTC unless a view chooses otherwise.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        clinic = None
        if request.user.is_authenticated:
            actor = getattr(request, "actor", None)
            clinic = getattr(actor, "clinic", None) if actor is not None else None
        if clinic is not None:
            timezone.activate(ZoneInfo(clinic.time_zone))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


#: paths a staff member may reach before completing MFA
MFA_EXEMPT_PREFIXES = ("/login/", "/logout/", "/mfa/", "/static/", "/healthz", "/session/")


class MFARequiredMiddleware:
    """Staff must complete TOTP verification (or enrol) before anything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            settings.KAPCARE_REQUIRE_MFA
            and request.user.is_authenticated
            and getattr(request.user, "kind", "") == "staff"
            and not request.user.is_verified()  # type: ignore[attr-defined]
            and not request.path.startswith(MFA_EXEMPT_PREFIXES)
        ):
            if request.path.startswith("/api/"):
                from kapcare.api.problems import problem_response

                return problem_response(
                    request,
                    401,
                    "Two-factor verification required",
                    "Complete two-factor verification in the browser before using the API.",
                )
            target = reverse("mfa_verify") + "?" + urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(target)
        return self.get_response(request)


def actor_of(request: HttpRequest) -> Actor | None:
    actor = getattr(request, "actor", None)
    return actor if actor is not None and getattr(actor, "user", None) is not None else None
