"""The patient's side: inviting support persons, choosing what each sees, ending access."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from kapcare.accounts.policy import Perm, deny, get_patient, require
from kapcare.audit.models import Action
from kapcare.support import services
from kapcare.support.forms import GrantsForm, SupportInviteForm
from kapcare.support.models import SupportInvitation, SupportRelationship


def _patient(request: HttpRequest, audit: Action | None = None) -> Any:
    actor = request.actor  # type: ignore[attr-defined]
    return get_patient(
        actor, actor.patient.pk, Perm.PORTAL, audit=audit, object_type="support.people"
    )


def _field_error(form: Any, exc: services.SupportError) -> None:
    field, _, message = str(exc).partition(": ")
    if field in form.fields and message:
        form.add_error(field, message[:1].upper() + message[1:] + ".")
    else:
        form.add_error(None, str(exc))


def _people(request: HttpRequest, invite_form: Any, status: int = 200) -> HttpResponse:
    patient = _patient(request, audit=Action.VIEW)
    links = list(
        SupportRelationship.objects.filter(patient=patient, revoked_at__isnull=True)
        .select_related("user")
        .order_by("created_at")
    )
    pending = list(
        SupportInvitation.objects.filter(
            patient=patient,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
    )
    people = [
        (link, GrantsForm(initial={"grants": sorted(link.grants)}, prefix=f"l{link.pk}"))
        for link in links
    ]
    return render(
        request,
        "support/people.html",
        {"patient": patient, "people": people, "pending": pending, "form": invite_form},
        status=status,
    )


@require_http_methods(["GET"])
@require(Perm.PORTAL)
def people(request: HttpRequest) -> HttpResponse:
    return _people(request, SupportInviteForm())


@require_POST
@require(Perm.PORTAL)
def invite(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    _patient(request)
    form = SupportInviteForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            invitation, raw = services.support_invite(
                actor=actor,
                full_name=data["full_name"],
                relationship=data["relationship"],
                email=data["email"],
                phone=data["phone"],
                grants=data["grants"],
            )
        except services.SupportError as exc:
            _field_error(form, exc)
        else:
            return render(
                request,
                "support/invited.html",
                {"invitation": invitation, "link": services.accept_link(raw)},
            )
    return _people(request, form, status=400)


def _own_link(request: HttpRequest, link_id: int) -> SupportRelationship:
    actor = request.actor  # type: ignore[attr-defined]
    patient = _patient(request)
    link = (
        SupportRelationship.objects.select_related("patient")
        .filter(pk=link_id, patient=patient, revoked_at__isnull=True)
        .first()
    )
    if link is None:
        deny(actor, Perm.PORTAL, object_type="support.supportrelationship", object_id=link_id)
        raise Http404("No such support person")
    return link


@require_POST
@require(Perm.PORTAL)
def grants(request: HttpRequest, link_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    link = _own_link(request, link_id)
    form = GrantsForm(request.POST, prefix=f"l{link.pk}")
    if not form.is_valid():
        messages.error(request, "Choose only from the listed things they may see.")
        return redirect("support:people")
    services.support_grants_update(actor=actor, link=link, grants=form.cleaned_data["grants"])
    messages.success(request, f"Saved. {link.user.full_name} now sees only what you ticked.")
    return redirect("support:people")


@require_POST
@require(Perm.PORTAL)
def revoke(request: HttpRequest, link_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    link = _own_link(request, link_id)
    services.support_access_revoke(actor=actor, link=link)
    messages.success(request, f"{link.user.full_name} no longer sees anything of your care.")
    return redirect("support:people")


@require_POST
@require(Perm.PORTAL)
def withdraw(request: HttpRequest, invitation_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    patient = _patient(request)
    invitation = SupportInvitation.objects.filter(
        pk=invitation_id, patient=patient, accepted_at__isnull=True, revoked_at__isnull=True
    ).first()
    if invitation is None:
        deny(actor, Perm.PORTAL, object_type="support.supportinvitation", object_id=invitation_id)
        raise Http404("No such invitation")
    services.support_invitation_withdraw(actor=actor, invitation=invitation)
    messages.success(request, f"The invitation for {invitation.full_name} is withdrawn.")
    return redirect("support:people")
