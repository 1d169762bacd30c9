from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "kapcare.measures"
    label = "measures"
