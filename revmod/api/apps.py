from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "revmod.api"
    verbose_name = "API"
