"""Pages for the secret calendar feed: make or revoke one, and the feed itself."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from kapcare.accounts.policy import Perm, deny, has_perm, public, require
from kapcare.treatment import feeds
from kapcare.treatment.models import CalendarFeed


@require_http_methods(["GET", "POST"])
@require(Perm.SIGNED_IN)
def feed_settings(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    if not (has_perm(actor, Perm.SCHEDULE_VIEW) or has_perm(actor, Perm.PORTAL)):
        deny(actor, "calendar.feed", object_type="route")
        raise PermissionDenied("Calendar feeds are for patients and clinic staff.")
    url = ""
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            feeds.feed_revoke(actor=actor)
            messages.success(request, "Your calendar feed is switched off.")
            return redirect("treatment:feed_settings")
        token = feeds.feed_create(actor=actor)
        url = settings.KAPCARE_BASE_URL + reverse("treatment:feed", args=[token])
    active = CalendarFeed.objects.filter(user=actor.user, revoked_at__isnull=True).exists()
    return render(
        request,
        "treatment/feed_settings.html",
        {"url": url, "active": active, "past_days": feeds.FEED_PAST.days},
    )


@require_GET
@public
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The .ics itself: calendar apps cannot sign in, so the secret token is the key."""
    found = feeds.feed_for_token(token)
    if found is None:
        raise Http404("No such calendar feed")
    appointments = list(feeds.feed_appointments(found, timezone.now()).order_by("start"))
    feeds.feed_audit(found, appointments)
    response = HttpResponse(feeds.ics(found, appointments), content_type="text/calendar")
    response["Cache-Control"] = "private, no-store"
    return response
