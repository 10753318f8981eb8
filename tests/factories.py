"""Factories for the people and things tests need; each test builds only what it uses."""

import factory

from bodycam.accounts import tokens
from bodycam.accounts.models import Unit, User
from bodycam.accounts.people import set_roles

PASSWORD = "correct-horse-42"


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"U{n:03d}")
    name = factory.Sequence(lambda n: f"执法{n}大队")


class UserFactory(factory.django.DjangoModelFactory):
    """A user with a password (PASSWORD) and roles: UserFactory(roles=["officer"])."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"测试人员{n}")
    badge_number = factory.Sequence(lambda n: f"TF{n:05d}")  # never a fixture's JX number
    unit = factory.SubFactory(UnitFactory)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        self.save()
        if extracted:
            set_roles(self, extracted)


def api_key(user: User) -> str:
    """A fresh API token's key for `user`, issued as the server's operator would."""
    return tokens.issue_token(user, None, name="tests").key
