"""The demo wastewater chain of the chemical park (area A4): twelve enterprises' discharge
points into the sewer → four pipe-network monitoring wells → the park's treatment plant
(inlet and outlet, one logger sending the e1xxyy/e2xxyy process codes) → its outfall → two
river sections (above and below the outfall, target class III). Every monitored point has
an HJ 212 station; ``zoneops water simulate`` feeds them through the gateway with the pure
simulator's data (``water.simulate``) and a scripted night discharge into the sewer between
the enterprises of N2 and the N2 well. Idempotent and deterministic; written through the
services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from zoneops.core.models import Enterprise, Unit, User

from .models import WaterPoint
from .selectors import FACTORS
from .simulate import Discharge, Gap, layout, simulate

PASSWORD = "cwws212"
SOURCES, NETWORKS = 12, 4
SEED = 22
# The scripted night discharge: into N2 (between its three enterprises' monitors and the
# well), 01:00-05:00 of the last night, 30 kg/h COD.
NIGHT = Discharge("N2", 0.0, 4.0, cod_kg_h=30.0, nh3n_kg_h=1.0)
W_CODES = ("w00000", "w01018", "w21003", "w21011", "w21001", "w01014", "w01001")
PLANT_CODES = tuple(f"e{side}{q}01" for side in "12" for q in ("01", "02", "03", "04", "05"))
NAMES = {"N1": "一号管网监测井", "N2": "二号管网监测井", "N3": "三号管网监测井",
         "N4": "四号泵站监测点", "P-in": "园区污水处理厂进水口", "P-out": "园区污水处理厂出水口",
         "O1": "入河排污口", "R-up": "上游对照断面", "R-down": "下游控制断面"}
PLANT = ("P-in", "P-out")


def station_mn(code: str) -> str:
    """The demo station measuring a point (the plant's inlet and outlet share one)."""
    fixed = {"P-in": "CWWS-P01", "P-out": "CWWS-P01", "O1": "CWWS-O01",
             "R-up": "CWWS-R01", "R-down": "CWWS-R02"}
    return fixed.get(code) or f"CWWS-{code[0]}{int(code[1:]):02d}"


def chain_layout() -> list[dict]:
    """The engine's layout of the demo chain (ids, kinds, downstream, travel times)."""
    return layout(SOURCES, NETWORKS, True, np.random.default_rng(SEED))


def enterprises() -> list[Enterprise]:
    """Twelve enterprises of the chemical park, the demo contact's own first."""
    contact = User.objects.filter(username="enterprise").select_related("enterprise").first()
    rest = Enterprise.objects.filter(in_chemical_park=True).order_by("credit_code")
    chosen = [contact.enterprise] if contact and contact.enterprise else []
    chosen += [e for e in rest if e not in chosen]
    return chosen[:SOURCES]


@dataclass(frozen=True)
class Site:
    code: str
    mn: str | None
    lat: float
    lon: float


def _sites(companies: list[Enterprise]) -> dict[str, Site]:
    lat0, lon0 = 30.68, 120.93
    if companies and companies[0].latitude is not None:
        lat0 = float(np.mean([float(e.latitude) for e in companies if e.latitude is not None]))
        lon0 = float(np.mean([float(e.longitude) for e in companies if e.longitude is not None]))
    sites = {}
    for i in range(SOURCES):
        e = companies[i] if i < len(companies) else None
        lat = float(e.latitude) if e is not None and e.latitude is not None else lat0 + 0.002 * i
        lon = float(e.longitude) if e is not None and e.longitude is not None else lon0
        sites[f"S{i + 1}"] = Site(f"S{i + 1}", station_mn(f"S{i + 1}"), lat + 0.0005, lon - 0.0005)
    for j in range(NETWORKS):
        sites[f"N{j + 1}"] = Site(f"N{j + 1}", f"CWWS-N{j + 1:02d}",
                                  lat0 - 0.006 + 0.004 * j, lon0 + 0.012)
    sites["P-in"] = Site("P-in", "CWWS-P01", lat0, lon0 + 0.022)
    sites["P-out"] = Site("P-out", "CWWS-P01", lat0 + 0.0008, lon0 + 0.0235)
    sites["O1"] = Site("O1", "CWWS-O01", lat0 + 0.002, lon0 + 0.03)
    sites["R-up"] = Site("R-up", "CWWS-R01", lat0 + 0.012, lon0 + 0.032)
    sites["R-down"] = Site("R-down", "CWWS-R02", lat0 - 0.006, lon0 + 0.034)
    return sites


def load(stdout=None) -> None:
    from zoneops.environment.models import Station
    from zoneops.environment.services import create_station

    from .services import create_point

    admin = User.objects.get(username="admin")
    companies = enterprises()
    sites = _sites(companies)
    env_unit = Unit.objects.filter(code="U08").first()
    plant = companies[-1] if companies else None  # the plant's operator (demo choice)
    made = 0
    stations: dict[str, Station] = {}
    for n, site in enumerate(sorted({s.mn: s for s in sites.values()}.values(),
                                    key=lambda s: s.mn), start=1):
        station = Station.objects.filter(mn=site.mn).first()
        if station is None:
            source = site.code.startswith("S")
            company = companies[int(site.code[1:]) - 1] if source and companies else (
                plant if site.code.startswith("P") else None)
            codes = PLANT_CODES if site.mn == "CWWS-P01" else W_CODES
            station = create_station(admin, {
                "mn": site.mn, "password": f"{PASSWORD}{n:02d}",
                "name": f"{company.name}纳管口监测" if source and company else
                NAMES.get(site.code, site.code) + ("" if site.mn != "CWWS-P01" else "（进出水）"),
                "kind": "surface_water" if site.code.startswith("R-") else "wastewater",
                "latitude": round(site.lat, 6), "longitude": round(site.lon, 6),
                "enterprise": company, "unit": env_unit, "no_data_seconds": 7200},
               factors=list(codes))
            made += 1
        stations[site.mn] = station
    points: dict[str, WaterPoint] = {p.code: p for p in WaterPoint.objects.all()}
    for spec in reversed(chain_layout()):  # downstream first
        code = spec["id"]
        if code in points:
            continue
        source = code.startswith("S")
        company = companies[int(code[1:]) - 1] if source and companies else (
            plant if code.startswith("P-") else None)
        points[code] = create_point(admin, {
            "code": code, "kind": spec["kind"],
            "name": f"{company.name}纳管口" if source and company else NAMES.get(code, code),
            "downstream": points.get(spec.get("downstream")),
            "travel_minutes": spec.get("travel_minutes", 0.0),
            "station": stations[sites[code].mn], "enterprise": company, "unit": env_unit,
            "target_class": spec.get("target_class", ""),
            "limit_set": spec.get("limit_set", ""),
            "latitude": round(sites[code].lat, 6), "longitude": round(sites[code].lon, 6)})
    if stdout is not None:
        stdout.write(f"Water: {len(points)} chain points, {made} new water stations "
                     "(feed them with `zoneops water simulate`).")


def night_before(now: datetime) -> datetime:
    """The start (01:00) of the last night whose 01:00-05:00 is over at ``now``."""
    night = now.replace(hour=1, minute=0, second=0, microsecond=0)
    if now < night + timedelta(hours=NIGHT.hours):
        night -= timedelta(days=1)
    return night


def data(start: datetime, days: float, night: datetime | None) -> dict:
    """The demo chain's hourly data from ``start`` (local midnight) for ``days``, with the
    night discharge at ``night`` and a short maintenance gap at S7."""
    hour = (night - start).total_seconds() / 3600 if night is not None else None
    discharges = () if hour is None else (Discharge(
        NIGHT.into, hour, NIGHT.hours, NIGHT.cod_kg_h, NIGHT.nh3n_kg_h),)
    return simulate(sources=SOURCES, networks=NETWORKS, days=days, step_minutes=60, seed=SEED,
                    start=start.isoformat(), discharges=discharges,
                    gaps=(Gap("S7", 30, 2, flag="M"),))


def uploads(doc: dict, mn_of=None) -> dict[str, dict[str, dict[str, tuple[float, str]]]]:
    """Per station MN, per time (ISO), the HJ 212 values to send: w codes, and at the plant
    the e1xxyy (inlet) and e2xxyy (outlet) process codes in one upload."""
    w_of = {field: code for code, field in FACTORS.items()}
    process = {"flow_l_s": "01", "cod_mg_l": "02", "nh3n_mg_l": "03", "tp_mg_l": "04",
               "tn_mg_l": "05"}
    out: dict[str, dict[str, dict]] = {}
    for row in doc["series"]:
        code = row["point"]
        values = out.setdefault((mn_of or station_mn)(code), {}).setdefault(row["time"], {})
        if code in PLANT:
            side = "1" if code == "P-in" else "2"
            for field, q in process.items():
                values[f"e{side}{q}01"] = (row[field], row["flag"])
        else:
            for field, w in w_of.items():
                if field in row:
                    values[w] = (row[field], row["flag"])
            values["w01001"] = (7.2, row["flag"])
    return out
