"""Bench: 200 bidders on 20 lots of an electronic bidding round, over HTTP, on PostgreSQL.

Each bidder is a thread with its own session (an enterprise contact, signed in first): it
reads a lot's live price (the JSON the lot page polls) and bids the lowest acceptable price,
round after round, on the lots in turn. Bids that arrive after a rival's are refused by the
service (outbid); both count as bid requests. Reported: bid requests/s, accepted bids/s, p95
latency of the bid request (POST and its redirect), and a check that every lot's history is
a valid ascending auction. The last line: bids/s and p95.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zo_rights_bench \
        .venv/bin/python bench/rights_bidding.py
    ... --quick   (one round per bidder)

The database named in DATABASE_URL is dropped and re-created.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time

from _common import Browser, p95, recreate, serve

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/zo_rights_bench"
PASSWORD = "x-Bench-2026!"
SETUP = """
import datetime as dt, json
from decimal import Decimal
from django.utils import timezone
from zoneops.core.models import Enterprise, Role
from zoneops.core.services.people import create_user
from zoneops.rights import services
from zoneops.rights.models import Deposit

office = create_user(None, {{"username": "bench_office", "role": Role.OFFICE}},
                     password="{password}")
services.set_cap(actor=office, pollutant="VOCs", quantity="10000", basis="bench")
now = timezone.now()
lots = [services.create_lot(office, {{
    "title": f"bench lot {{n}}", "pollutant": "VOCs", "quantity": Decimal("1"), "years": 5,
    "floor_price": Decimal("8000"), "min_increment": Decimal("200"),
    "max_increment": Decimal("1000"), "deposit": Decimal("5000"),
    "opens_at": now - dt.timedelta(minutes=1), "closes_at": now + dt.timedelta(hours=2),
    "extension_seconds": 0, "legal_basis": "bench"}}) for n in range({lots})]
firms = Enterprise.objects.bulk_create([
    Enterprise(credit_code=f"91330400MA{{n:08d}}", name=f"竞买企业{{n:03d}}")
    for n in range({bidders})])
for n, firm in enumerate(firms):
    create_user(None, {{"username": f"bidder{{n}}", "role": Role.ENTERPRISE, "enterprise": firm}},
                password="{password}")
Deposit.objects.bulk_create([Deposit(lot=lot, enterprise=firm, amount=Decimal("5000"),
                                     recorded_by=office) for lot in lots for firm in firms])
print(json.dumps([lot.pk for lot in lots]))
"""
CHECK = """
from zoneops.rights.models import Lot
bad = total = 0
for lot in Lot.objects.all():
    bids = list(lot.bids.order_by("seq"))
    ok = [b.seq for b in bids] == list(range(1, len(bids) + 1)) and all(
        lot.min_increment <= y.price - x.price <= lot.max_increment
        and y.enterprise_id != x.enterprise_id for x, y in zip(bids, bids[1:]))
    bad += not ok
    total += len(bids)
print(bad, total)
"""




def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--bidders", type=int, default=200)
    parser.add_argument("--lots", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2, help="web processes")
    args = parser.parse_args()
    rounds = 1 if args.quick else 5
    url = os.environ.get("DATABASE_URL", DEFAULT_DB)
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("this bench runs on PostgreSQL: set DATABASE_URL")
    recreate(url)
    env = {**os.environ, "DATABASE_URL": url, "LOG_LEVEL": "warning"}
    run = lambda *a: subprocess.run([sys.executable, "-m", "zoneops.cli", *a], env=env,  # noqa: E731
                                    check=True, capture_output=True, text=True)
    run("migrate", "--noinput")
    lots = json.loads(run("shell", "-c", SETUP.format(
        password=PASSWORD, lots=args.lots, bidders=args.bidders)).stdout.strip().splitlines()[-1])
    server, base = serve(env, args.workers)
    try:
        latencies: list[float] = []
        failures: list[str] = []
        lock = threading.Lock()
        ready = threading.Barrier(args.bidders + 1)
        go = threading.Barrier(args.bidders + 1)

        def bid(n: int) -> None:
            me = Browser(base)
            me.get("/login/")
            status, body = me.post("/login/", [("username", f"bidder{n}"), ("password", PASSWORD)])
            if not any(c.name == "sessionid" for c in me.jar):
                with lock:
                    failures.append(f"login {status}: " + body[body.find("<title>"):][:200])
            ready.wait()
            go.wait()
            for r in range(rounds):
                lot = lots[(n + r) % len(lots)]
                try:
                    raw = me.get(f"/rights/market/{lot}/price/")
                    try:
                        price = json.loads(raw)["low"]
                    except ValueError:
                        raise RuntimeError(raw[:300]) from None
                    began = time.perf_counter()
                    status, body = me.post(f"/rights/market/{lot}/bid/", [("price", price)])
                    took = time.perf_counter() - began
                    ok = status == 200  # the lot page after the redirect
                except Exception as exc:  # noqa: BLE001 - counted and reported
                    ok, took, body = False, 0.0, repr(exc)
                with lock:
                    if ok:
                        latencies.append(took)
                    else:
                        failures.append(body[:200])

        threads = [threading.Thread(target=bid, args=(n,)) for n in range(args.bidders)]
        for t in threads:
            t.start()
        ready.wait()
        began = time.perf_counter()
        go.wait()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - began
    finally:
        server.terminate()
        server.wait()
    bad, accepted = map(int, run("shell", "-c", CHECK).stdout.strip().splitlines()[-1].split())
    print(f"bidders {args.bidders} on {args.lots} lots, {rounds} round(s): "
          f"{len(latencies)} bid requests in {elapsed:.1f} s, {accepted} accepted, "
          f"{len(failures)} failed requests, {bad} inconsistent lot histories")
    if failures:
        print("first failure:", failures[0])
    print(f"bids/s {len(latencies) / elapsed:.1f} (accepted {accepted / elapsed:.1f}/s), "
          f"p95 bid latency {p95(latencies) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
