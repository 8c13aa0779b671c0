"""Bench: the three lists at province scale on PostgreSQL.

Builds 10,000 items with 60,000 nodes (ten lists of 1,000 rows, each imported from a real
.xlsx through the importer), times the dry run and the import of one 1,000-row spreadsheet,
then starts a real server and lets 20 concurrent clients load, in turn, the site's cheapest
page (/healthz), the filtered item list and the leader dashboard. Prints each p95 and the
ratios to the cheapest page, then times the import of one 10,000-row spreadsheet into a list of
its own (issue #18: ≤ 10 s); the last line is that import's seconds.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zo_supervision_bench \\
        .venv/bin/python bench/supervision_web.py [--quick] [--workers 2]

The database named in DATABASE_URL is dropped and re-created. --quick: 2,000 items and a
shorter load and a 2,000-row import, within a minute or two.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import random
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from datetime import date, timedelta
from pathlib import Path

from _common import p95, recreate, serve

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/zo_supervision_bench"
CLIENTS = 20
PASSWORD = "Bench-2026!pass"
UNITS = ["经济发展局", "招商局", "财政局", "规划建设局", "生态环境分局", "应急管理局", "科技创新局",
         "社会事务局", "行政审批局", "国有资产管理办公室", "综合行政执法局", "化工园区管理办公室",
         "澄北街道", "澜桥街道", "沁湖街道", "禾丰街道", "鹭栖街道", "建投集团", "城发公司",
         "企业服务中心"]
DOMAINS = ["经济发展", "社会治理", "城市建设", "民生服务", "国资运营"]
STEPS = ["完成立项", "完成设计", "完成招标", "开工建设", "主体完工", "竣工验收"]


def node_cell(rng: random.Random, today: date) -> str:
    """Six nodes; about 5% of items have one overdue and 5% one due within three days, the
    rest lie ahead (as in a list imported early in its year)."""
    roll = rng.random()
    if roll < 0.05:
        first = today - timedelta(days=rng.randint(5, 40))
    elif roll < 0.10:
        first = today + timedelta(days=rng.randint(1, 3))
    else:
        first = today + timedelta(days=rng.randint(10, 60))
    parts = []
    for i, step in enumerate(STEPS):
        day = first + timedelta(days=45 * i)
        parts.append(f"{day.year}年{day.month}月{day.day}日前{step}")
    return "；".join(parts)


def spreadsheet(path: Path, list_no: int, rows: int, rng: random.Random, today: date) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append([f"第{list_no}号清单（基准测试）"])
    ws.merge_cells("A1:H1")
    ws.append(["序号", "领域", "任务名称", "目标任务", "责任领导", "牵头单位", "配合单位",
               "时间节点"])
    for n in range(1, rows + 1):
        ws.append([f"B{list_no:02d}-{n:04d}", rng.choice(DOMAINS),
                   f"第{list_no}批第{n}项重点工作推进", "按节点完成", "周明远",
                   rng.choice(UNITS), rng.choice(UNITS), node_cell(rng, today)])
    wb.save(path)


def build(items: int, tmp: Path) -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zoneops.settings")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from zoneops.core.models import Role, Unit, User
    from zoneops.supervision.importer import plan_import, run_import
    from zoneops.supervision.services import today

    admin = User.objects.create_superuser("admin", "", PASSWORD, role=Role.ADMIN)
    User.objects.create_user("leader", "", PASSWORD, role=Role.LEADER)
    for n, name in enumerate(UNITS, start=1):
        Unit.objects.create(code=f"U{n:02d}", name=name)
    rng = random.Random(3)
    lists = items // 1000
    timings = {}
    for list_no in range(1, lists + 1):
        path = tmp / f"list{list_no}.xlsx"
        spreadsheet(path, list_no, 1000, rng, today())
        if list_no == 1:
            started = time.perf_counter()
            plan = plan_import(str(path), list_name="基准清单1", year=today().year)
            timings["dry_run"] = time.perf_counter() - started
            assert plan.ok, [str(p) for p in plan.problems[:5]]
            started = time.perf_counter()
            plan = run_import(admin, str(path), list_name="基准清单1", year=today().year)
            timings["import"] = time.perf_counter() - started
        else:
            plan = run_import(admin, str(path), list_name=f"基准清单{list_no}",
                              year=today().year)
        assert plan.committed, [str(p) for p in plan.problems[:5]]
        print(f"list {list_no}: {len(plan.items)} items", file=sys.stderr)
    from zoneops.supervision.models import Item, Node, SupervisionList

    first = SupervisionList.objects.order_by("pk").first()
    from django.db import connections
    connections.close_all()
    return {**timings, "items": Item.objects.count(), "nodes": Node.objects.count(),
            "list_id": first.pk}


def import_rows(rows: int, tmp: Path) -> tuple[float, float, int]:
    """Issue #18 item 8: one spreadsheet of `rows` items (six nodes each, about 5% of them
    red) imported end to end into a list of its own, after the load test so that its items
    do not change the pages measured. Returns (wall seconds, CPU seconds, red items)."""
    from zoneops.core.models import User
    from zoneops.supervision.importer import run_import
    from zoneops.supervision.models import Item
    from zoneops.supervision.services import today

    path = tmp / "rows.xlsx"
    spreadsheet(path, 99, rows, random.Random(18), today())
    admin = User.objects.get(username="admin")
    started, cpu = time.perf_counter(), time.process_time()
    plan = run_import(admin, str(path), list_name="基准万行清单", year=today().year)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    assert plan.committed, [str(p) for p in plan.problems[:5]]
    return seconds, cpu, Item.objects.filter(supervision_list__name="基准万行清单",
                                             light="red").count()


class Client:
    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> tuple[int, bytes]:
        with self.opener.open(self.base + path, timeout=120) as r:
            return r.status, r.read()

    def login(self, username: str) -> None:
        self.get("/login/")
        token = next(c.value for c in self.jar if c.name == "csrftoken")
        data = urllib.parse.urlencode({"username": username, "password": PASSWORD,
                                       "csrfmiddlewaretoken": token}).encode()
        request = urllib.request.Request(self.base + "/login/", data=data,
                                         headers={"Referer": self.base + "/login/"})
        with self.opener.open(request, timeout=60) as r:
            r.read()
        assert any(c.name == "sessionid" for c in self.jar), "login failed"


def load(clients: list[Client], path: str, seconds: float, marker: bytes = b"") -> list[float]:
    latencies: list[float] = []
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def run(client: Client) -> None:
        mine = []
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            status, body = client.get(path)
            mine.append(time.perf_counter() - started)
            assert status == 200 and marker in body, (path, status)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=run, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--workers", type=int, default=2, help="web processes")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", DEFAULT_DB)
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("this bench runs on PostgreSQL: set DATABASE_URL")
    items = 2000 if args.quick else 10_000
    seconds = 6.0 if args.quick else 20.0
    recreate(url)
    os.environ["DATABASE_URL"] = url
    with tempfile.TemporaryDirectory() as tmp:
        built = build(items, Path(tmp))
    print(f"data: {built['items']} items, {built['nodes']} nodes")
    print(f"1,000-row spreadsheet: dry run {built['dry_run']:.2f} s, import "
          f"{built['import']:.2f} s, together {built['dry_run'] + built['import']:.2f} s")
    env = {**os.environ, "DATABASE_URL": url, "LOG_LEVEL": "warning"}
    server, base = serve(env, args.workers)
    try:
        clients = [Client(base) for _ in range(CLIENTS)]
        for client in clients:
            client.login("leader")
        list_url = f"/supervision/?list={built['list_id']}&domain=城市建设"
        list_url = urllib.parse.quote(list_url, safe="/?=&")
        for path in ("/healthz", list_url, "/supervision/dashboard/"):
            load(clients, path, 1.0)  # warm up every process and connection
        cheap = load(clients, "/healthz", seconds, b"ok")
        listed = load(clients, list_url, seconds, b'data-testid="items"')
        dash = load(clients, "/supervision/dashboard/", seconds, b'data-testid="ranking"')
    finally:
        server.terminate()
        server.wait(timeout=20)
    cheap95, list95, dash95 = p95(cheap) * 1000, p95(listed) * 1000, p95(dash) * 1000
    print(f"{CLIENTS} clients, {args.workers} web processes, {seconds:.0f} s each")
    print(f"cheapest page /healthz: p95 {cheap95:.1f} ms ({len(cheap)} requests)")
    print(f"filtered item list: p95 {list95:.1f} ms ({len(listed)} requests), "
          f"{list95 / cheap95:.2f}x the cheapest")
    print(f"leader dashboard: p95 {dash95:.1f} ms ({len(dash)} requests), "
          f"{dash95 / cheap95:.2f}x the cheapest")
    print(f"worse ratio to the cheapest page: {max(list95, dash95) / cheap95:.2f}x "
          f"(target ≤ 3x); 1,000-row import+dry run "
          f"{built['dry_run'] + built['import']:.2f} s (target < 5 s)")
    rows = 2000 if args.quick else 10_000
    with tempfile.TemporaryDirectory() as tmp:
        seconds, cpu, red = import_rows(rows, Path(tmp))
    print(f"{rows}-row spreadsheet into a new list: {red} items red; this process's CPU "
          f"{cpu:.2f} s (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    print(f"import of {rows} rows (read, plan, commit, lights, alerts): {seconds:.2f} s "
          "(issue #18 target ≤ 10 s for 10,000)")


if __name__ == "__main__":
    main()
