"""Bench: one 10,000-row list spreadsheet imported end to end (issue #18, item 8: ≤ 10 s).

Writes a real .xlsx of 10,000 items with six prose nodes each, a third of them with a node
already overdue (so a third of the items light red and raise an alert), then times
`run_import` — reading the file through the import kit, planning every row, and committing
items, nodes, lights, audit entries, red-light alerts and the notices telling duty officers,
the office and each unit's staff (one each) — on the database in DATABASE_URL (dropped and
re-created when it is PostgreSQL; a fresh SQLite file otherwise). The last line is the
import's wall-clock seconds; the line before it the process's CPU seconds and the load, since
on a shared machine the wall clock mostly measures the neighbours. --profile DIR writes
cProfile stats of the dry run and the import.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zo_import_bench \\
        .venv/bin/python bench/supervision_import.py [--rows 10000] [--profile DIR]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from _common import recreate

UNITS = ["经济发展局", "招商局", "财政局", "规划建设局", "生态环境分局", "应急管理局",
         "科技创新局", "社会事务局", "行政审批局", "综合行政执法局"]
STEPS = ["完成立项", "完成设计", "完成招标", "开工建设", "主体完工", "竣工验收"]


def spreadsheet(path: Path, rows: int, today: date) -> None:
    from openpyxl import Workbook

    rng = random.Random(18)
    wb = Workbook()  # shared strings, as Excel writes them
    ws = wb.active
    ws.title = "重点任务"
    ws.append(["2026年度重点任务清单（基准测试）"])
    ws.append(["序号", "领域", "任务名称", "目标任务", "责任领导", "牵头单位", "配合单位",
               "时间节点"])
    for n in range(1, rows + 1):
        late = rng.random() < 1 / 3
        first = today - timedelta(days=rng.randint(5, 40)) if late else \
            today + timedelta(days=rng.randint(10, 60))
        nodes = "；".join(f"{d.month}月{d.day}日前{step}" for d, step in
                         ((first + timedelta(days=30 * i), s) for i, s in enumerate(STEPS))
                         if d.year == today.year) or "12月31日前完成"
        ws.append([f"Z-{n:05d}", "经济发展", f"第{n}项重点工作", "按节点完成", "周明远",
                   rng.choice(UNITS), rng.choice(UNITS), nodes])
    wb.save(path)


def profiled(directory: str | None, name: str, function, *args, **kwargs):
    """Call function; with a directory, under cProfile, its stats saved as NAME.prof."""
    if not directory:
        return function(*args, **kwargs)
    import cProfile

    profile = cProfile.Profile()
    try:
        return profile.runcall(function, *args, **kwargs)
    finally:
        profile.dump_stats(str(Path(directory) / f"{name}.prof"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--profile", metavar="DIR",
                        help="write cProfile stats of the dry run and the import here")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="zo-import-"))
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        recreate(url)
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zoneops.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from zoneops.core.models import Alert, AuditEntry, Notification, Role, Unit, User
    from zoneops.supervision import importer, services
    from zoneops.supervision.models import Item, Node

    admin = User.objects.create_superuser("admin", "", "Bench-2026!pass", role=Role.ADMIN)
    for n, name in enumerate(UNITS, start=1):
        unit = Unit.objects.create(code=f"U{n:02d}", name=name)
        User.objects.create_user(f"staff{n}", "", "Bench-2026!pass", role=Role.UNIT_STAFF,
                                 unit=unit)
    for n, role in enumerate((Role.DUTY_OFFICER, Role.DUTY_OFFICER, Role.OFFICE), start=1):
        User.objects.create_user(f"duty{n}", "", "Bench-2026!pass", role=role)
    today = date(2026, 6, 15)
    path = tmp / "list.xlsx"
    spreadsheet(path, args.rows, today)
    print(f"spreadsheet: {args.rows} rows, {path.stat().st_size // 1024} KB", file=sys.stderr)
    with services.as_of(today):  # a fixed day, so the share of red items is the same
        started = time.perf_counter()
        plan = profiled(args.profile, "dry", importer.run_import, admin, str(path),
                        list_name="重点任务", year=today.year, dry_run=True)
        dry = time.perf_counter() - started
        assert plan.ok, [str(p) for p in plan.problems[:5]]
        started, cpu = time.perf_counter(), time.process_time()
        plan = profiled(args.profile, "import", importer.run_import, admin, str(path),
                        list_name="重点任务", year=today.year)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    assert plan.committed, [str(p) for p in plan.problems[:5]]
    red = Item.objects.filter(light="red").count()
    print(f"database: {django.db.connection.vendor}")
    print(f"dry run: {dry:.2f} s")
    print(f"imported {Item.objects.count()} items, {Node.objects.count()} nodes, {red} red, "
          f"{Alert.objects.filter(module='supervision').count()} alerts, "
          f"{Notification.objects.count()} notifications, "
          f"{AuditEntry.objects.count()} audit entries")
    print(f"this process's CPU time for the import: {cpu:.2f} s (load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    print(f"import of {args.rows} rows (read, plan, commit, lights, alerts): {seconds:.2f} s")


if __name__ == "__main__":
    main()
