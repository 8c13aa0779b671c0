"""List pages do not issue a query per row: the count is the same for 3 rows and for 40."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import make_code
from zoneops.core.services.alerts import raise_alert
from zoneops.core.services.org import create_enterprise, create_unit


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def grow(world, n: int) -> None:
    admin = world.users["admin"]
    for i in range(n):
        unit = create_unit(admin, {"code": f"G{i}", "name": f"增长单位{i}", "parent": world.unit_a},
                           aliases=[f"增长{i}"])
        create_enterprise(admin, {"credit_code": make_code(100 + i), "name": f"增长企业{i}",
                                "unit": unit, "block": world.block})
        raise_alert(module="test", key=f"g{i}", level=1 + i % 4, title=f"增长告警{i}", unit=unit)


@pytest.mark.parametrize("url", ["/units/", "/enterprises/", "/alerts/?box=all", "/audit/",
                                 "/people/", "/"])
def test_list_pages_do_not_query_per_row(world, url):
    client = world.client("admin")
    few = queries_for(client, url)
    grow(world, 40)
    assert queries_for(client, url) == few
