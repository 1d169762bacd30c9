"""The support person's side: accepting an invitation, their page, confirming escort duty.

Every read goes through ``policy.support_links_for`` / ``support_grants``: a revoked link
or an ungranted section shows nothing.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django.contrib import messages
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kapcare.accounts.forms import ExistingAccountForm, SetPasswordForm
from kapcare.accounts.models import User
from kapcare.accounts.policy import Perm, deny, public, require, support_links_for
from kapcare.audit.models import Action
from kapcare.audit.services import record
from kapcare.support import services
from kapcare.support.forms import EmailForm
from kapcare.support.models import Grant
from kapcare.support.sessions import EscortView, escort_views, escortable_appointments

#: questions a support person may ask after a session (shown only with the CHECKINS grant)
CHECKIN_PROMPTS = (
    "How did you sleep?",
    "How are you feeling today, in body and mind?",
    "Is there anything from the session you would like to talk about, or not yet?",
    "Is there something I can do for you today?",
)


def _view_of(link: Any, escort: EscortView | None) -> dict[str, Any]:
    """What this support person may see of one patient: the granted sections only."""
    grants = link.grants
    patient = link.patient
    view: dict[str, Any] = {
        "link": link,
        "name": patient.preferred_name or patient.given_name,
        "clinic": patient.clinic,
        "grants": grants,
    }
    if Grant.APPOINTMENTS in grants:
        live = [c for c in link.escort_confirmations.all() if c.withdrawn_at is None]
        by_appointment = {c.appointment_id: c for c in live if c.appointment_id}
        upcoming = escort.upcoming if escort else None
        pickup = escort.pickup if escort else None
        view["upcoming"] = upcoming
        view["upcoming_confirmation"] = by_appointment.get(upcoming.pk) if upcoming else None
        view["pickup"] = pickup
        view["pickup_confirmation"] = by_appointment.get(pickup.pk) if pickup else None
        view["confirmed"] = [c for c in live if c.appointment_id is None]
    if Grant.CHECKINS in grants:
        view["checkin_prompts"] = CHECKIN_PROMPTS
    return view


@require_GET
@require(Perm.SUPPORT_AREA)
def home(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    links = list(
        support_links_for(actor)
        .select_related("patient__clinic")
        .prefetch_related("escort_confirmations")
        .order_by("created_at")
    )
    for link in links:
        record(
            Action.VIEW,
            actor=actor,
            patient=link.patient,
            object_type="support.shared_view",
            object_id=link.pk,
            detail={"grants": sorted(link.grants)},
        )
    escorts = escort_views(
        [link for link in links if Grant.APPOINTMENTS in link.grants], timezone.now()
    )
    return render(
        request,
        "support/home.html",
        {"supported": [_view_of(link, escorts.get(link.patient_id)) for link in links]},
    )


def _granted_link(request: HttpRequest, link_id: int, object_type: str) -> Any:
    """The support person's own live link with the appointments grant, or 404 (recorded)."""
    actor = request.actor  # type: ignore[attr-defined]
    link = support_links_for(actor).select_related("patient__clinic").filter(pk=link_id).first()
    if link is None or Grant.APPOINTMENTS not in link.grants:
        deny(actor, Perm.SUPPORT_AREA, object_type=object_type, object_id=link_id)
        raise Http404("Nothing to confirm here")
    return link


def _appointment(request: HttpRequest, link: Any, appointment_id: int, object_type: str) -> Any:
    appointment = (
        escortable_appointments([link.patient_id], timezone.now() - dt.timedelta(days=1))
        .filter(pk=appointment_id)
        .first()
    )
    if appointment is None:
        deny(request.actor, Perm.SUPPORT_AREA, object_type=object_type, object_id=appointment_id)  # type: ignore[attr-defined]
        raise Http404("No such session to escort")
    return appointment


@require_POST
@require(Perm.SUPPORT_AREA)
def escort(request: HttpRequest, link_id: int) -> HttpResponse:
    """Escort duty for the next session once one is booked (nothing is booked yet)."""
    actor = request.actor  # type: ignore[attr-defined]
    link = _granted_link(request, link_id, "support.escort")
    services.escort_confirm(actor=actor, link=link, session_date=None)
    name = link.patient.preferred_name or link.patient.given_name
    messages.success(
        request, f"Thank you. The clinic knows you will take {name} home after their next session."
    )
    return redirect("support:home")


@require_POST
@require(Perm.SUPPORT_AREA)
def escort_appointment(request: HttpRequest, link_id: int, appointment_id: int) -> HttpResponse:
    """Escort duty for one booked dosing session; the nurse's readiness gate shows it."""
    actor = request.actor  # type: ignore[attr-defined]
    link = _granted_link(request, link_id, "support.escort")
    appointment = _appointment(request, link, appointment_id, "support.escort")
    try:
        confirmation = services.escort_confirm(actor=actor, link=link, appointment=appointment)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("support:home")
    name = link.patient.preferred_name or link.patient.given_name
    day = confirmation.session_date or timezone.localdate(
        appointment.start, zoneinfo.ZoneInfo(appointment.clinic.time_zone)
    )
    messages.success(
        request,
        f"Thank you. The clinic knows you will take {name} home on {day:%A} {day.day} {day:%B}.",
    )
    return redirect("support:home")


@require_POST
@require(Perm.SUPPORT_AREA)
def pickup(request: HttpRequest, link_id: int, appointment_id: int) -> HttpResponse:
    """At the clinic on the day: "I am here to take them home"; the nurse sees it at discharge."""
    actor = request.actor  # type: ignore[attr-defined]
    link = _granted_link(request, link_id, "support.pickup")
    appointment = _appointment(request, link, appointment_id, "support.pickup")
    try:
        services.pickup_confirm(actor=actor, link=link, appointment=appointment)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("support:home")
    name = link.patient.preferred_name or link.patient.given_name
    messages.success(
        request, f"Thank you. The nurse can see that you are here to take {name} home."
    )
    return redirect("support:home")


@require_http_methods(["GET", "POST"])
@public
def accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.support_invitation_for_token(token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    existing = User.objects.filter(email=invitation.email).first() if invitation.email else None
    form: Any
    email_form = None
    if existing is not None:
        form = ExistingAccountForm(request.POST or None)
    else:
        newcomer = User(email=invitation.email, full_name=invitation.full_name)
        form = SetPasswordForm(
            request.POST or None, initial={"full_name": invitation.full_name}, user=newcomer
        )
        if not invitation.email:
            email_form = EmailForm(request.POST or None)
    valid = form.is_valid() and (email_form is None or email_form.is_valid())
    if request.method == "POST" and valid:
        try:
            if existing is not None:
                user = authenticate(
                    request, username=existing.email, password=form.cleaned_data["password"]
                )
                if user is None:
                    form.add_error("password", "That password is not correct for this account.")
                    raise services.SupportError("")
                services.support_invitation_accept(invitation=invitation, existing_user=existing)
            else:
                services.support_invitation_accept(
                    invitation=invitation,
                    email=email_form.cleaned_data["email"] if email_form else "",
                    full_name=form.cleaned_data["full_name"],
                    password=form.cleaned_data["password1"],
                )
        except services.SupportError as exc:
            if str(exc):
                form.add_error(None, str(exc).partition(": ")[2] or str(exc))
        else:
            messages.success(request, "Your account is ready. Sign in to continue.")
            return redirect("login")
    return render(
        request,
        "support/accept.html",
        {
            "form": form,
            "email_form": email_form,
            "invitation": invitation,
            "existing": existing is not None,
            "patient_name": invitation.patient.preferred_name or invitation.patient.given_name,
        },
        status=400 if request.method == "POST" else 200,
    )
