"""The signed consent as a PDF, with WeasyPrint's URL fetcher locked."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from kapcare.audit.models import AuditEvent
from kapcare.intake import consent, pdf
from kapcare.intake.models import ConsentDocument, ConsentSignature


@pytest.fixture
def signature(world: Any, client_for: Any) -> ConsentSignature:
    client = client_for("patient2")
    client.get(reverse("intake:portal_consent"))
    document = ConsentDocument.objects.get()
    client.post(
        reverse("intake:portal_consent"),
        {"document_sha256": document.sha256, "typed_name": "Samuel Lee", "agreed": "on"},
    )
    return ConsentSignature.objects.get()


def test_the_patient_downloads_a_pdf_of_their_signed_consent(
    signature: ConsentSignature, client_for: Any
) -> None:
    response = client_for("patient2").get(reverse("intake:portal_consent_pdf", args=[signature.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(
        action="export", object_type="intake.consentsignature"
    ).exists()


def test_another_patient_cannot_download_it(signature: ConsentSignature, client_for: Any) -> None:
    response = client_for("patient").get(reverse("intake:portal_consent_pdf", args=[signature.pk]))
    assert response.status_code == 404


def test_a_local_file_named_in_the_consent_text_never_reaches_the_pdf(world: Any) -> None:
    """nh3 drops the image; and even if HTML named a file, the locked fetcher would fail."""
    for text in ("![x](file:///etc/passwd)", "![x](https://example.com/x.png)"):
        html = str(consent.render_markdown(text))
        assert "<img" not in html


def test_weasyprint_with_the_locked_fetcher_fails_rather_than_read_a_file() -> None:
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    page = HTML(string='<img src="file:///etc/passwd">', url_fetcher=pdf.locked_fetcher())
    with pytest.raises(FatalURLFetchingError):
        page.write_pdf()


def test_the_locked_fetcher_refuses_every_protocol() -> None:
    fetcher: Any = pdf.locked_fetcher()
    for url in ("file:///etc/passwd", "http://127.0.0.1/", "data:text/plain,hi"):
        with pytest.raises(ValueError, match="disallowed protocol"):
            fetcher.fetch(url)
