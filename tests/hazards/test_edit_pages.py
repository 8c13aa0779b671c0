"""Editing the registry in the browser: an enterprise contact edits its own units (and only
those), an administrator all; every change audited and the unit re-assessed."""

from __future__ import annotations

import pytest

from tests.matrix import READ_ALL, WORLD_ROLES, Matrix, Row, ids
from zoneops.core.models import AuditEntry
from zoneops.hazards import selectors, services
from zoneops.hazards.models import Equipment, HazardUnit, Holding


@pytest.fixture
def units(world):
    admin = world.users["admin"]
    chlorine = services.create_chemical(admin, {"name": "液氯", "cas": "7782-50-5"})
    made = {"chlorine": chlorine}
    for key, enterprise in (("a", world.enterprise_a), ("b", world.enterprise_b)):
        with services.batch(admin, "test"):
            unit = services.create_unit(admin, {"enterprise": enterprise, "code": f"R-{key}",
                                              "name": f"罐区{key}", "kind": "storage",
                                              "population_500m": 120})
            tank = services.create_equipment(admin, {"unit": unit, "tag": "V-1", "kind": "tank"})
            services.set_holding(admin, tank, chemical=chlorine, design_max_t=20)
        made[key] = unit
    return made


def test_enterprise_contact_edits_its_own_unit_and_equipment(world, units) -> None:
    client = world.client("enterprise_a")
    unit = units["a"]
    response = client.post(f"/hazards/units/{unit.pk}/edit/", {
        "enterprise": world.enterprise_a.pk, "code": "R-a", "name": "一号罐区", "kind": "storage",
        "population_500m": 20, "population_source": "实测", "geometry": "", "description": ""})
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.name == "一号罐区" and unit.population_500m == 20
    # α fell from 2.0 to 1.0 with the population: a new assessment, R from 32 to 16.
    assert selectors.current_assessment(unit).r == 16  # 1.0 × β 4 × 20/5
    response = client.post(f"/hazards/units/{unit.pk}/equipment/", {
        "tag": "V-2", "name": "", "kind": "tank", "chemical": units["chlorine"].pk,
        "design_max_t": "10"})
    assert response.status_code == 302
    assert Holding.objects.get(equipment__tag="V-2").design_max_t == 10
    assert selectors.current_assessment(unit).s == 6  # (20 + 10) / 5
    client.post(f"/hazards/units/{unit.pk}/equipment/", {
        "tag": "V-2", "name": "", "kind": "tank", "chemical": units["chlorine"].pk,
        "design_max_t": "0"})
    assert not Holding.objects.filter(equipment__tag="V-2").exists()
    assert AuditEntry.objects.filter(actor=world.users["enterprise_a"]).count() >= 4


def test_bad_outline_and_foreign_enterprise_are_refused(world, units) -> None:
    client = world.client("enterprise_a")
    response = client.post("/hazards/units/new/", {
        "enterprise": world.enterprise_a.pk, "code": "R-new", "name": "新单元",
        "kind": "production", "geometry": '{"type": "Polygon", "coordinates": [[[1, 2]]]}'})
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    response = client.post("/hazards/units/new/", {
        "enterprise": world.enterprise_b.pk, "code": "R-new", "name": "新单元",
        "kind": "production"})
    assert response.status_code == 200  # enterprise b is not a choice for this contact
    assert not HazardUnit.objects.filter(code="R-new").exists()
    response = client.post("/hazards/units/new/", {
        "enterprise": world.enterprise_a.pk, "code": "R-new", "name": "新单元",
        "kind": "production", "geometry": "", "population_500m": ""})
    assert response.status_code == 302
    assert HazardUnit.objects.get(code="R-new").enterprise == world.enterprise_a


def fill_for(units):
    return lambda url: url.format(a=units["a"].pk, b=units["b"].pk, cl=units["chlorine"].pk)


SEES_A = READ_ALL | {"staff_a", "enterprise_a"}
SEES_B = READ_ALL | {"staff_b"}
EDIT = {"admin", "enterprise_a"}
ROWS = [
    Row("/hazards/units/{a}/edit/", EDIT, {r: 403 for r in SEES_A}),
    Row("/hazards/units/{b}/edit/", {"admin"}, {r: 403 for r in SEES_B}),
    Row("/hazards/units/{a}/edit/", EDIT, {r: 403 for r in SEES_A}, method="POST",
        data={"name": ""}),  # the form again, with its errors
    Row("/hazards/units/{b}/edit/", {"admin"}, {r: 403 for r in SEES_B}, method="POST",
        data={"name": ""}),
    Row("/hazards/units/new/", EDIT),
    Row("/hazards/units/new/", EDIT, method="POST", data={"code": ""}),
    Row("/hazards/units/{a}/equipment/", EDIT, {r: 403 for r in SEES_A}, method="POST",
        data={"tag": ""}, ok=302),
    Row("/hazards/units/{b}/equipment/", {"admin"}, {r: 403 for r in SEES_B}, method="POST",
        data={"tag": ""}, ok=302),
    Row("/hazards/units/{a}/equipment/", set(), {r: 405 for r in SEES_A} | {
        r: 405 for r in ("staff_b", "staff_a1")}),  # GET: a form post only
]


@pytest.mark.parametrize("row", ROWS, ids=ids(ROWS))
def test_edit_matrix(world, units, row) -> None:
    Matrix(WORLD_ROLES, world.client, anonymous=302, fill=fill_for(units)).check(row)
    assert Equipment.objects.filter(tag="").count() == 0
