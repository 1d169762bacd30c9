from django.apps import AppConfig


class ControlledConfig(AppConfig):
    name = "kapcare.controlled"
    label = "controlled"
    verbose_name = "Controlled-substance log"
