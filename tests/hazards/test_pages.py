"""Registry pages for every role: the list is scoped, a unit out of scope answers 404, and the
unit page shows the reasons for its grade and its history."""

from __future__ import annotations

import pytest

from zoneops.hazards import services

ROLES = ["admin", "office", "leader", "staff_a", "staff_b", "duty", "enterprise_a", None]
READ_ALL = {"admin", "office", "leader", "duty"}


@pytest.fixture
def units(world):
    admin = world.users["admin"]
    chlorine = services.create_chemical(admin, {"name": "液氯", "cas": "7782-50-5"})
    ammonia = services.create_chemical(admin, {"name": "液氨", "cas": "7664-41-7"})
    made = {}
    for key, enterprise in (("a", world.enterprise_a), ("b", world.enterprise_b)):
        with services.batch(admin, "test"):
            unit = services.create_unit(
                admin, {
                    "enterprise": enterprise,
                    "code": f"T-{key}",
                    "name": f"罐区{key}",
                    "kind": "storage",
                    "population_500m": 120,
                })
            tank = services.create_equipment(admin, {"unit": unit, "tag": "V-1", "kind": "tank"})
            services.set_holding(admin, tank, chemical=chlorine, design_max_t=20)
            tank = services.create_equipment(admin, {"unit": unit, "tag": "V-2", "kind": "tank"})
            services.set_holding(admin, tank, chemical=ammonia, design_max_t=30)
        made[key] = unit
    return made


@pytest.mark.parametrize("role", ROLES)
def test_list_is_scoped(world, units, role) -> None:
    response = world.client(role).get("/hazards/")
    if role is None:
        assert response.status_code == 302 and response["Location"].startswith("/login/")
        return
    assert response.status_code == 200
    html = response.content.decode()
    assert ("T-a 罐区a" in html) == (role in READ_ALL | {"staff_a", "enterprise_a"})
    assert ("T-b 罐区b" in html) == (role in READ_ALL | {"staff_b"})


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("key", ["a", "b"])
def test_detail_matrix(world, units, role, key) -> None:
    allowed = READ_ALL | {f"staff_{key}"} | ({"enterprise_a"} if key == "a" else set())
    response = world.client(role).get(f"/hazards/units/{units[key].pk}/")
    if role is None:
        assert response.status_code == 302
    elif role in allowed:
        assert response.status_code == 200
    else:
        assert response.status_code == 404


def test_unit_page_shows_the_reasons_and_history(world, units) -> None:
    html = world.client("enterprise_a").get(f"/hazards/units/{units['a'].pk}/").content.decode()
    assert "S = 7" in html and "R = 44" in html and "三级" in html
    assert "GB 18218-2018 表1 #12" in html and "GB 18218-2018 表3" in html
    assert "V-1" in html and "液氯" in html and "100人以上" in html
