"""The signed consent as a PDF, rendered by WeasyPrint with every URL fetch refused.

The default WeasyPrint fetcher reads ``file://`` and network addresses named in
the HTML; consent text is clinic-edited, so nothing may be fetched at all
(``allowed_protocols=[]``, and a refused fetch fails the render).
"""

from __future__ import annotations

from django.template.loader import render_to_string

from kapcare.intake.consent import render_markdown
from kapcare.intake.models import ConsentSignature


def locked_fetcher() -> object:
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols=[], fail_on_errors=True)


def consent_pdf(signature: ConsentSignature) -> bytes:
    from weasyprint import HTML

    clinic = signature.clinic
    html = render_to_string(
        "intake/consent_pdf.html",
        {
            "signature": signature,
            "document": signature.document,
            "body": render_markdown(signature.document.body),
            "clinic": clinic,
            "patient": signature.patient,
            "time_zone": clinic.time_zone,
        },
    )
    from weasyprint.urls import FatalURLFetchingError

    try:
        pdf = HTML(string=html, base_url=None, url_fetcher=locked_fetcher()).write_pdf()
    except FatalURLFetchingError as error:  # a BaseException: turn it into an ordinary 500
        raise RuntimeError(f"The consent PDF tried to fetch a resource: {error}") from None
    assert isinstance(pdf, bytes)
    return pdf
