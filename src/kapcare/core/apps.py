from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kapcare.core"
    label = "core"
    verbose_name = "kapcare core"
