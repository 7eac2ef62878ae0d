import inspect

import factory
import pytest
from django.apps import apps

from tests import factories

pytestmark = pytest.mark.django_db
PROJECT_APPS = {
    "accounts",
    "audit",
    "clients",
    "intake",
    "contraindications",
    "oversight",
    "ops",
    "tablets",
}


def project_models():
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label in PROJECT_APPS and not model.__name__.startswith("Historical")
    ]


def factory_for(model):
    for _, obj in inspect.getmembers(factories, inspect.isclass):
        if issubclass(obj, factory.Factory) and obj._meta.model is model:
            return obj
    return None


def test_every_model_has_a_factory():
    missing = [model.__name__ for model in project_models() if factory_for(model) is None]
    assert missing == []


@pytest.mark.parametrize("model", project_models(), ids=lambda m: m.__name__)
def test_each_factory_saves_a_valid_row(model, ruleset):
    instance = factory_for(model)()
    assert model.objects.filter(pk=instance.pk).exists()
