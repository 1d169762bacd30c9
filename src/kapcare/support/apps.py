from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "kapcare.support"
    label = "support"
