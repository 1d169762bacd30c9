"""Same-run baselines for the benchmark harness (mounted only when KAPCARE_BENCH is on).

``hello`` measures the web stack alone; ``row`` adds one indexed primary-key read.
Page figures are reported as ratios to these, measured in the same run.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse

from kapcare.accounts.policy import public
from kapcare.patients.models import Patient


@public
def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"hello", content_type="text/plain")


@public
def row(request: HttpRequest, patient_id: int) -> JsonResponse:
    values = Patient.objects.filter(pk=patient_id).values("id", "mrn", "status").first()
    return JsonResponse(values or {})
