"""The demo zone: a fictional national economic-technological development zone and its
chemical park, loaded through the services like any other data.

`load()` is idempotent and deterministic. The whole demo is first described as plain data
(`build_spec()`, a pure function of a fixed random seed), then each object is created through
the core services unless an object with the same natural key (place code, unit code, credit
code, username, alert module+key) already exists; existing objects are left as they are. Every
write is audited: the administrator is created first and acts for everything else.

Everything here is invented — the zone (澄湾经济技术开发区, "Chengwan ETDZ"), its roads,
sub-districts, companies and people. It imitates the shape of a real zone (4 functional areas,
12 blocks of about 1,000 mu, 110 km², a "3+3" industry structure and a chemical park), not
any real place.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from . import credit_code
from .models import Alert, AuditAction, Enterprise, NotificationChannel, Place, Role, Unit, User
from .services import alerts as alert_service
from .services.audit import record, snapshot
from .services.notify import create_channel
from .services.org import create_enterprise, create_place, create_unit, update_unit
from .services.people import create_user, update_user

DEMO_PASSWORD = "Demo-2026!zone"
SEED = 20260101
ZONE_NAME = "澄湾经济技术开发区"
ZONE_SHORT = "澄湾"
# Not a real county code: the prefecture part is plausible, the 99 county part is unused.
DIVISION = "330499"
FICTIONAL = "（演示数据，地名、企业和人员均为虚构）"

# --- geography ---------------------------------------------------------------------------------
# The zone is an irregular octagon around (120.90 E, 30.70 N), about 12 km × 9 km ≈ 110 km²,
# split into four quadrilateral functional areas that meet at an inner point C.
_SW, _S, _SE = (120.838, 30.6605), (120.902, 30.657), (120.9615, 30.662)
_E, _NE, _N = (120.965, 30.703), (120.960, 30.7415), (120.898, 30.744)
_NW, _W, _C = (120.840, 30.739), (120.8345, 30.699), (120.900, 30.701)
ZONE_RING = [_SW, _S, _SE, _E, _NE, _N, _NW, _W]

# code, name, (sw, se, ne, nw) corners, description
AREAS = [
    ("A1", "北部智造片区", (_W, _C, _N, _NW),
     "高端装备制造主阵地：汽车零部件、数控机床和新材料。"),
    ("A2", "滨湖科创片区", (_C, _E, _NE, _N),
     "未来产业和生产性服务业：人工智能、智能传感、软件信息服务与检验检测。"),
    ("A3", "南部健康食品片区", (_SW, _S, _C, _W),
     "健康食品、生命科学和时尚消费。"),
    ("A4", "临港化工片区", (_S, _SE, _E, _C),
     "化工园区：精细化工、化工新材料和氢能，实行封闭化管理。"),
]

# code, name, area, (u, v) centre inside the area, size in mu, width/height, roads,
# supervising unit code, [(industry, count)]
BLOCKS = [
    ("B01", "汽车零部件产业板块", "A1", (0.25, 0.30), 1050, 1.3, ("智造大道", "驰远路"),
     "U20", [("汽车零部件", 14)]),
    ("B02", "数控装备板块", "A1", (0.70, 0.30), 980, 1.1, ("精工路", "智造大道"),
     "U20", [("数控机床", 12)]),
    ("B03", "先进材料板块", "A1", (0.45, 0.72), 1010, 1.5, ("新材路", "北环路"),
     "U24", [("新材料", 12)]),
    ("B04", "人工智能创新板块", "A2", (0.30, 0.28), 960, 1.2, ("科创大道", "智谷路"),
     "U21", [("人工智能", 12)]),
    ("B05", "智能传感板块", "A2", (0.72, 0.35), 1000, 1.0, ("感知路", "湖滨东路"),
     "U21", [("智能传感", 12)]),
    ("B06", "数字服务板块", "A2", (0.50, 0.74), 920, 1.4, ("云数路", "湖畔路"),
     "U22", [("软件和信息服务", 9), ("检验检测", 6)]),
    ("B07", "健康食品板块", "A3", (0.28, 0.32), 1120, 1.3, ("康宁路", "百味路"),
     "U23", [("健康食品", 16)]),
    ("B08", "生命科学板块", "A3", (0.70, 0.30), 990, 1.0, ("生命路", "禾丰大道"),
     "U23", [("生命科学", 12)]),
    ("B09", "时尚消费板块", "A3", (0.42, 0.72), 940, 1.6, ("时尚大道", "锦绣路"),
     "U22", [("时尚消费", 15)]),
    ("B10", "精细化工板块", "A4", (0.32, 0.30), 1180, 1.2, ("化工一路", "港城大道"),
     "U18", [("精细化工", 10), ("电子化学品", 2)]),
    ("B11", "化工新材料板块", "A4", (0.72, 0.42), 1060, 1.0, ("化工二路", "滨港路"),
     "U18", [("化工新材料", 10)]),
    ("B12", "氢能产业板块", "A4", (0.38, 0.72), 900, 1.3, ("氢能路", "化工三路"),
     "U18", [("氢能", 5), ("石油化工", 3)]),
]
CHEMICAL_AREA = "A4"

# --- units -------------------------------------------------------------------------------------
D, S, SOE, OT = (Unit.Kind.DEPARTMENT, Unit.Kind.SUBDISTRICT, Unit.Kind.SOE, Unit.Kind.OTHER)
# code, name, short name, kind, parent code, aliases
UNITS = [
    ("U01", "党政办公室", "党政办", D, None, ["管委会办公室", "党政综合办"]),
    ("U02", "督查室", "督查室", D, "U01", ["督查办", "效能督查室"]),
    ("U03", "党群工作部", "党群部", D, None, ["组织人事部"]),
    ("U04", "经济发展局", "经发局", D, None, ["经发局", "经济发展和统计局"]),
    ("U05", "招商局", "招商局", D, None, ["投资促进局", "投促局"]),
    ("U06", "财政局", "财政局", D, None, ["财政金融局", "财金局"]),
    ("U07", "规划建设局", "规建局", D, None, ["建设局", "规建局", "规划建设管理局"]),
    ("U08", "生态环境分局", "环境分局", D, None, ["环保分局", "生态分局", "环保局"]),
    ("U09", "环境监测站", "监测站", OT, "U08", ["监测站"]),
    ("U10", "应急管理局", "应急局", D, None, ["应急局", "安监局", "安全生产监督管理局"]),
    ("U11", "智慧应急指挥中心", "指挥中心", OT, "U10", ["应急指挥中心", "指挥中心"]),
    ("U12", "科技创新局", "科创局", D, None, ["科创局", "科技局"]),
    ("U13", "社会事务局", "社事局", D, None, ["社会发展局", "社发局"]),
    ("U14", "行政审批局", "审批局", D, None, ["审批局", "政务服务中心"]),
    ("U15", "国有资产管理办公室", "国资办", D, None, ["国资办"]),
    ("U16", "综合行政执法局", "执法局", D, None, ["执法局", "城管局"]),
    ("U17", "市场监督管理分局", "市场监管分局", D, None, ["市场监管分局", "工商分局"]),
    ("U18", "化工园区管理办公室", "园区办", D, None, ["化工园区办", "园区办"]),
    ("U19", "统计中心", "统计中心", OT, "U04", ["统计站"]),
    ("U20", "澄北街道", "澄北街道", S, None, ["澄北街道办事处"]),
    ("U21", "澜桥街道", "澜桥街道", S, None, ["澜桥街道办事处", "澜桥镇"]),
    ("U22", "沁湖街道", "沁湖街道", S, None, ["沁湖街道办事处"]),
    ("U23", "禾丰街道", "禾丰街道", S, None, ["禾丰街道办事处", "禾丰镇"]),
    ("U24", "鹭栖街道", "鹭栖街道", S, None, ["鹭栖街道办事处"]),
    ("U25", "澄湾开发区建设投资集团有限公司", "建投集团", SOE, "U15",
     ["建投集团", "澄湾建投"]),
    ("U26", "澄湾城市发展有限公司", "城发公司", SOE, "U25", ["城发公司", "城发集团"]),
    ("U27", "澄湾产业投资基金管理有限公司", "产业基金公司", SOE, "U25",
     ["产业基金", "产投公司"]),
    ("U28", "澄湾科创园区运营管理有限公司", "园区运营公司", SOE, "U25", ["科创运营公司"]),
    ("U29", "企业服务中心", "企服中心", OT, "U04", ["企服中心", "亲清服务中心"]),
    ("U30", "化工园区安全环保监管中心", "安环中心", OT, "U18", ["安环中心", "园区监管中心"]),
]

# --- people ------------------------------------------------------------------------------------
# username, full name, role, unit code (None for the enterprise contact), units led
PEOPLE = [
    ("admin", "沈立诚", Role.ADMIN, "U01", []),
    ("office", "许慧敏", Role.OFFICE, "U02", []),
    ("leader", "周明远", Role.LEADER, "U01", ["U01", "U04", "U08", "U10", "U18"]),
    ("unit", "陆晓峰", Role.UNIT_STAFF, "U04", []),
    ("unit2", "钱思远", Role.UNIT_STAFF, "U07", []),
    ("duty", "蒋卫平", Role.DUTY_OFFICER, "U08", []),
    ("enterprise", "曹文斌", Role.ENTERPRISE, None, []),
    ("zjh", "张建华", Role.OFFICE, "U02", []),
    ("lyq", "李雅琴", Role.OFFICE, "U02", []),
    ("cly", "陈立远", Role.LEADER, "U01", ["U07", "U12", "U15", "U25"]),
    ("wht", "王海涛", Role.UNIT_STAFF, "U05", []),
    ("ljm", "刘佳敏", Role.UNIT_STAFF, "U06", []),
    ("hzy", "黄子洋", Role.UNIT_STAFF, "U07", []),
    ("zxl", "赵晓丽", Role.UNIT_STAFF, "U08", []),
    ("fzh", "冯志豪", Role.UNIT_STAFF, "U09", []),
    ("sgm", "孙国明", Role.DUTY_OFFICER, "U10", []),
    ("hjy", "韩静怡", Role.DUTY_OFFICER, "U11", []),
    ("xwj", "徐文静", Role.UNIT_STAFF, "U12", []),
    ("mlf", "马立峰", Role.UNIT_STAFF, "U13", []),
    ("hyt", "胡雨婷", Role.UNIT_STAFF, "U14", []),
    ("gjp", "郭建平", Role.UNIT_STAFF, "U15", []),
    ("lhb", "林浩波", Role.UNIT_STAFF, "U18", []),
    ("hsy", "何思源", Role.UNIT_STAFF, "U18", []),
    ("gcl", "高春来", Role.UNIT_STAFF, "U30", []),
    ("lxy", "罗欣怡", Role.UNIT_STAFF, "U20", []),
    ("zhq", "郑海青", Role.UNIT_STAFF, "U21", []),
    ("ljw", "梁家伟", Role.UNIT_STAFF, "U22", []),
    ("xmh", "谢明辉", Role.UNIT_STAFF, "U23", []),
    ("scx", "宋晨曦", Role.UNIT_STAFF, "U24", []),
    ("tyf", "唐逸飞", Role.UNIT_STAFF, "U25", []),
]
ENTERPRISE_USER = "enterprise"

# --- enterprise names --------------------------------------------------------------------------
TRADE_FIRST = "恒博瑞鼎华启锦宏盛永立德新天金海东正泰安明乐汇康联远创睿思凯益卓誉信通精晟禾峰拓辰"
TRADE_SECOND = "锐远驰诚晟益航泰达昌源鑫宇翔盛丰合瑞润恒川峰邦凯腾捷泽弘辉博智"
# industry -> (terms in the name, "3+3" group)
INDUSTRIES: dict[str, tuple[list[str], str]] = {
    "汽车零部件": (["汽车零部件", "汽车电子", "精密铸造", "传动系统", "汽车部件",
                    "新能源汽车部件", "汽车饰件"], "高端装备"),
    "数控机床": (["数控机床", "精密机械", "智能装备", "数控科技", "机床附件", "精工机械"],
                 "高端装备"),
    "新材料": (["新材料科技", "复合材料", "高分子材料", "特种纤维", "新材料"], "高端装备"),
    "健康食品": (["食品", "健康食品", "营养科技", "乳业", "烘焙食品", "功能饮品", "植物蛋白"],
                 "健康食品"),
    "人工智能": (["智能科技", "人工智能", "机器人", "智算科技", "视觉科技"], "未来产业"),
    "智能传感": (["传感技术", "微电子", "光电科技", "物联网科技", "传感器"], "未来产业"),
    "生命科学": (["生物科技", "医疗器械", "生物医药", "基因科技", "诊断技术"], "未来产业"),
    "软件和信息服务": (["软件", "信息技术", "数据科技", "网络科技", "数字科技"],
                       "软件和信息服务"),
    "检验检测": (["检测技术", "检验认证", "计量检测", "质量检测"], "检验检测"),
    "时尚消费": (["服饰", "时尚科技", "家纺", "皮革制品", "电子商务", "针织"], "时尚消费"),
    "精细化工": (["精细化工", "化学", "精细化学品", "化工", "医药化工"], "化工"),
    "电子化学品": (["电子化学品", "电子材料"], "化工"),
    "化工新材料": (["新材料", "高分子材料", "有机硅材料", "树脂", "化工新材料"], "化工"),
    "氢能": (["氢能科技", "氢能源", "工业气体", "氢能装备"], "化工"),
    "石油化工": (["石化", "石油化工"], "化工"),
}
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡"
            "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯")
GIVEN_FIRST = "志建晓海文俊晨子雅欣佳明立国伟丽静思宇振秀浩永家雨慧德春"
GIVEN_SECOND = "强华峰涛杰敏婷军磊洋琳霞斌宁平飞辉芳超勇丹鹏娜刚玲宏"

# --- alerts ------------------------------------------------------------------------------------
H2S_KEY = "demo:h2s:station3"


@dataclass
class Spec:
    places: list[dict[str, Any]] = field(default_factory=list)
    units: list[dict[str, Any]] = field(default_factory=list)
    enterprises: list[dict[str, Any]] = field(default_factory=list)


# --- pure helpers ------------------------------------------------------------------------------

M_PER_DEG_LAT = 110_900.0


def _m_per_deg_lon(lat: float) -> float:
    return 111_320.0 * math.cos(math.radians(lat))


def ring_area_km2(ring: list[list[float]] | list[tuple[float, float]]) -> float:
    """Area of a lon/lat ring in km² (local equirectangular projection: fine at zone scale)."""
    lat0 = sum(p[1] for p in ring) / len(ring)
    kx, ky = _m_per_deg_lon(lat0), M_PER_DEG_LAT
    pts = [(p[0] * kx, p[1] * ky) for p in ring]
    pairs = zip(pts, pts[1:] + pts[:1], strict=True)
    total = sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in pairs)
    return abs(total) / 2 / 1e6


def point_in_ring(lon: float, lat: float, ring) -> bool:
    """Ray casting; `ring` may be open or closed."""
    inside = False
    n = len(ring)
    for i in range(n):
        (x1, y1), (x2, y2) = ring[i][:2], ring[(i + 1) % n][:2]
        if (y1 > lat) != (y2 > lat):
            x = x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
            if lon < x:
                inside = not inside
    return inside


def _closed(points) -> list[list[float]]:
    ring = [[round(x, 6), round(y, 6)] for x, y in points]
    return ring + [ring[0]]


def _polygon(points) -> dict[str, Any]:
    return {"type": "Polygon", "coordinates": [_closed(points)]}


def _bilinear(quad, u: float, v: float) -> tuple[float, float]:
    sw, se, ne, nw = quad
    return (
        (1 - u) * (1 - v) * sw[0] + u * (1 - v) * se[0] + u * v * ne[0] + (1 - u) * v * nw[0],
        (1 - u) * (1 - v) * sw[1] + u * (1 - v) * se[1] + u * v * ne[1] + (1 - u) * v * nw[1],
    )


def _block_rect(quad, uv, mu: int, ratio: float) -> list[tuple[float, float]]:
    cx, cy = _bilinear(quad, *uv)
    area_m2 = mu * 10_000 / 15  # 1 mu = 666.67 m²
    width_m = math.sqrt(area_m2 * ratio)
    height_m = area_m2 / width_m
    dx, dy = width_m / 2 / _m_per_deg_lon(cy), height_m / 2 / M_PER_DEG_LAT
    return [(cx - dx, cy - dy), (cx + dx, cy - dy), (cx + dx, cy + dy), (cx - dx, cy + dy)]


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN_FIRST) + rng.choice(GIVEN_SECOND)


def _mobile(rng: random.Random) -> str:
    return rng.choice(["138", "139", "158", "159", "186", "187"]) + "".join(
        rng.choice("0123456789") for _ in range(8))


def _org_body(rng: random.Random) -> str:
    if rng.random() < 0.6:  # registered since 2015: organisation codes start with "MA"
        return "MA2" + "".join(rng.choice(credit_code.CHARSET) for _ in range(5))
    return rng.choice("5678") + "".join(rng.choice("0123456789") for _ in range(7))


def _company_name(rng: random.Random, industry: str) -> str:
    terms = INDUSTRIES[industry][0]
    first = rng.choice(TRADE_FIRST)
    second = rng.choice(TRADE_SECOND.replace(first, ""))
    trade, term = first + second, rng.choice(terms)
    pattern = rng.choices(range(4), weights=[4, 2, 1, 3])[0]
    if pattern == 0:
        return f"{ZONE_SHORT}{trade}{term}有限公司"
    if pattern == 1:
        return f"{trade}{term}（{ZONE_SHORT}）有限公司"
    if pattern == 2:
        return f"{trade}{term}股份有限公司"
    return f"{trade}{term}有限公司"


def build_spec(seed: int = SEED) -> Spec:
    """The whole demo as plain data: places, units and enterprises. Pure and deterministic."""
    rng = random.Random(seed)
    spec = Spec()
    zone_ring = ZONE_RING
    spec.places.append({
        "code": "ZONE", "name": ZONE_NAME, "kind": Place.Kind.ZONE, "parent": None,
        "geometry": _polygon(zone_ring),
        "description": (f"国家级经济技术开发区，规划面积约{ring_area_km2(zone_ring):.0f}平方公里，"
                        "“一廊一环、四片区、十二板块”，主导产业“3+3”：高端装备（汽车零部件、"
                        "数控机床、新材料）、健康食品、未来产业（人工智能、智能传感、生命科学），"
                        "软件信息服务、检验检测、时尚消费；东南部为化工园区。" + FICTIONAL),
    })
    quads = {}
    for code, name, quad, text in AREAS:
        quads[code] = quad
        spec.places.append({
            "code": code, "name": name, "kind": Place.Kind.AREA, "parent": "ZONE",
            "geometry": _polygon(quad),
            "description": f"{text}面积约{ring_area_km2(quad):.1f}平方公里。",
        })
    rects = {}
    for code, name, area, uv, mu, ratio, roads, _unit, industries in BLOCKS:
        rect = _block_rect(quads[area], uv, mu, ratio)
        if not all(point_in_ring(x, y, quads[area]) for x, y in rect):
            raise AssertionError(f"block {code} is not inside area {area}")
        rects[code] = rect
        labels = "、".join(i for i, _n in industries)
        spec.places.append({
            "code": code, "name": name, "kind": Place.Kind.BLOCK, "parent": area,
            "geometry": _polygon(rect),
            "description": f"约{mu}亩，主导产业：{labels}；主要道路：{'、'.join(roads)}。",
        })

    for order, (code, name, short, kind, parent, aliases) in enumerate(UNITS, start=1):
        spec.units.append({"code": code, "name": name, "short_name": short, "kind": kind,
                           "parent": parent, "sort_order": order * 10, "aliases": aliases})

    names: set[str] = set()
    codes: set[str] = set()
    numbers: set[tuple[str, int]] = set()
    for code, _label, area, _uv, _mu, _ratio, roads, unit, industries in BLOCKS:
        (x0, y0), (x1, y1) = rects[code][0], rects[code][2]
        mx, my = (x1 - x0) * 0.08, (y1 - y0) * 0.08
        for industry, count in industries:
            for _ in range(count):
                name = _company_name(rng, industry)
                while name in names:
                    name = _company_name(rng, industry)
                names.add(name)
                code18 = credit_code.make("91", DIVISION, _org_body(rng))
                while code18 in codes:
                    code18 = credit_code.make("91", DIVISION, _org_body(rng))
                codes.add(code18)
                road = rng.choice(roads)
                number = rng.randrange(1, 400)
                while (road, number) in numbers:
                    number = rng.randrange(1, 400)
                numbers.add((road, number))
                lon = rng.uniform(x0 + mx, x1 - mx)
                lat = rng.uniform(y0 + my, y1 - my)
                spec.enterprises.append({
                    "credit_code": code18, "name": name, "industry": industry,
                    "block": code, "unit": unit, "in_chemical_park": area == CHEMICAL_AREA,
                    "address": f"{ZONE_NAME}{road}{number}号",
                    "latitude": Decimal(f"{lat:.6f}"), "longitude": Decimal(f"{lon:.6f}"),
                    "contact_name": _name(rng), "contact_phone": _mobile(rng),
                })
    # The demo enterprise login is the contact of the first fine-chemicals company.
    first_chemical = next(e for e in spec.enterprises if e["in_chemical_park"])
    first_chemical["contact_name"] = next(p[1] for p in PEOPLE if p[0] == ENTERPRISE_USER)
    return spec


# --- loading -----------------------------------------------------------------------------------

def _say(stdout, message: str) -> None:
    if stdout is not None:
        stdout.write(message + "\n")


def _ensure_admin() -> User:
    username, full_name, role, _unit, _led = PEOPLE[0]
    admin = User.objects.filter(username=username).first()
    if admin is None:
        admin = create_user(None, {"username": username, "full_name": full_name, "role": role},
                          password=DEMO_PASSWORD)
    elif admin.role != Role.ADMIN and not admin.is_superuser:
        raise RuntimeError(f"a user called {username!r} exists and is not an administrator; "
                           "the demo will not promote it")
    if not (admin.is_superuser and admin.is_staff):
        # create_user does not take these flags: the one direct write, audited by hand.
        before = snapshot(admin)
        admin.is_superuser = admin.is_staff = True
        admin.save(update_fields=["is_superuser", "is_staff"])
        record("system", AuditAction.UPDATE, admin, before, snapshot(admin),
               reason="demo: the administrator may use the admin site")
    return admin


def _load_places(admin: User, spec: Spec) -> dict[str, Place]:
    places = {p.code: p for p in Place.objects.filter(code__in=[s["code"] for s in spec.places])}
    for item in spec.places:
        if item["code"] not in places:
            data = dict(item, parent=places[item["parent"]] if item["parent"] else None)
            places[item["code"]] = create_place(admin, data)
    return places


def _load_units(admin: User, spec: Spec) -> dict[str, Unit]:
    units = {u.code: u for u in Unit.objects.filter(code__in=[s["code"] for s in spec.units])}
    for item in spec.units:
        if item["code"] not in units:
            data = {k: v for k, v in item.items() if k != "aliases"}
            data["parent"] = units[item["parent"]] if item["parent"] else None
            units[item["code"]] = create_unit(admin, data, aliases=item["aliases"])
    return units


def _load_enterprises(admin: User, spec: Spec, places: dict[str, Place],
                      units: dict[str, Unit]) -> dict[str, Enterprise]:
    wanted = [s["credit_code"] for s in spec.enterprises]
    found = {e.credit_code: e for e in Enterprise.objects.filter(credit_code__in=wanted)}
    for item in spec.enterprises:
        if item["credit_code"] not in found:
            data = dict(item, block=places[item["block"]], unit=units[item["unit"]])
            found[item["credit_code"]] = create_enterprise(admin, data)
    return found


def _load_people(admin: User, spec: Spec, units: dict[str, Unit],
                 enterprises: dict[str, Enterprise]) -> list[dict[str, str]]:
    contact = next(e for e in spec.enterprises if e["in_chemical_park"])
    company = enterprises[contact["credit_code"]]
    rng = random.Random(SEED + 1)
    logins = []
    for username, full_name, role, unit_code, led in PEOPLE:
        phone = _mobile(rng)
        user = User.objects.filter(username=username).first()
        unit = units[unit_code] if unit_code else None
        if user is None:
            data: dict[str, Any] = {"username": username, "full_name": full_name, "role": role,
                                    "phone": phone}
            if role == Role.ENTERPRISE:
                data["enterprise"] = company
            else:
                data["unit"] = unit
            user = create_user(admin, data, password=DEMO_PASSWORD)
        elif user.pk == admin.pk and user.unit_id is None:
            update_user(admin, user, {"unit": unit, "phone": phone})
        for code in led:
            if units[code].leader_id is None:
                update_unit(admin, units[code], {"leader": user})
        logins.append({
            "username": user.username, "password": DEMO_PASSWORD, "role": str(user.role),
            "full_name": user.full_name,
            "unit_or_enterprise": str(user.enterprise or user.unit or ""),
        })
    return logins


def _load_channels(admin: User, units: dict[str, Unit]) -> None:
    examples = [
        ("U08", NotificationChannel.Kind.WECOM,
         "http://127.0.0.1:9/cgi-bin/webhook/send?key=demo-not-a-real-key", ""),
        ("U10", NotificationChannel.Kind.DINGTALK,
         "http://127.0.0.1:9/robot/send?access_token=demo-not-a-real-token",
         "SECdemo-not-a-real-secret"),
        ("U02", NotificationChannel.Kind.EMAIL, "ducha@zoneops.invalid", ""),
    ]
    for unit_code, kind, target, secret in examples:
        unit = units[unit_code]
        if NotificationChannel.objects.filter(unit=unit, kind=kind, target=target).exists():
            continue
        create_channel(admin, unit, {"kind": kind, "target": target, "secret": secret,
                                   "enabled": False})


def _load_alerts(units: dict[str, Unit], enterprises: dict[str, Enterprise],
                 spec: Spec) -> int:
    users = {u.username: u for u in User.objects.filter(
        username__in=["duty", "unit", "unit2", "enterprise"])}
    duty = users["duty"]
    own_company = users["enterprise"].enterprise
    now = timezone.now()
    created = 0

    def fresh(module: str, key: str) -> bool:
        return not Alert.objects.filter(module=module, key=key).exists()

    # The air alarms of the demo (red H2S at a boundary station, orange NMHC at a fence-line
    # monitor, a station gone silent) are seeded by the environment demo, at its stations.
    # 3. Handled by the assigned unit, waiting for the duty officer to verify.
    key = "demo:wastewater:pipe-w3"
    if fresh("water", key):  # the wastewater chain's, not the air watch's
        alert = alert_service.raise_alert(
            module="water", key=key, level=Alert.Level.YELLOW,
            title="园区污水管网W3监测井液位异常升高",
            detail="化工二路W3监测井液位2小时内上升0.8米，疑似下游管段堵塞。",
            unit=units["U07"],
            data={"well": "W3", "rise_m": 0.8, "window": "2h"},
            now=now - timedelta(days=2, hours=3))
        alert = alert_service.acknowledge(duty, alert)
        alert = alert_service.assign(duty, alert, unit=units["U07"],
                                     note="请规划建设局组织管网养护单位疏通。")
        alert_service.handle(users["unit2"], alert,
                             feedback="已组织养护单位对W3—W5管段进行疏通，清出淤泥约2立方米，液位已恢复正常。")
        created += 1
    # 4. Closed: assigned to an enterprise, handled by its contact, verified by the duty officer.
    key = "demo:odour:complaint-0412"
    if fresh("environment", key):
        alert = alert_service.raise_alert(
            module="environment", key=key, level=Alert.Level.ORANGE,
            title="群众投诉精细化工板块夜间异味",
            detail="12345热线转办：禾丰街道居民反映夜间闻到刺激性气味，持续约半小时。",
            unit=units["U08"], enterprise=own_company,
            data={"source": "12345", "ticket": "DEMO-0412"},
            now=now - timedelta(days=4, hours=2))
        alert = alert_service.acknowledge(duty, alert)
        alert = alert_service.assign(duty, alert, enterprise=own_company,
                                     note="请企业自查废气收集和处理设施运行情况。")
        alert = alert_service.handle(
            users["enterprise"], alert,
            feedback="经自查，RTO焚烧炉检修期间部分废气旁路，已恢复正常运行并加强巡检，附运行记录。")
        alert_service.close(duty, alert, note="经现场复核，设施运行正常，同意办结。")
        created += 1
    # 5. Yellow supervision-style alert: a key-task node is overdue.
    key = "demo:supervision:task-07-node-2"
    if fresh("supervision", key):
        alert = alert_service.raise_alert(
            module="supervision", key=key, level=Alert.Level.YELLOW,
            title="重点任务节点逾期：规上工业企业数字化改造（第二节点）",
            detail="节点“完成30家企业诊断”计划完成时间已过3天，尚未上报进展。",
            unit=units["U04"],
            data={"list": "重点任务", "task": "T07", "node": 2, "days_overdue": 3},
            now=now - timedelta(days=3, hours=4))
        alert_service.acknowledge(users["unit"], alert, note="已在督促企业服务中心补报进展。")
        created += 1
    return created


def load(stdout=None) -> list[dict[str, str]]:
    """Load the demo zone (idempotent) and return the demo logins.

    Returns one dict per demo account: username, password (always DEMO_PASSWORD: accounts
    that already existed keep whatever password they have), role, full_name and
    unit_or_enterprise.
    """
    spec = build_spec()
    with transaction.atomic():
        admin = _ensure_admin()
        places = _load_places(admin, spec)
        _say(stdout, f"{ZONE_NAME}: {len(places)} places (zone, areas, blocks)")
        units = _load_units(admin, spec)
        _say(stdout, f"{len(units)} units")
        enterprises = _load_enterprises(admin, spec, places, units)
        _say(stdout, f"{len(enterprises)} enterprises")
        logins = _load_people(admin, spec, units, enterprises)
        _say(stdout, f"{len(logins)} demo accounts")
        _load_channels(admin, units)
        created = _load_alerts(units, enterprises, spec)
        _say(stdout, f"{created} new demo alerts")
    return logins
