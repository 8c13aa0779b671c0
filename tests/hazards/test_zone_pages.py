"""The threat zone on a unit's page: drawn from the form (GET: it writes nothing), counted
against the park's stations and sensitive places, scoped like the unit; and the permission
matrix of the page with a zone asked for."""

from __future__ import annotations

import json
import re

import pytest

from tests.matrix import READ_ALL, WORLD_ROLES, Matrix, Row, ids
from zoneops.dispersion import LocalProjection
from zoneops.hazards import services
from zoneops.hazards.models import SensitivePlace

LON, LAT = 120.93, 30.68
SQUARE = {"type": "Polygon", "coordinates": [[[LON - 0.0003, LAT - 0.0003],
                                              [LON + 0.0003, LAT - 0.0003],
                                              [LON + 0.0003, LAT + 0.0003],
                                              [LON - 0.0003, LAT + 0.0003],
                                              [LON - 0.0003, LAT - 0.0003]]]}
ZONE = ("?zone=1&cas=7782-50-5&phase=liquefied_gas&hole_diameter_mm=10&temperature_c=20"
        "&wind_speed_m_s=3&wind_from_deg=0&stability=D&exposure=60min")


@pytest.fixture
def units(world):
    admin = world.users["admin"]
    chlorine = services.create_chemical(admin, {"name": "液氯", "cas": "7782-50-5"})
    made = {}
    for key, enterprise in (("a", world.enterprise_a), ("b", world.enterprise_b)):
        with services.batch(admin, "test"):
            unit = services.create_unit(admin, {
                "enterprise": enterprise, "code": f"Z-{key}", "name": f"液氯罐区{key}",
                "kind": "storage", "population_500m": 120, "geometry": SQUARE})
            tank = services.create_equipment(admin, {"unit": unit, "tag": "V-1", "kind": "tank"})
            services.set_holding(admin, tank, chemical=chlorine, design_max_t=20)
        made[key] = unit
    proj = LocalProjection(LON, LAT)
    south = proj.to_lonlat(0.0, -400.0)  # downwind of a north wind
    north = proj.to_lonlat(0.0, 400.0)
    services.create_sensitive_place(admin, {"name": "下风小区", "kind": "residential",
                                          "population": 800, "longitude": south[0],
                                          "latitude": south[1]})
    services.create_sensitive_place(admin, {"name": "上风小学", "kind": "school",
                                          "longitude": north[0], "latitude": north[1]})
    return made


def test_zone_is_drawn_and_counted(world, units) -> None:
    response = world.client("admin").get(f"/hazards/units/{units['a'].pk}/{ZONE}")
    assert response.status_code == 200
    html = response.content.decode()
    zone = json.loads(re.search(r'id="zone-data" type="application/json">(.*?)</script>', html,
                                re.S).group(1))
    assert zone["properties"]["model"] == "slab"  # chlorine is denser than air
    levels = {f["properties"]["level"]: f["properties"] for f in zone["features"]
              if f["properties"]["kind"] == "threat_zone"}
    assert levels["AEGL-1"]["counts"]["residents"] == 800
    assert levels["AEGL-1"]["counts"]["schools"] == 0  # upwind
    # The mass is the unit's design maximum of chlorine (20 t), the source its outline's centre.
    src = next(f for f in zone["features"] if f["properties"]["kind"] == "source")
    assert src["geometry"]["coordinates"] == pytest.approx([LON, LAT], abs=1e-6)
    assert 'data-testid="zone-table"' in html and "800" in html
    assert "SLAB" in html
    assert SensitivePlace.objects.count() == 2  # and nothing else was written


def test_without_wind_and_mast_the_page_says_so(world, units) -> None:
    url = f"/hazards/units/{units['a'].pk}/" + ZONE.replace("&wind_speed_m_s=3", "").replace(
        "&wind_from_deg=0", "")
    response = world.client("admin").get(url)
    assert response.status_code == 200
    assert 'data-testid="zone-error"' in response.content.decode()


def test_bad_form_value_is_shown_not_drawn(world, units) -> None:
    url = f"/hazards/units/{units['a'].pk}/" + ZONE.replace("hole_diameter_mm=10",
                                                            "hole_diameter_mm=-3")
    html = world.client("admin").get(url).content.decode()
    assert 'id="zone-data"' not in html and "errorlist" in html


def fill_for(units):
    return lambda url: url.format(a=units["a"].pk, b=units["b"].pk)


SEES_A = READ_ALL | {"staff_a", "enterprise_a"}
SEES_B = READ_ALL | {"staff_b"}
SIGNED_IN = [r for r in WORLD_ROLES if r is not None]
ROWS = [
    Row("/hazards/units/{a}/" + ZONE.replace("{", "{{").replace("}", "}}"), SEES_A, 404),
    Row("/hazards/units/{b}/" + ZONE.replace("{", "{{").replace("}", "}}"), SEES_B, 404),
    # Drawing is a read: the page answers GET only.
    Row("/hazards/units/{a}/", SIGNED_IN, method="POST", data={"zone": "1"}, ok=405),
]


@pytest.mark.parametrize("row", ROWS, ids=ids(ROWS))
def test_zone_page_matrix(world, units, row) -> None:
    Matrix(WORLD_ROLES, world.client, anonymous=302, fill=fill_for(units)).check(row)


def test_admin_keeps_sensitive_places_audited(world) -> None:
    from zoneops.core.models import AuditEntry

    admin = world.users["admin"]
    admin.is_staff = admin.is_superuser = True  # the admin site is for superusers
    admin.save()
    client = world.client("admin")
    assert client.get("/admin/hazards/sensitiveplace/add/").status_code == 200
    response = client.post("/admin/hazards/sensitiveplace/add/", {
        "name": "新村", "kind": "residential", "population": "300", "latitude": "30.7",
        "longitude": "120.9"})
    assert response.status_code == 302
    place = SensitivePlace.objects.get(name="新村")
    assert AuditEntry.objects.filter(object_id=str(place.pk), action="create").exists()
    assert world.client("office").get("/admin/hazards/sensitiveplace/add/").status_code == 302
