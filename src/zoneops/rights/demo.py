"""Demo emission rights: caps, the chemical park firms' holdings from their permits, two
transfers, a closed VOC bidding round (settled to the demo enterprise), an open one the demo
enterprise contact can bid in, and a transfer request awaiting the demo enterprise's answer.
Every figure is a fictional demo value (the basis says so), written through the services.
Idempotent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from zoneops.core.demo import DEMO_PASSWORD
from zoneops.core.models import Enterprise, Role, User
from zoneops.core.services.people import create_user

from . import demo_air, services
from .models import Cap, Lot

DEMO_BASIS = "演示数据（虚构）"
# pollutant -> (demo cap t/a, each firm's permit quantity t/a)
CAPS = {"COD": ("400", "12"), "NH3-N": ("40", "1.2"), "SO2": ("300", "8"),
        "NOx": ("500", "15"), "VOCs": ("120", "3")}
SECOND_BIDDER = "rights_bidder"
SELLER_CONTACT = "rights_seller"


def _lot(office: User, title: str, opens: dt.datetime, closes: dt.datetime) -> Lot:
    return services.create_lot(office, {
        "title": title, "pollutant": "VOCs", "quantity": Decimal("2"), "years": 5,
        "floor_price": Decimal("8000"), "min_increment": Decimal("200"),
        "max_increment": Decimal("1000"), "deposit": Decimal("5000"), "opens_at": opens,
        "closes_at": closes, "extension_seconds": 300,
        "legal_basis": f"园区VOCs排污权电子竞价公告（{DEMO_BASIS}）"})


def load(stdout=None) -> None:
    office = User.objects.filter(username="office").first()
    contact = User.objects.filter(role=Role.ENTERPRISE, enterprise__isnull=False).order_by(
        "pk").first()
    if office is None or contact is None or Cap.objects.exists():
        return
    firms = [contact.enterprise, *Enterprise.objects.filter(in_chemical_park=True).exclude(
        pk=contact.enterprise_id).order_by("credit_code")[:7]]
    if len(firms) < 4:
        return
    start = timezone.localdate().replace(month=1, day=1)
    for pollutant, (cap, permit) in CAPS.items():
        services.set_cap(actor=office, pollutant=pollutant, quantity=cap, basis=DEMO_BASIS)
        for firm in firms:
            services.verify_initial(actor=office, enterprise=firm, pollutant=pollutant,
                                    quantity=permit, valid_from=start,
                                    legal_basis=f"排污许可证（{DEMO_BASIS}）")
    for seller, buyer, pollutant, quantity in ((firms[1], firms[2], "COD", "2"),
                                               (firms[3], contact.enterprise, "VOCs", "0.5")):
        services.transfer(actor=office, seller=seller, buyer=buyer, pollutant=pollutant,
                          quantity=quantity, legal_basis=f"排污权转让合同（{DEMO_BASIS}）",
                          seller_consent="转让方盖章同意", buyer_consent="受让方盖章同意",
                          valid_from=start)
    rival_firm = firms[1]
    rival = User.objects.filter(username=SECOND_BIDDER).first() or create_user(
        None, {"username": SECOND_BIDDER, "full_name": "韩立新", "role": Role.ENTERPRISE,
               "enterprise": rival_firm}, password=DEMO_PASSWORD)
    now = timezone.now()
    # A round that closed last week: three bids, sold to the demo enterprise.
    opened = now - dt.timedelta(days=8)
    closed = _lot(office, "家具行业VOCs排污权（第一批）", opened, opened + dt.timedelta(hours=2))
    for firm in (contact.enterprise, rival_firm):
        services.record_deposit(office, closed, enterprise=firm, amount="5000")
    for minutes, who, price in ((10, rival, "8000"), (25, contact, "8600"),
                                (70, rival, "9000"), (95, contact, "9400")):
        services.place_bid(who, closed, price=price,
                           now=opened + dt.timedelta(minutes=minutes))
    services.settle_due(now=closed.closes_at)
    # A round open now for a week, with one bid from the rival firm to beat.
    current = _lot(office, "家具行业VOCs排污权（第二批）", now - dt.timedelta(hours=1),
                   now + dt.timedelta(days=7))
    for firm in (contact.enterprise, rival_firm):
        services.record_deposit(office, current, enterprise=firm, amount="5000")
    services.place_bid(rival, current, price="8000")
    _discharge(contact.enterprise, share=Decimal(CAPS["COD"][1]) * Decimal("0.85"))
    demo_air.stack(contact.enterprise)
    demo_air.project(office, contact.enterprise)
    _pending_request(firms[2], contact.enterprise, start)
    if stdout is not None:
        stdout.write(f"emission rights: {len(firms)} firms hold rights; bidding lots "
                     f"{closed.number} (sold) and {current.number} (open)")


def _pending_request(seller: Enterprise, buyer: Enterprise, start: dt.date) -> None:
    """A transfer request the seller's contact filed, awaiting the demo enterprise's answer
    (then the office's approval): the flow of a transfer between firms."""
    from .services.requests import file_request

    filer = User.objects.filter(username=SELLER_CONTACT).first() or create_user(
        None, {"username": SELLER_CONTACT, "full_name": "沈晓东", "role": Role.ENTERPRISE,
               "enterprise": seller}, password=DEMO_PASSWORD)
    file_request(filer, {"buyer": buyer, "pollutant": "NH3-N", "quantity": Decimal("0.3"),
                         "price": Decimal("12000"), "contract_no": "演示-转让-001",
                         "valid_from": start})


def _discharge(enterprise: Enterprise, *, share: Decimal) -> None:
    """The demo enterprise's own wastewater outlet, monitored hourly since 1 January: a
    steady flow whose COD load adds up to ``share`` t by the last full hour (85 % of its COD
    holding), NH3-N at a twentieth of the COD concentration (about 42 %)."""
    from zoneops.environment.models import Factor, Reading
    from zoneops.environment.services import create_station
    from zoneops.water.selectors import FACTORS
    from zoneops.water.services import create_point

    admin = User.objects.filter(role=Role.ADMIN).order_by("pk").first()
    now = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    start = now.replace(month=1, day=1, hour=0)
    hours = int((now - start).total_seconds() // 3600)
    if admin is None or hours < 1:
        return
    station = create_station(admin, {"mn": "DEMORIGHTSW01", "password": "demo",
                                   "name": f"{enterprise.name}污水排放口",
                                   "kind": "wastewater", "latitude": 30.70,
                                   "longitude": 120.90, "enterprise": enterprise},
                             factors=list(FACTORS))
    create_point(admin, {"code": "RQ-S1", "name": f"{enterprise.name}纳管口", "kind": "source",
                       "station": station, "enterprise": enterprise})
    cod_mg_l = 80.0
    load_kg_h = float(share) * 1000 / hours
    flow_l_s = load_kg_h / (cod_mg_l * 3.6e-3)  # kg/h = L/s × mg/L × 3.6e-3
    factor = dict(Factor.objects.filter(code__in=("w00000", "w01018", "w21003"))
                  .values_list("code", "pk"))
    values = (("w00000", flow_l_s), ("w01018", cod_mg_l), ("w21003", cod_mg_l / 20))
    Reading.objects.bulk_create(
        (Reading(station=station, factor_id=factor[code], kind="hour", value=value, flag="N",
                 time=start + dt.timedelta(hours=h))
         for h in range(hours) for code, value in values), batch_size=5000)
