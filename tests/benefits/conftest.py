import pytest
from django.core.management import call_command
from django.utils import translation

from accounts.models import ServiceDesk
from accounts.roles import Role
from benefits.catalogue import catalogue_load
from tests.factories import UserFactory, issued_card


@pytest.fixture(autouse=True)
def _chinese():
    """Chinese, the portal's default, unless a test says otherwise."""
    translation.activate("zh-hans")
    yield
    translation.deactivate()


@pytest.fixture
def desks(db):
    """The 17 desks of the 服务指南 and the catalogue, each service linked to its 承办部门 (as seed_demo does)."""
    call_command("loaddata", "service_desks", verbosity=0)
    catalogue_load()
    return {desk.code: desk for desk in ServiceDesk.objects.all()}


def desk_user(desk: ServiceDesk, **kwargs):
    user = UserFactory(roles=[Role.SERVICE_DESK], **kwargs)
    user.service_desks.add(desk)
    return user


@pytest.fixture
def library(desks):
    """A user of 区图书馆, the desk responsible for the 区全民健身活动中心 (service 4)."""
    return desk_user(desks["library"])


@pytest.fixture
def gold_card(signing_key):
    return issued_card(route="gold")


@pytest.fixture
def diamond_card(signing_key):
    return issued_card(route="diamond")


@pytest.fixture
def silver_card(signing_key):
    return issued_card(route="silver")
