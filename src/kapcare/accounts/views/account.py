"""A person's own account page, API tokens, and switching between clinics."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from kapcare.accounts import services
from kapcare.accounts.forms import ApiTokenForm
from kapcare.accounts.mfa import confirmed_totp
from kapcare.accounts.models import PersonalAccessToken
from kapcare.accounts.policy import Perm, deny, require
from kapcare.accounts.selectors import CLINIC_SESSION_KEY
from kapcare.accounts.views._common import _safe_next, _signed_in


@require_POST
@require(Perm.STAFF_AREA)
def switch_clinic(request: HttpRequest) -> HttpResponse:
    clinic = services.clinic_by_id_for(request.user, request.POST.get("clinic"))  # type: ignore[arg-type]
    if clinic is None:
        actor = request.actor  # type: ignore[attr-defined]
        deny(
            actor,
            Perm.STAFF_AREA,
            object_type="accounts.clinic",
            object_id=request.POST.get("clinic", ""),
        )
        raise Http404("No such clinic")
    request.session[CLINIC_SESSION_KEY] = clinic.pk
    messages.success(request, f"You are now working in {clinic.name}.")
    return redirect("home")


@require_GET
@require(Perm.SIGNED_IN)
def security(request: HttpRequest) -> HttpResponse:
    """The person's own account page: two-factor status, recovery codes and API tokens."""
    actor = request.actor  # type: ignore[attr-defined]
    tokens = PersonalAccessToken.objects.filter(user=_signed_in(request)).select_related("clinic")
    return render(
        request,
        "accounts/security.html",
        {
            "has_totp": confirmed_totp(request.user) is not None,
            "tokens": tokens,
            "token_form": ApiTokenForm() if actor and actor.is_staff_member else None,
            "now": timezone.now(),
        },
    )


@require_POST
@require(Perm.STAFF_AREA)
def token_create(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        tokens = PersonalAccessToken.objects.filter(user=_signed_in(request)).select_related(
            "clinic"
        )
        return render(
            request,
            "accounts/security.html",
            {
                "has_totp": confirmed_totp(request.user) is not None,
                "tokens": tokens,
                "token_form": form,
                "now": timezone.now(),
            },
            status=400,
        )
    issued = services.api_token_create(
        actor=request.actor,  # type: ignore[attr-defined]
        name=form.cleaned_data["name"],
        scope=form.cleaned_data["scope"],
        days=form.cleaned_data["days"],
    )
    return render(request, "accounts/token_created.html", {"issued": issued})


@require_POST
@require(Perm.SIGNED_IN)
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    scope = Q(user=request.user)
    if actor is not None and actor.role == "admin":
        scope |= Q(clinic=actor.clinic)
    token = PersonalAccessToken.objects.filter(scope, pk=token_id).first()
    if token is None:
        deny(actor, Perm.SIGNED_IN, object_type="accounts.personalaccesstoken", object_id=token_id)
        raise Http404("No such token")
    services.api_token_revoke(actor=actor, token=token)
    messages.success(request, f"Token “{token.name}” is revoked and can no longer be used.")
    return HttpResponseRedirect(_safe_next(request, reverse("accounts:security")))


@require_GET
@require(Perm.CLINIC_TOKENS)
def clinic_tokens(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    tokens = PersonalAccessToken.objects.filter(clinic=actor.clinic).select_related("user")
    return render(request, "accounts/clinic_tokens.html", {"tokens": tokens, "now": timezone.now()})
