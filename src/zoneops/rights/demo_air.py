"""The demo's air side of the emission rights: the demo enterprise's stack (排气筒), monitored
hourly for the last three weeks (flue-gas flow, SO2, NO2 + NO, NMHC), and a planned expansion
whose EIA needs more VOCs than it holds, so it must buy from the reserve. Fictional values."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from zoneops.core.models import Enterprise, Role, User

STACK_MN = "DEMORIGHTSA01"
# Per hour: 5 m³/s of flue gas (18 000 m³/h); mg/m³ of SO2, NO2, NO and NMHC.
STACK_VALUES = {"a00000": 5.0, "a21026": 30.0, "a21004": 10.0, "a21003": 40.0, "a24088": 15.0}
DAYS = 21


def stack(enterprise: Enterprise) -> None:
    from zoneops.environment.models import Factor, Reading
    from zoneops.environment.services import create_station

    admin = User.objects.filter(role=Role.ADMIN).order_by("pk").first()
    now = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    start = max(now - dt.timedelta(days=DAYS), now.replace(month=1, day=1, hour=0))
    hours = int((now - start).total_seconds() // 3600)
    if admin is None or hours < 1:
        return
    station = create_station(admin, {"mn": STACK_MN, "password": "demo",
                                   "name": f"{enterprise.name}1号排气筒", "kind": "stack",
                                   "latitude": 30.70, "longitude": 120.90,
                                   "enterprise": enterprise}, factors=list(STACK_VALUES))
    factor = dict(Factor.objects.filter(code__in=STACK_VALUES).values_list("code", "pk"))
    Reading.objects.bulk_create(
        (Reading(station=station, factor_id=factor[code], kind="hour", value=value, flag="N",
                 time=start + dt.timedelta(hours=h))
         for h in range(hours) for code, value in STACK_VALUES.items()), batch_size=5000)


def project(office: User, enterprise: Enterprise) -> None:
    """An expansion whose EIA needs 7 t/a VOCs (the firm holds 5.5: it must buy 1.5) and
    8 t/a SO2 (held)."""
    from .services.projects import register_project

    register_project(office, {"enterprise": enterprise, "name": "年产2万吨水性涂料扩建项目",
                              "document": "环境影响报告书（演示数据（虚构））",
                              "status": "review"},
                     {"VOCs": Decimal("7"), "SO2": Decimal("8")})
