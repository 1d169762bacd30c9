from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "kapcare.api"
    label = "api"
