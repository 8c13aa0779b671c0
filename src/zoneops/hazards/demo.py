"""Demo major hazards in the demo chemical park: ten units (chlorine, ammonia, LPG, hydrogen,
benzene, methanol, vinyl chloride, ethylene oxide, hydrogen sulfide, phosgene) at the park's
chemical enterprises, each drawn as a small square beside its enterprise, registered through
the services so each gets its GB 18218 assessment. The quantities, populations and hazard
categories are fictional demo inputs, chosen to make every unit a major hazard. Idempotent."""

from __future__ import annotations

from decimal import Decimal

from zoneops.core.models import Enterprise, User

from . import services
from .models import Chemical, Equipment, HazardUnit

# name, CAS, GB 18218 Table 2 categories (only where β needs them), state
CHEMICALS = [
    ("液氯", "7782-50-5", [], "liquefied_gas"),
    ("液氨", "7664-41-7", [], "liquefied_gas"),
    ("液化石油气", "68476-85-7", ["W2"], "liquefied_gas"),
    ("氢", "1333-74-0", ["W2"], "gas"),
    ("苯", "71-43-2", ["W5.3"], "liquid"),
    ("甲醇", "67-56-1", ["W5.3"], "liquid"),
    ("氯乙烯", "75-01-4", ["W2"], "liquefied_gas"),
    ("环氧乙烷", "75-21-8", [], "liquefied_gas"),
    ("硫化氢", "7783-06-4", [], "gas"),
    ("光气", "75-44-5", [], "liquefied_gas"),
]
# unit code, name, kind, residents within 500 m, [(tag, equipment kind, chemical, tonnes)]
UNITS = [
    (
        "HZ01",
        "液氯储罐区",
        "storage",
        150,
        [("V-101", "tank", "液氯", 30), ("V-102", "tank", "液氯", 30)],
    ),
    (
        "HZ02",
        "液氨储罐区",
        "storage",
        80,
        [("V-201", "tank", "液氨", 75), ("V-202", "tank", "液氨", 75)],
    ),
    (
        "HZ03",
        "液化石油气球罐区",
        "storage",
        40,
        [("S-301", "tank", "液化石油气", 200), ("S-302", "tank", "液化石油气", 200)],
    ),
    ("HZ04", "制氢装置", "production", 0, [("R-401", "vessel", "氢", 6)]),
    ("HZ05", "苯罐区", "storage", 20, [("T-501", "tank", "苯", 300), ("T-502", "tank", "苯", 300)]),
    (
        "HZ06",
        "甲醇罐区",
        "storage",
        35,
        [("T-601", "tank", "甲醇", 1500), ("T-602", "tank", "甲醇", 1500)],
    ),
    (
        "HZ07",
        "氯乙烯合成装置",
        "production",
        60,
        [("R-701", "vessel", "氯乙烯", 120), ("V-702", "tank", "氯乙烯", 180)],
    ),
    ("HZ08", "环氧乙烷装置", "production", 45, [("R-801", "vessel", "环氧乙烷", 40)]),
    ("HZ09", "脱硫装置", "production", 10, [("C-901", "vessel", "硫化氢", 6)]),
    ("HZ10", "光气合成装置", "production", 120, [("R-1001", "vessel", "光气", Decimal("1.5"))]),
]
SIDE_DEG = 0.0006  # about 60 m
# Fictional sensitive places around the park for threat zones to count: name, kind,
# population, offset from the first chemical enterprise (degrees of lon, lat).
PLACES = [
    ("东苑小区", "residential", 1200, -0.008, -0.006),
    ("南湖村", "residential", 450, 0.004, -0.012),
    ("园区实验小学", "school", 0, -0.015, -0.010),
    ("园区医院", "hospital", 0, 0.012, 0.009),
]


def _square(lon: float, lat: float, index: int) -> dict:
    x0, y0 = lon + SIDE_DEG * (1.5 * (index % 2)), lat + SIDE_DEG * (1.5 * (index // 2 % 2))
    ring = [
        [x0, y0],
        [x0 + SIDE_DEG, y0],
        [x0 + SIDE_DEG, y0 + SIDE_DEG],
        [x0, y0 + SIDE_DEG],
        [x0, y0],
    ]
    return {"type": "Polygon", "coordinates": [[[round(x, 6), round(y, 6)] for x, y in ring]]}


def load(stdout=None) -> None:
    admin = User.objects.filter(is_superuser=True).order_by("pk").first()
    companies = list(Enterprise.objects.filter(in_chemical_park=True).order_by("credit_code")[:5])
    if admin is None or not companies:
        return
    chemicals = {}
    for name, cas, categories, state in CHEMICALS:
        chemical = Chemical.objects.filter(name=name).first()
        chemicals[name] = chemical or services.create_chemical(
            admin, {"name": name, "cas": cas, "categories": categories, "state": state})
    from .models import SensitivePlace

    base_lon = float(companies[0].longitude or 120.93)
    base_lat = float(companies[0].latitude or 30.68)
    for name, kind, population, dlon, dlat in PLACES:
        if not SensitivePlace.objects.filter(name=name).exists():
            services.create_sensitive_place(
                admin, {
                    "name": name,
                    "kind": kind,
                    "population": population,
                    "longitude": round(base_lon + dlon, 6),
                    "latitude": round(base_lat + dlat, 6),
                })
    created = 0
    for index, (code, name, kind, population, equipment) in enumerate(UNITS):
        company = companies[index % len(companies)]
        if HazardUnit.objects.filter(enterprise=company, code=code).exists():
            continue
        lon, lat = float(company.longitude or 120.93), float(company.latitude or 30.68)
        with services.batch(admin, "demo"):
            unit = services.create_unit(
                admin, {
                    "enterprise": company,
                    "code": code,
                    "name": name,
                    "kind": kind,
                    "geometry": _square(lon, lat, index),
                    "population_500m": population,
                    "population_source": "demo: entered",
                })
            for tag, equipment_kind, chemical, tonnes in equipment:
                item = Equipment.objects.filter(
                    unit=unit, tag=tag
                ).first() or services.create_equipment(
                    admin, {"unit": unit, "tag": tag, "kind": equipment_kind})
                services.set_holding(admin, item, chemical=chemicals[chemical], design_max_t=tonnes)
        created += 1
    named = _responsibles(admin)
    _emergency(admin, base_lon, base_lat)
    if stdout is not None and created:
        stdout.write(f"major hazards: {created} demo units assessed, {named} 包保 people named")


# Fictional 包保 people: the enterprise's three per unit, and the park's leader, department
# and expert (a handful shared across the ten hazards).
SURNAMES = "张王李赵刘陈杨黄周吴"
PARK = {
    "zone_leader": [("钱建国", "管委会副主任"), ("孙立新", "管委会副主任")],
    "department": [("园区应急管理局", "危化品监管科"), ("园区安全生产监督管理办公室", "")],
    "expert": [("郑海峰", "注册安全工程师"), ("冯晓梅", "化工工艺专家"), ("褚国平", "设备专家")],
}


def _responsibles(admin) -> int:
    from .models import Responsible

    named = 0
    units = HazardUnit.objects.filter(code__in=[u[0] for u in UNITS]).order_by("code")
    for index, unit in enumerate(units):
        surname = SURNAMES[index % len(SURNAMES)]
        people = {
            "main": (f"{surname}总", "总经理"),
            "technical": (f"{surname}工", "总工程师"),
            "operations": (f"{surname}班长", "装置班长"),
        }
        for role, choices in PARK.items():
            people[role] = choices[index % len(choices)]
        for role, (name, title) in people.items():
            if Responsible.objects.filter(unit=unit, role=role).exists():
                continue
            services.create_responsible(
                admin, {"unit": unit, "role": role, "name": name, "title": title,
                 "phone": f"1380000{index:02d}{list(people).index(role):02d}"})
            named += 1
    return named


# Fictional emergency resources around the park: kind, name, quantity, measure, contact,
# offset (degrees of lon, lat) from the first chemical enterprise.
RESOURCES = [
    ("team", "园区专职消防救援站", 32, "人", "消防站值班室", 0.006, 0.004),
    ("team", "危化品应急救援队", 18, "人", "救援队队长", -0.010, 0.007),
    ("equipment", "重型化学洗消车", 2, "辆", "装备管理员", 0.006, 0.0045),
    ("equipment", "有毒气体侦检仪", 12, "台", "装备管理员", -0.0095, 0.0065),
    ("stockpile", "堵漏器材库", 40, "套", "物资管理员", 0.002, -0.003),
    ("stockpile", "应急物资储备库（碱液、吸附棉）", 15, "吨", "物资管理员", -0.02, -0.015),
]
PLAN_LEVELS = (
    "三级（企业级）：泄漏可由企业自行控制，威胁区不出厂界\n"
    "二级（园区级）：泄漏难以控制或威胁区超出厂界\n"
    "一级（政府级）：威胁区内有居民区、学校或医院，需要疏散"
)
PLAN_ACTIONS = (
    "1. 启动喷淋、关闭上游切断阀\n2. 按威胁区划定警戒范围，侧风向后上风向疏散\n"
    "3. 通知园区应急管理局与监管部门\n4. 监测站加密监测，按风向变化重画威胁区"
)


def _emergency(admin, base_lon: float, base_lat: float) -> None:
    """Resources, a plan per hazard (fictional demo text) and one drill incident with its
    zone and a task."""
    from datetime import timedelta

    from django.utils import timezone

    from . import emergency
    from .models import Incident, Resource

    for kind, name, qty, measure, contact, dlon, dlat in RESOURCES:
        if not Resource.objects.filter(name=name).exists():
            services.create_resource(admin, {
                "kind": kind, "name": name, "quantity": qty, "measure": measure,
                "contact": contact, "longitude": round(base_lon + dlon, 6),
                "latitude": round(base_lat + dlat, 6)})
    for unit in HazardUnit.objects.filter(code__in=[u[0] for u in UNITS]):
        if not unit.plans.exists():
            services.create_plan(admin, {
                "unit": unit, "title": f"{unit.name}泄漏事故现场处置方案（演示）",
                "version": "2026版", "trigger_levels": PLAN_LEVELS, "actions": PLAN_ACTIONS})
    unit = HazardUnit.objects.filter(code="HZ01").first()
    if unit is None or Incident.objects.filter(drill=True).exists():
        return
    incident = emergency.open_incident(admin, unit=unit, title="液氯储罐泄漏应急演练",
                                       drill=True)
    emergency.draw_zone(admin, incident, {
        "cas": "7782-50-5", "phase": "liquefied_gas", "hole_diameter_mm": 25.0,
        "temperature_c": 20.0, "pressure_kpa": None, "pool_area_m2": None, "stability": None,
        "insolation": "moderate", "exposure": "60min", "wind_speed_m_s": 2.5,
        "wind_from_deg": 45.0})
    supervising = unit.enterprise.unit
    if supervising is not None:
        emergency.add_task(admin, incident, unit=supervising, text="按威胁区设置警戒并组织疏散",
                           due_at=timezone.now() + timedelta(hours=2))
