from django.apps import AppConfig


class ExposureConfig(AppConfig):
    name = "kapcare.exposure"
    label = "exposure"
