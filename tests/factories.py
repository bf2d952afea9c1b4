import factory
from django.contrib.auth.models import Group

from accounts.models import Department, Employer, ServiceDesk, User
from accounts.roles import Role
from accounts.validators import uscc_check_character

PASSWORD = "Correct-horse-42"


def valid_uscc(sequence: int) -> str:
    body = f"91440111MA{sequence:07d}"
    return body + uscc_check_character(body)


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"department-{n}")
    name = factory.Sequence(lambda n: f"区测试局{n}")
    name_en = factory.Sequence(lambda n: f"Test Bureau {n}")


class EmployerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employer

    uscc = factory.Sequence(valid_uscc)
    name = factory.Sequence(lambda n: f"广州测试科技有限公司{n}")
    name_en = factory.Sequence(lambda n: f"Guangzhou Test Technology Co. {n}")
    department = factory.SubFactory(DepartmentFactory)


class ServiceDeskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceDesk

    code = factory.Sequence(lambda n: f"desk-{n}")
    name = factory.Sequence(lambda n: f"服务窗口{n}")
    phone = "86000000"
    benefit_items = factory.List([4])


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"测试用户{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def roles(self, create: bool, extracted: list[Role] | None, **kwargs) -> None:
        if create and extracted:
            self.groups.add(*Group.objects.filter(name__in=[role.value for role in extracted]))
