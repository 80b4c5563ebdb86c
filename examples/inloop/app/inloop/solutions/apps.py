from django.apps import AppConfig


class SolutionsConfig(AppConfig):
    name = "inloop.solutions"
