import factory

from zhitong.enterprises.choices import Industry
from zhitong.enterprises.models import Contact, Enterprise
from zhitong.enterprises.validators import credit_code_check_char
from zhitong.organizations.choices import UnitKind
from zhitong.organizations.tests.factories import UnitFactory


def make_credit_code(n: int) -> str:
    """A valid code: registration authority 9 (工商), type 1 (企业), region 350100, then
    a 9-character organisation code built from n, then the check character."""
    body = f"91350100{n:09d}"
    return body + credit_code_check_char(body)


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    credit_code = factory.Sequence(make_credit_code)
    name = factory.Sequence(lambda n: f"测试科技有限公司{n}")
    industry = Industry.MANUFACTURING
    location = factory.SubFactory(UnitFactory, kind=UnitKind.COUNTY)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    enterprise = factory.SubFactory(EnterpriseFactory)
    name = "张经理"
    phone = factory.Sequence(lambda n: f"138{n:08d}")
    is_primary = True
