from django.apps import AppConfig


class TreatmentConfig(AppConfig):
    name = "kapcare.treatment"
    label = "treatment"
