"""The patient signs the exact consent text; a clinician countersigns; withdrawal is recorded."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.urls import reverse

from kapcare.audit.models import AuditEvent
from kapcare.intake.consent import default_consent_text, render_markdown
from kapcare.intake.models import ConsentDocument, ConsentSignature
from kapcare.intake.selectors import consent_is_current, consent_status


def open_and_sign(client: Any, name: str = "Samuel Lee", agreed: bool = True) -> Any:
    page = client.get(reverse("intake:portal_consent"))
    assert page.status_code == 200
    document = ConsentDocument.objects.get()
    data = {"document_sha256": document.sha256, "typed_name": name}
    if agreed:
        data["agreed"] = "on"
    return client.post(reverse("intake:portal_consent"), data, REMOTE_ADDR="203.0.113.9")


def test_the_default_consent_covers_what_the_issue_lists() -> None:
    text = default_consent_text().lower()
    for topic in (
        "off-label",
        "45 to 60 minutes",
        "blood pressure",
        "nausea",
        "dizziness",
        "dissociation",
        "sedation",
        "misuse",
        "bladder",
        "do not drive",
        "escort",
        "alternatives",
        "at any time",
        "privacy",
        "intranasal" if "intranasal" in text else "nose",
    ):
        assert topic in text, topic


def test_signing_stores_name_time_ip_and_the_hash_of_the_exact_text(
    world: Any, client_for: Any
) -> None:
    response = open_and_sign(client_for("patient2"))
    assert response.status_code == 302
    signature = ConsentSignature.objects.get()
    document = signature.document
    assert signature.document_sha256 == hashlib.sha256(document.body.encode()).hexdigest()
    assert signature.typed_name == "Samuel Lee"
    assert signature.agreed is True
    assert signature.signed_at is not None
    assert signature.ip == "203.0.113.9"
    assert AuditEvent.objects.filter(
        object_type="intake.consentsignature", action="create"
    ).exists()
    assert consent_status(world.sam).reason.startswith("Signed by the patient")


@pytest.mark.parametrize(
    ("name", "agreed", "message"),
    [
        ("Sam", True, "Type your full legal name exactly: Samuel Lee."),
        ("Samuel Lee", False, "Tick the box to say you agree."),
    ],
)
def test_a_signature_needs_the_full_name_and_explicit_agreement(
    name: str, agreed: bool, message: str, world: Any, client_for: Any
) -> None:
    response = open_and_sign(client_for("patient2"), name=name, agreed=agreed)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ConsentSignature.objects.exists()


def test_a_signature_of_a_text_that_changed_meanwhile_is_refused(
    world: Any, client_for: Any
) -> None:
    client = client_for("patient2")
    client.get(reverse("intake:portal_consent"))
    response = client.post(
        reverse("intake:portal_consent"),
        {"document_sha256": "0" * 64, "typed_name": "Samuel Lee", "agreed": "on"},
    )
    assert response.status_code == 400
    assert "changed while you were reading" in response.content.decode()


def test_consent_is_current_only_after_a_clinician_countersigns(
    world: Any, client_for: Any
) -> None:
    open_and_sign(client_for("patient2"))
    assert not consent_is_current(world.sam)
    signature = ConsentSignature.objects.get()
    response = client_for("nurse").post(
        reverse("intake:countersign", args=[world.sam.pk, signature.pk])
    )
    assert response.status_code == 302
    signature.refresh_from_db()
    assert signature.countersigned_by == world.users["nurse"]
    assert consent_is_current(world.sam)
    again = client_for("prescriber").post(
        reverse("intake:countersign", args=[world.sam.pk, signature.pk])
    )
    assert again.status_code == 302
    signature.refresh_from_db()
    assert signature.countersigned_by == world.users["nurse"]


def test_a_signature_is_never_edited(world: Any, client_for: Any) -> None:
    open_and_sign(client_for("patient2"))
    signature = ConsentSignature.objects.get()
    signature.typed_name = "Someone Else"
    with pytest.raises(RuntimeError, match="never edited"):
        signature.save()


def test_the_patient_can_withdraw_and_consent_stops_being_current(
    world: Any, client_for: Any
) -> None:
    client = client_for("patient2")
    open_and_sign(client)
    signature = ConsentSignature.objects.get()
    client_for("nurse").post(reverse("intake:countersign", args=[world.sam.pk, signature.pk]))
    response = client.post(reverse("intake:portal_withdraw"), {"reason": "Changed my mind"})
    assert response.status_code == 302
    signature.refresh_from_db()
    assert signature.withdrawn_at is not None
    assert signature.withdrawal_reason == "Changed my mind"
    assert not consent_is_current(world.sam)
    assert AuditEvent.objects.filter(action="revoke", patient=world.sam).exists()


def test_a_new_document_version_needs_a_new_signature(world: Any, client_for: Any) -> None:
    open_and_sign(client_for("patient2"))
    signature = ConsentSignature.objects.get()
    client_for("nurse").post(reverse("intake:countersign", args=[world.sam.pk, signature.pk]))
    assert consent_is_current(world.sam)
    response = client_for("admin").post(
        reverse("intake:consent_documents"),
        {"title": "Consent v2", "body": default_consent_text() + "\n\nA new paragraph."},
    )
    assert response.status_code == 302
    assert ConsentDocument.objects.count() == 2
    assert not consent_is_current(world.sam)
    assert "needs a new signature" in consent_status(world.sam).reason


def test_markdown_is_rendered_and_raw_html_removed() -> None:
    html = str(
        render_markdown(
            "## Title\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1)) **bold**"
        )
    )
    assert "<h2>Title</h2>" in html
    assert "<strong>bold</strong>" in html
    assert "<script" not in html
    assert 'href="javascript' not in html
