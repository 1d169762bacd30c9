"""The crisis text for the footer of every patient and support-person page."""

from __future__ import annotations

from typing import Any

from django import template

from kapcare.accounts.models import DEFAULT_CRISIS_TEXT

register = template.Library()


@register.simple_tag
def crisis_text(actor: Any) -> str:
    """The clinic's crisis text: the patient's clinic, or the supported patient's clinic."""
    if actor is None or actor.is_staff_member:
        return ""
    if actor.clinic is not None:
        return str(actor.clinic.crisis_line_text)
    from kapcare.accounts.policy import support_links_for

    link = support_links_for(actor).select_related("patient__clinic").first()
    return str(link.patient.clinic.crisis_line_text) if link else DEFAULT_CRISIS_TEXT
