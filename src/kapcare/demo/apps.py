from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "kapcare.demo"
    label = "demo"
