"""Clinic-wide pages for the care team: the alerts inbox, the "Needs attention"
worklist, and the clinic's measures settings."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kapcare.accounts.actors import Actor
from kapcare.accounts.policy import Perm, has_perm, require
from kapcare.audit.models import Action
from kapcare.audit.services import record
from kapcare.core.paging import (
    ListPage,
    Page,
    PagedList,
    asked_pages,
    requested_page,
    section_pages,
)
from kapcare.measures import alerts as alert_services
from kapcare.measures import selectors
from kapcare.measures.access import (
    alerts_for,
    get_alert,
    my_patients_among,
)
from kapcare.measures.forms import AcknowledgeForm, MeasuresSettingsForm
from kapcare.measures.models import MeasuresSettings
from kapcare.measures.selectors import OffTrackPage, settings_for, worklist

#: the worklist's paged sections: the query parameter of each and the heading its links open at
WORKLIST_SECTIONS = {
    "alerts": PagedList("alerts_page", "wl-alerts-h"),
    "overdue": PagedList("overdue_page", "wl-overdue-h"),
    "off_track": PagedList("off_track_page", "wl-track-h"),
}

#: the inbox's paged sections: the query parameter of each and the heading its links open at
INBOX_SECTIONS = {
    "open": PagedList("open_page", "open-h"),
    "acknowledged": PagedList("acknowledged_page", "closed-h"),
}


@require_GET
@require(Perm.PATIENT_CLINICAL)
def alert_inbox(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    asked, problems = asked_pages(request.GET, INBOX_SECTIONS)
    inbox = selectors.alert_inbox(
        alerts_for(actor),
        open_page=asked["open"],
        acknowledged_page=asked["acknowledged"],
    )
    sections = {"open": inbox.open, "acknowledged": inbox.acknowledged}
    # only the alerts shown are recorded as read, with the page each came from
    record(
        Action.LIST,
        actor=actor,
        object_type="measures.safetyalert",
        detail={
            "open": [a.pk for a in inbox.open.rows],
            "open_page": inbox.open.page.number,
            "acknowledged": [a.pk for a in inbox.acknowledged.rows],
            "acknowledged_page": inbox.acknowledged.page.number,
        },
    )
    return render(
        request,
        "measures/alerts.html",
        {
            "inbox": inbox,
            "pages": section_pages(
                request.GET,
                INBOX_SECTIONS,
                shown={key: listed.page for key, listed in sections.items()},
                problems=problems,
                notices={key: listed.notice for key, listed in sections.items()},
            ),
            "mine": my_patients_among(actor, [*inbox.open.rows, *inbox.acknowledged.rows]),
            "form": AcknowledgeForm(),
            "can_acknowledge": has_perm(actor, Perm.ALERT_ACKNOWLEDGE),
        },
    )


@require_POST
@require(Perm.ALERT_ACKNOWLEDGE)
def acknowledge(request: HttpRequest, alert_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    alert = get_alert(actor, alert_id, Perm.ALERT_ACKNOWLEDGE)
    form = AcknowledgeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "What was done: " + " ".join(str(e) for e in form["note"].errors))
    else:
        try:
            alert_services.acknowledge(actor=actor, alert=alert, note=form.cleaned_data["note"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, f"Alert for {alert.patient.display_name} acknowledged and closed."
            )
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(_page_that_still_exists(actor, back))
    return redirect("measures:alerts")


def _page_that_still_exists(actor: Actor, back: str) -> str:
    """``back``, on the last page of open alerts when acknowledging emptied the page it named.

    The inbox and the worklist send their own address with the page shown. Emptying the
    last page is expected here, so the number is corrected before going back rather than
    answered with the notice meant for a page number someone typed.
    """
    parts = urlsplit(back)
    try:
        page_name = resolve(parts.path).view_name
    except Resolver404:
        return back
    # both pages list the same open alerts (the clinic's), in the same order
    if page_name == "measures:alerts":
        field, size = INBOX_SECTIONS["open"].field, selectors.INBOX_OPEN_PAGE_SIZE
    elif page_name == "measures:worklist":
        field, size = WORKLIST_SECTIONS["alerts"].field, selectors.OPEN_ALERTS_PAGE_SIZE
    else:
        return back
    query = QueryDict(parts.query, mutable=True)
    asked, problem = requested_page(query.get(field), field=field)
    if problem or asked == 1:
        return back
    last = Page(1, size, selectors.inbox_open_alerts(alerts_for(actor)).count()).pages
    if asked <= last:
        return back
    if last == 1:
        query.pop(field)
    else:
        query[field] = str(last)
    return urlunsplit(parts._replace(query=query.urlencode()))


@require_GET
@require(Perm.PATIENT_CLINICAL)
def needs_attention(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    now = timezone.now()
    asked, problems = asked_pages(request.GET, WORKLIST_SECTIONS)
    work = worklist(
        actor.clinic,
        now,
        alerts_page=asked["alerts"],
        overdue_page=asked["overdue"],
        off_track_page=asked["off_track"],
    )
    sections: dict[str, ListPage[Any] | OffTrackPage] = {
        "alerts": work.alerts,
        "overdue": work.overdue,
        "off_track": work.off_track,
    }
    # only the rows shown are recorded as read, with the page each came from
    record(
        Action.LIST,
        actor=actor,
        object_type="measures.worklist",
        detail={
            "alerts": [a.pk for a in work.alerts.rows],
            "alerts_page": work.alerts.page.number,
            "overdue": [a.pk for a in work.overdue.rows],
            "overdue_page": work.overdue.page.number,
            "off_track": [o.patient.pk for o in work.off_track.rows],
            "off_track_page": work.off_track.page.number,
        },
    )
    return render(
        request,
        "measures/worklist.html",
        {
            "work": work,
            "pages": section_pages(
                request.GET,
                WORKLIST_SECTIONS,
                shown={key: listed.page for key, listed in sections.items()},
                problems=problems,
                notices={key: listed.notice for key, listed in sections.items()},
            ),
            "now": now,
            "form": AcknowledgeForm(),
            "can_acknowledge": has_perm(actor, Perm.ALERT_ACKNOWLEDGE),
        },
    )


@require_http_methods(["GET", "POST"])
@require(Perm.MEASURES_SETTINGS)
def measures_settings(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    current = settings_for(actor.clinic)
    form = MeasuresSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        saved: MeasuresSettings = form.save(commit=False)
        saved.clinic = actor.clinic
        saved.updated_at = timezone.now()
        saved.save()
        record(
            Action.UPDATE,
            actor=actor,
            obj=saved,
            detail={name: form.cleaned_data[name] for name in form.changed_data},
        )
        messages.success(request, "Measures settings saved.")
        return redirect("measures:settings")
    return render(
        request,
        "measures/settings.html",
        {"form": form},
        status=400 if form.errors else 200,
    )
