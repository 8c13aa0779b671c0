"""The major-hazard registry: services re-assess a unit when its inputs change and keep the
history of grades; permissions follow the core style (allowed, denied, scoped)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zoneops.core.models import AuditEntry
from zoneops.hazards import permissions as perm
from zoneops.hazards import selectors, services
from zoneops.hazards.models import Assessment, Equipment, HazardUnit, Holding

SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [[120.9, 30.7], [120.901, 30.7], [120.901, 30.701], [120.9, 30.701], [120.9, 30.7]]
    ],
}


@pytest.fixture
def chemicals(world):
    admin = world.users["admin"]
    return {
        "chlorine": services.create_chemical(
            admin, {"name": "液氯", "cas": "7782-50-5", "state": "liquefied_gas",
                    "molar_mass": "70.906"}),
        "ammonia": services.create_chemical(admin, {"name": "液氨", "cas": "7664-41-7"}),
        "benzene": services.create_chemical(admin, {"name": "苯", "cas": "71-43-2"}),
    }


@pytest.fixture
def tank_farm(world, chemicals):
    """The standard's worked example as a registry: 20 t chlorine and 30 t ammonia, 120 people."""
    contact = world.users["enterprise_a"]
    unit = services.create_unit(
        contact, {
            "enterprise": world.enterprise_a,
            "code": "T1",
            "name": "一号罐区",
            "kind": "storage",
            "geometry": SQUARE,
            "population_500m": 120,
        })
    v1 = services.create_equipment(contact, {"unit": unit, "tag": "V-101", "kind": "tank"})
    v2 = services.create_equipment(contact, {"unit": unit, "tag": "V-102", "kind": "tank"})
    services.set_holding(contact, v1, chemical=chemicals["chlorine"], design_max_t="20")
    services.set_holding(contact, v2, chemical=chemicals["ammonia"], design_max_t=30)
    return unit


def test_worked_example_from_the_registry(tank_farm) -> None:
    current = selectors.current_assessment(tank_farm)
    assert (current.s, current.r, current.grade, current.major) == (7, 44, 3, True)
    assert current.result["why"]["population_source"] == "entered"
    assert {c["name"] for c in current.result["contributions"]} == {"氯", "氨"}


def test_quantities_of_one_chemical_add_up_over_the_unit(world, tank_farm, chemicals) -> None:
    contact = world.users["enterprise_a"]
    v3 = services.create_equipment(contact, {"unit": tank_farm, "tag": "V-103", "kind": "tank"})
    services.set_holding(contact, v3, chemical=chemicals["chlorine"], design_max_t="5")
    (chlorine,) = [c for c in selectors.unit_input(tank_farm)["chemicals"] if c["name"] == "液氯"]
    assert Decimal(chlorine["tonnes"]) == 25
    assert selectors.current_assessment(tank_farm).s == 8


def test_change_reassesses_and_keeps_the_history(world, tank_farm, chemicals) -> None:
    contact = world.users["enterprise_a"]
    before = list(selectors.history_of(tank_farm))
    v1 = tank_farm.equipment.get(tag="V-101")
    # R = 2 × (32 + 6) = 76
    services.set_holding(contact, v1, chemical=chemicals["chlorine"], design_max_t="40")
    # The same inputs: no new row.
    services.set_holding(contact, v1, chemical=chemicals["chlorine"], design_max_t="40")
    services.update_unit(
        contact, tank_farm, {"name": "一号罐区(液氯)"})  # grade does not depend on it
    history = list(selectors.history_of(tank_farm))
    assert len(history) == len(before) + 1
    assert [h.grade for h in history[:2]] == [2, 3]
    services.update_unit(contact, tank_farm, {"population_500m": 0})  # α 2.0 → 0.5: R = 19
    latest = selectors.current_assessment(tank_farm)
    assert (latest.r, latest.grade, latest.reason) == (19, 3, "unit changed")
    assert AuditEntry.objects.filter(action="assess", object_id=str(latest.pk)).exists()


def test_removing_a_holding_and_equipment_reassesses(world, tank_farm, chemicals) -> None:
    contact = world.users["enterprise_a"]
    v2 = tank_farm.equipment.get(tag="V-102")
    services.set_holding(contact, v2, chemical=chemicals["ammonia"], design_max_t=0)
    assert not Holding.objects.filter(equipment=v2).exists()
    assert selectors.current_assessment(tank_farm).s == 4
    services.delete_equipment(contact, tank_farm.equipment.get(tag="V-101"), reason="拆除")
    assert selectors.unit_input(tank_farm)["chemicals"] == []
    assert selectors.current_assessment(tank_farm).s == 4  # nothing left to assess: history stays


def test_incomplete_inputs_are_kept_with_the_reason(world, chemicals) -> None:
    contact = world.users["enterprise_a"]
    unit = services.create_unit(
        contact, {"enterprise": world.enterprise_a, "code": "P1", "name": "苯储罐",
                  "kind": "storage"})
    tank = services.create_equipment(contact, {"unit": unit, "tag": "T-1", "kind": "tank"})
    services.set_holding(contact, tank, chemical=chemicals["benzene"], design_max_t=100)
    row = selectors.current_assessment(unit)
    assert row.grade is None and row.s is None and row.error.startswith("population_500m")
    services.update_unit(contact, unit, {"population_500m": 40})
    assert selectors.current_assessment(unit).error.startswith("chemicals[0].category")
    # Changing the shared chemical re-assesses every unit holding it.
    services.update_chemical(world.users["admin"], chemicals["benzene"], {"categories": "W5.3"})
    row = selectors.current_assessment(unit)
    assert (row.error, row.s, row.r, row.grade) == ("", 2, Decimal("2.4"), 4)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"cas": "7782-50-4"}, "cas"),
        ({"categories": ["W2", "X9"]}, "categories"),
    ],
)
def test_chemical_validation(world, chemicals, data, field) -> None:
    with pytest.raises(ValidationError) as caught:
        services.update_chemical(world.users["admin"], chemicals["chlorine"], data)
    assert field in caught.value.message_dict


def test_bad_geometry_writes_nothing(world) -> None:
    audits = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.create_unit(
            world.users["admin"], {
                "enterprise": world.enterprise_a,
                "code": "X",
                "name": "x",
                "kind": "storage",
                "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 1]]]},
            })
    assert "geometry" in caught.value.message_dict
    assert not HazardUnit.objects.exists() and AuditEntry.objects.count() == audits


def test_unknown_kind_is_refused(world) -> None:
    with pytest.raises(ValidationError) as caught:
        services.create_unit(
            world.users["admin"],
            {"enterprise": world.enterprise_a, "code": "X", "name": "x", "kind": "tank"})
    assert "kind" in caught.value.message_dict


def test_negative_design_maximum_is_refused(world, tank_farm, chemicals) -> None:
    v1 = tank_farm.equipment.get(tag="V-101")
    with pytest.raises(ValidationError):
        services.set_holding(world.users["enterprise_a"], v1, chemical=chemicals["chlorine"],
                             design_max_t="-1")
    assert Holding.objects.get(equipment=v1).design_max_t == 20


# ---- permission matrix ---------------------------------------------------------------------

ROLES = ["admin", "office", "leader", "staff_a", "staff_a1", "staff_b", "duty", "enterprise_a"]
SEES_A = {"admin", "office", "leader", "duty", "staff_a", "enterprise_a"}
SEES_B = {"admin", "office", "leader", "duty", "staff_b"}
EDITS_A = {"admin", "enterprise_a"}
EDITS_B = {"admin"}


@pytest.fixture
def unit_b(world):
    admin = world.users["admin"]
    unit = services.create_unit(
        admin, {"enterprise": world.enterprise_b, "code": "W1", "name": "仓库", "kind": "storage"})
    services.create_equipment(admin, {"unit": unit, "tag": "W-1", "kind": "warehouse"})
    return unit


@pytest.mark.parametrize("role", ROLES)
def test_matrix_view_is_scoped(world, tank_farm, unit_b, role) -> None:
    user = world.users[role]
    visible = set(selectors.units_for(user))
    assert (tank_farm in visible) == (role in SEES_A) == perm.can_view_unit(user, tank_farm)
    assert (unit_b in visible) == (role in SEES_B) == perm.can_view_unit(user, unit_b)


@pytest.mark.parametrize("role", ROLES)
def test_matrix_edit_units(world, tank_farm, unit_b, chemicals, role) -> None:
    user = world.users[role]
    for unit, editors in ((tank_farm, EDITS_A), (unit_b, EDITS_B)):
        audits = AuditEntry.objects.count()
        if role in editors:
            services.update_unit(user, unit, {"description": f"checked by {role}"})
            services.create_equipment(user, {"unit": unit, "tag": f"E-{role}", "kind": "vessel"})
        else:
            with pytest.raises(PermissionDenied):
                services.update_unit(user, unit, {"description": "x"})
            with pytest.raises(PermissionDenied):
                services.create_equipment(user, {"unit": unit, "tag": "E-x", "kind": "vessel"})
            with pytest.raises(PermissionDenied):
                services.set_holding(user, unit.equipment.first(), chemical=chemicals["benzene"],
                                     design_max_t=1)
            assert AuditEntry.objects.count() == audits
            assert not Equipment.objects.filter(tag="E-x").exists()


@pytest.mark.parametrize("role", ROLES)
def test_matrix_create_unit_for_an_enterprise(world, role) -> None:
    user = world.users[role]
    data = {
        "enterprise": world.enterprise_a,
        "code": f"N-{role}",
        "name": "新单元",
        "kind": "production",
    }
    if role in EDITS_A:
        assert services.create_unit(user, data).pk
    else:
        with pytest.raises(PermissionDenied):
            services.create_unit(user, data)


def test_enterprise_contact_cannot_move_a_unit_to_another_enterprise(world, tank_farm) -> None:
    with pytest.raises(PermissionDenied):
        services.update_unit(
            world.users["enterprise_a"], tank_farm, {"enterprise": world.enterprise_b})
    tank_farm.refresh_from_db()
    assert tank_farm.enterprise == world.enterprise_a


@pytest.mark.parametrize("role", ROLES)
def test_matrix_chemical_catalogue(world, chemicals, role) -> None:
    user = world.users[role]
    if role == "admin":
        services.update_chemical(user, chemicals["ammonia"], {"state": "gas"})
    else:
        with pytest.raises(PermissionDenied):
            services.update_chemical(user, chemicals["ammonia"], {"state": "gas"})
    assert Assessment.objects.count() == 0  # no unit holds ammonia here
