"""Threat zones: checked against an independent Gaussian plume worked out here (Briggs 1973
rural curves written out again, ground-level centreline C = Q / (pi u sy sz)), against a hand
source term (choked gas through a hole), receptor counts, the dense-gas path, the command."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from scipy.optimize import brentq

from zoneops.dispersion import InputError, LocalProjection
from zoneops.hazards import threatzone
from zoneops.hazards.threatzone import threat_zone

from .test_hazards_cli import zoneops

LON, LAT = 120.93, 30.68
H2S_M = 34.0809  # g/mol, as in data/threat_zone.json


def h2s_doc(**extra) -> dict:
    doc = {
        "chemical": {"cas": "7783-06-4"},
        "source": {"lon": LON, "lat": LAT},
        "release": {"rate_kg_s": 0.2, "duration_s": 1800},
        "met": {"wind_speed_m_s": 5.0, "wind_from_deg": 0.0, "stability": "D",
                "roughness_m": 0.1, "temperature_c": 20},
        "model": "gaussian",
    }
    doc.update(extra)
    return doc


def independent_centreline(x: float, q_g_s: float, u: float) -> float:
    """Ground-level centreline of a ground-level source, class D rural (Briggs 1973, as in
    Hanna, Briggs & Hosker 1982, table 4.5), in mg/m3."""
    sy = 0.08 * x / math.sqrt(1 + 0.0001 * x)
    sz = 0.06 * x / math.sqrt(1 + 0.0015 * x)
    return q_g_s / (math.pi * u * sy * sz) * 1000.0


def test_gaussian_zone_matches_an_independent_plume() -> None:
    zone = threat_zone(h2s_doc())
    assert zone["properties"]["model"] == "gaussian_plume"
    by_level = {f["properties"]["level"]: f for f in zone["features"] if f["geometry"]
                and f["geometry"]["type"] == "Polygon"}
    for level, ppm in (("AEGL-3", 50.0), ("AEGL-2", 27.0), ("AEGL-1", 0.51)):
        limit = ppm * H2S_M / 24.45
        expected = brentq(lambda x, lim=limit: independent_centreline(x, 200.0, 5.0) - lim,
                          1.0, 1e7)
        got = by_level[level]["properties"]["distance_m"]
        if expected < 10_000:
            assert got == pytest.approx(expected, rel=0.02), level
        else:
            assert got == pytest.approx(10_000, rel=0.01)
    # The half-width at 200 m downwind, where C/L = r: sy sqrt(2 ln r).
    limit = 27.0 * H2S_M / 24.45
    x = 200.0
    sy = 0.08 * x / math.sqrt(1 + 0.0001 * x)
    width = sy * math.sqrt(2 * math.log(independent_centreline(x, 200.0, 5.0) / limit))
    ring = by_level["AEGL-2"]["geometry"]["coordinates"][0]
    proj = LocalProjection(LON, LAT)
    pts = [proj.to_xy(lon, lat) for lon, lat in ring]
    # Wind from the north: the zone runs south (y < 0); its width near y = -200 m.
    near = [abs(px) for px, py in pts if abs(py + x) < 15]
    assert max(near) == pytest.approx(width, rel=0.05)
    assert all(py <= 1e-6 for _px, py in pts)
    assert ring[0] == ring[-1]


def test_zones_nest_and_receptors_are_counted() -> None:
    proj = LocalProjection(LON, LAT)
    south = [proj.to_lonlat(0.0, -d) for d in (150.0, 600.0)]
    north = proj.to_lonlat(0.0, 300.0)
    doc = h2s_doc(receptors=[
        {"id": "near", "kind": "residential", "lon": south[0][0], "lat": south[0][1],
         "population": 120},
        {"id": "school", "kind": "school", "lon": south[1][0], "lat": south[1][1]},
        {"id": "upwind", "kind": "hospital", "lon": north[0], "lat": north[1]},
        {"id": "mast", "kind": "station", "lon": south[1][0], "lat": south[1][1]},
    ])
    zone = threat_zone(doc)
    props = {f["properties"]["level"]: f["properties"] for f in zone["features"]
             if f["properties"]["kind"] == "threat_zone"}
    d3, d2, d1 = (props[f"AEGL-{n}"]["distance_m"] for n in (3, 2, 1))
    assert 0 < d3 < d2 < d1
    one = props["AEGL-1"]["counts"]
    assert one == {"stations": 1, "residents": 120, "schools": 1, "hospitals": 0}
    assert {i["id"] for i in props["AEGL-1"]["inside"]} == {"near", "school", "mast"}
    evac = zone["properties"]["evacuation"]
    assert evac["upwind_deg"] == 0.0 and evac["downwind_deg"] == 180.0
    assert sorted(evac["crosswind_deg"]) == [90.0, 270.0]


def test_choked_gas_source_term_by_hand() -> None:
    props = threatzone.substance("7782-50-5")
    g, m = props["gamma_ideal_gas_25c"], props["molar_mass_g_mol"] / 1000
    area, p, t = math.pi * 0.01**2 / 4, 800_000 + 101_325, 293.15
    by_hand = area * p * math.sqrt(g * m / (8.314462618 * t)
                                   * (2 / (g + 1)) ** ((g + 1) / (g - 1)))
    rate, choked = threatzone.gas_orifice_kg_s(props=props, area_m2=area, pressure_pa=p,
                                               temperature_k=t)
    assert choked and rate == pytest.approx(by_hand, rel=1e-9)
    low, choked = threatzone.gas_orifice_kg_s(props=props, area_m2=area, pressure_pa=120_000,
                                              temperature_k=t)
    assert not choked and 0 < low < rate


def test_dense_gas_tank_goes_through_slab() -> None:
    doc = {
        "chemical": {"cas": "7782-50-5"}, "source": {"lon": LON, "lat": LAT},
        "release": {"tank": {"phase": "liquefied_gas", "hole_diameter_mm": 10,
                             "temperature_c": 20, "mass_kg": 500}},
        "met": {"wind_speed_m_s": 1.2, "wind_from_deg": 90, "stability": "F"},
    }
    zone = threat_zone(doc)
    props = zone["properties"]
    assert props["model"] == "slab" and props["denser_than_air"]
    assert props["source_term"]["method"] == "two_phase_equilibrium_rate"
    assert 0.1 < props["source_term"]["liquid_fraction"] < 0.95
    # 500 kg at the discharge rate: the duration follows from the mass.
    rate = props["source_term"]["rate_kg_s"]
    assert props["source_term"]["duration_s"] == pytest.approx(500 / rate, rel=1e-3)
    codes = {text.split(":")[0] for text in props["limits"]}
    assert {"low_wind", "very_stable", "near_field"} <= codes
    zones = [f for f in zone["features"] if f["properties"]["kind"] == "threat_zone"]
    assert [f["properties"]["level"] for f in zones] == ["AEGL-3", "AEGL-2", "AEGL-1"]
    assert all(f["geometry"]["type"] == "Polygon" for f in zones)
    # Wind from the east: the zone lies west of the source.
    lons = [lon for lon, _lat in zones[-1]["geometry"]["coordinates"][0]]
    assert min(lons) < LON - 0.001 and max(lons) <= LON + 1e-6


@pytest.mark.parametrize(("change", "field"), [
    ({"chemical": {}}, "chemical.cas"),
    ({"chemical": {"cas": "71-43-2"}}, "chemical.cas"),  # benzene: no AEGL recorded here
    ({"release": {"rate_kg_s": 0, "duration_s": 10}}, "release.rate_kg_s"),
    ({"release": {"tank": {"phase": "slush", "hole_diameter_mm": 5, "temperature_c": 20}}},
     "release.tank.phase"),
    ({"met": {"wind_speed_m_s": 3}}, "met.wind_from_deg"),
    ({"exposure": "2h"}, "exposure"),
    ({"receptors": [{"kind": "mall", "lon": 1, "lat": 1}]}, "receptors[0].kind"),
    ({"model": "magic"}, "model"),
])
def test_bad_input_names_the_field(change: dict, field: str) -> None:
    with pytest.raises(InputError) as info:
        threat_zone(h2s_doc(**change))
    assert info.value.field == field


def test_zone_command_prints_geojson(tmp_path: Path) -> None:
    path = tmp_path / "release.json"
    path.write_text(json.dumps(h2s_doc()), encoding="utf-8")
    result = zoneops("hazards", "zone", "--in", str(path))
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["type"] == "FeatureCollection"
    assert doc["properties"]["model"] == "gaussian_plume"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(h2s_doc(exposure="2h")), encoding="utf-8")
    result = zoneops("hazards", "zone", "--in", str(bad))
    assert result.returncode != 0 and "exposure" in result.stderr


def test_gaussian_zone_states_low_wind_and_stable_air() -> None:
    doc = h2s_doc()
    doc["met"] = {**doc["met"], "wind_speed_m_s": 0.8, "stability": "F"}
    codes = {t.split(":")[0] for t in threat_zone(doc)["properties"]["limits"]}
    assert {"low_wind", "very_stable", "near_field", "steady"} <= codes
