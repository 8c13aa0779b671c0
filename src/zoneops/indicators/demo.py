"""Demo indicators: the zone's usual monthly set with annual targets and the bureau's
cumulative values for last year and this year to date (1–2月 together), each with an
official rate. Every figure is fictional demo data, generated from a fixed seed, entered
through the services. Idempotent."""

from __future__ import annotations

import random
from decimal import Decimal

from django.utils import timezone

from zoneops.core.models import Unit, User

from . import services
from .models import Indicator

SEED = 2026
# code, name, unit, basis, owner unit code, last year's annual level, growth %/a this year
CATALOGUE = [
    ("GYZCZ", "规上工业总产值", "亿元", "nominal", "U04", 980.0, 9.5),
    ("GYZJZ", "规上工业增加值", "亿元", "real", "U04", 215.0, 8.0),
    ("GDZC", "固定资产投资", "亿元", "nominal", "U07", 310.0, 6.0),
    ("SHLS", "社会消费品零售总额", "亿元", "nominal", "U04", 168.0, 5.5),
    ("YBGGYS", "一般公共预算收入", "亿元", "nominal", "U04", 42.0, 4.0),
    ("SJWZ", "实际利用外资", "亿美元", "nominal", "U05", 3.2, 12.0),
]
# How a year is spread over its months (January and February come together as 1–2月).
SHARES = [0.06, 0.07, 0.08, 0.08, 0.085, 0.085, 0.08, 0.085, 0.09, 0.09, 0.095, 0.10]


def _cumulative(total: float, rng: random.Random) -> list[float]:
    months = [total * share * rng.uniform(0.92, 1.08) for share in SHARES]
    scale = total / sum(months)
    running, out = 0.0, []
    for value in months:
        running += value * scale
        out.append(round(running, 2))
    return out


def load(stdout=None) -> None:
    from . import air_demo

    air_demo.load(stdout)
    office = User.objects.filter(username="office").first()
    if office is None or Indicator.objects.exists():
        return
    rng = random.Random(SEED)
    peer_rng = random.Random(SEED + 1)  # its own stream: the zone's figures stay as before
    today = timezone.localdate()
    year, last_month = today.year, max(2, today.month - 1)  # the bureau is a month behind
    for order, (code, name, unit, basis, owner, base, growth) in enumerate(CATALOGUE):
        owner_unit = Unit.objects.filter(code=owner).first() or Unit.objects.first()
        indicator = services.create_indicator(office, {
            "code": code, "name": name, "unit": unit, "basis": basis, "owner_unit": owner_unit,
            "source": "统计局月报（演示数据）", "sort_order": order})
        services.set_target(office, indicator, year=year, data={
            "value": Decimal(str(round(base * (1 + growth / 100), 1))),
            "growth_pct": Decimal(str(growth))})
        before = _cumulative(base, rng)
        now = _cumulative(base * (1 + (growth + rng.uniform(-3, 2)) / 100), rng)
        for month in range(2, 13):
            services.record_value(office, indicator, year=year - 1, month=month, data={
                "level": Decimal(str(before[month - 1]))})
        for month in range(2, last_month + 1):
            ratio = now[month - 1] / before[month - 1] - 1
            # The bureau's own rate (same firms, restated base) is near, not equal to, the
            # level ratio; one figure is far off, for the overview's check to find.
            official = ratio * 100 + rng.uniform(-1.2, 1.2) + (6 if code == "GDZC" and
                                                                 month == last_month else 0)
            services.record_value(office, indicator, year=year, month=month, data={
                "level": Decimal(str(now[month - 1])),
                "official_rate_pct": Decimal(str(round(official, 1)))})
            if month == last_month and code in PEER_CODES:
                _peers(office, indicator, year, month, official, peer_rng)
    if stdout is not None:
        stdout.write(f"indicators: {len(CATALOGUE)} demo indicators to 1–{last_month}月")


# Three fictional peer zones with figures for the latest month, so the screen shows ranks.
# 规上工业总产值 is left without peers: the browser test imports a peer sheet for it.
PEERS = ("东城经济开发区", "南湖高新区", "西江化工园区")
PEER_CODES = {"GYZJZ", "GDZC", "SHLS", "YBGGYS", "SJWZ"}


def _peers(office: User, indicator: Indicator, year: int, month: int, ours: float,
           rng: random.Random) -> None:
    for peer in PEERS:
        services.record_peer_value(office, indicator, peer=peer, year=year, month=month, data={
            "level": None, "official_rate_pct": Decimal(str(round(ours + rng.uniform(-4, 4), 1)))})
