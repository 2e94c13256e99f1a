"""Two clerks adding the same enterprise at the same moment (PostgreSQL, real threads): the
unique index on the credit code lets one in; the other is offered that enterprise (409),
never a twin, never a 500."""

import threading

import pytest
from django.db import connection, connections

from zhitong.enterprises import services
from zhitong.enterprises.choices import Industry
from zhitong.enterprises.models import Enterprise
from zhitong.enterprises.services import EnterpriseExists, enterprise_add_at_intake
from zhitong.enterprises.tests.factories import make_credit_code
from zhitong.organizations.choices import Role

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

CODE = make_credit_code(888_001)


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: two connections racing on one unique index")


def race(*calls):
    """Run the calls at the same instant in threads; returns each result or exception."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, fn):
        try:
            barrier.wait()
            results[i] = fn()
        except Exception as exc:  # the test inspects it
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def test_two_clerks_adding_the_same_code_at_once_make_one_enterprise(city, user_with_role, monkeypatch):
    clerks = [user_with_role(Role.CLERK, username=f"clerk_{i}") for i in range(2)]
    # Both pass the "is the code in the library?" read before either inserts: the race the
    # read cannot settle (the similar-name lookup comes between the read and the insert).
    both_read = threading.Barrier(2)
    looked_up = services.enterprises_like

    def after_both_read(name):
        both_read.wait(timeout=10)
        return looked_up(name)

    monkeypatch.setattr(services, "enterprises_like", after_both_read)

    def add(clerk, name):
        return lambda: enterprise_add_at_intake(
            actor=clerk,
            credit_code=CODE,
            name=name,
            industry=Industry.MANUFACTURING,
            location_id=city.unit_a.pk,
        )

    # Different spellings, and neither sees the other's uncommitted row anyway: only the
    # unique index on the code can settle it.
    results = race(add(clerks[0], "榕城新材料科技有限公司"), add(clerks[1], "榕城新材料科技公司"))
    added = [r for r in results if isinstance(r, Enterprise)]
    offered = [r for r in results if isinstance(r, EnterpriseExists)]
    assert len(added) == 1 and len(offered) == 1, results
    assert offered[0].status == 409 and offered[0].enterprise.pk == added[0].pk
    assert Enterprise.objects.filter(credit_code=CODE).count() == 1
