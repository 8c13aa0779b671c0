"""Bench: 200 concurrent voters casting ballots over HTTP against a real server on PostgreSQL.

Each voter is a thread with its own cookie jar: it opens the verify page, verifies (ID number +
household code) and casts a ballot. Reported: ballots/s over the run, p95 latency of the ballot
submission, and — measured in the same run, while the voters are busy — p95 of the site's
cheapest page (/healthz). The last line is the ratio ballot p95 / cheapest p95.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zo_voting_bench .venv/bin/python bench/voting.py
    ... --quick    (fewer voters per thread, within a minute)

The database named in DATABASE_URL is dropped and re-created. Needs the residents' site at
/vote/ in the root urls.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request

from _common import Browser, p95, recreate, serve

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/zo_voting_bench"
SETUP = """
import json, random
from decimal import Decimal
from zoneops.core.models import Role, Unit, User
from zoneops.core.services.org import create_unit
from zoneops.core.services.people import create_user
from zoneops.voting import idcard, services
from zoneops.voting.models import Campaign
admin = create_user(None, {{"username": "benchadmin", "role": Role.ADMIN}},
                    password="x-Bench-2026!")
unit = create_unit(admin, {{"code": "BS", "name": "测试街道", "kind": Unit.Kind.SUBDISTRICT}})
c = services.create_campaign(admin, {{"title": "bench", "rule": "approval", "max_picks": 3,
                                    "winners_wanted": 3}})
cat = services.create_category(admin, c, {{"name": "道路"}})
ids = [services.create_candidate(admin, c, {{"title": f"项目{{i}}", "category": cat,
       "estimated_cost": Decimal(1000 * i)}}).pk for i in range(1, 21)]
rows = [services.RollRow(i + 2, f"居民{{i}}", idcard.make("330499", "19900101", i % 1000)
        if i < 1000 else idcard.make("330499", "19910101", i % 1000), f"{{i}}号", "测试社区", unit)
        for i in range({voters})]
services.import_roll(admin, c, rows=rows)
issued = services.issue_codes(admin, c, rng=random.Random(1))
codes = {{h: code for _c, h, code in issued}}
services.advance_phase(admin, c, to="candidates")
services.advance_phase(admin, c, to="voting")
print(json.dumps({{"campaign": c.pk, "candidates": ids,
                  "voters": [[r.id_number, codes[r.household]] for r in rows]}}))
"""




def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--voters", type=int, default=200, help="concurrent voters")
    parser.add_argument("--workers", type=int, default=2, help="web processes")
    args = parser.parse_args()
    ballots_each = 1 if args.quick else 5
    total = args.voters * ballots_each
    url = os.environ.get("DATABASE_URL", DEFAULT_DB)
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("this bench runs on PostgreSQL: set DATABASE_URL")
    recreate(url)
    env = {**os.environ, "DATABASE_URL": url, "LOG_LEVEL": "warning",
           "DATABASE_CONN_MAX_AGE": "0"}
    run = lambda *a, **kw: subprocess.run([sys.executable, "-m", "zoneops.cli", *a], env=env,  # noqa: E731
                                          check=True, capture_output=True, text=True, **kw)
    run("migrate", "--noinput")
    import json

    setup = json.loads(run("shell", "-c", SETUP.format(voters=total)).stdout.strip()
                       .splitlines()[-1])
    server, base = serve(env, args.workers,
                         stderr=open(os.environ.get("BENCH_LOG", os.devnull), "w"))  # noqa: SIM115
    try:
        campaign, candidates = setup["campaign"], setup["candidates"]
        latencies: list[float] = []
        cheap: list[float] = []
        failures: list[str] = []
        lock = threading.Lock()
        start = threading.Barrier(args.voters + 1)
        done = threading.Event()

        def vote(mine: list[list[str]]) -> None:
            start.wait()
            for n, (id_number, code) in enumerate(mine):
                voter = Browser(base)
                try:
                    voter.get(f"/vote/{campaign}/verify/")
                    status, _body = voter.post(f"/vote/{campaign}/verify/",
                                               [("id_number", id_number), ("code", code)])
                    picks = [("choice", str(c)) for c in candidates[n % 7: n % 7 + 3]]
                    picks.append(("confirm", "1"))  # the confirm step's button
                    began = time.perf_counter()
                    status, body = voter.post(f"/vote/{campaign}/ballot/", picks)
                    took = time.perf_counter() - began
                    ok = status == 200 and 'data-testid="receipt"' in body
                except Exception as exc:  # noqa: BLE001 - counted and reported
                    ok, took, body = False, 0.0, repr(exc)
                with lock:
                    (latencies.append(took) if ok else failures.append(body[:200]))

        def probe() -> None:
            start.wait()
            while not done.is_set():
                began = time.perf_counter()
                try:
                    urllib.request.urlopen(base + "/healthz", timeout=120).read()
                except OSError:
                    continue  # a refused probe is not a latency; the ballots report failures
                cheap.append(time.perf_counter() - began)
                time.sleep(0.02)

        voters = setup["voters"]
        threads = [threading.Thread(target=vote, args=(voters[i::args.voters],))
                   for i in range(args.voters)]
        prober = threading.Thread(target=probe)
        for t in threads:
            t.start()
        began = time.perf_counter()
        prober.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - began
        done.set()
        prober.join()
        counted = int(run("shell", "-c", "from zoneops.voting.models import Ballot; "
                          "print(Ballot.objects.count())").stdout.split()[-1])
    finally:
        server.terminate()
        server.wait(timeout=20)
    if failures:
        example = re.sub(r"\s+", " ", failures[0])
        print(f"{len(failures)} failed ballots, e.g. {example}")
    print(f"voters: {args.voters} concurrent, {len(latencies)} ballots cast "
          f"({counted} in the database) in {elapsed:.1f} s over {args.workers} web processes")
    print(f"ballots/s: {len(latencies) / elapsed:.1f}")
    print(f"ballot p95: {p95(latencies) * 1000:.0f} ms (median "
          f"{statistics.median(latencies) * 1000:.0f} ms)")
    print(f"cheapest page (/healthz) p95 in the same run: {p95(cheap) * 1000:.0f} ms "
          f"({len(cheap)} requests)")
    print(f"ratio ballot p95 / cheapest p95: {p95(latencies) / p95(cheap):.1f}")


if __name__ == "__main__":
    main()
