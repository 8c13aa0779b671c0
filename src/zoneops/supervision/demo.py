"""Demo three lists for the demo zone, with months of history, loaded through the services.

Idempotent: when this year's 重点任务 list exists nothing is loaded. Deterministic for a given
day (fixed seed; dates are placed in the current year so lights are meaningful today).

Each item gets a behaviour (ahead, on time, late, stuck, done) and the year is replayed month
by month: the lead unit reports the nodes it met, the office accepts (one report is returned
and resubmitted), lights are recomputed as of each month's end and unit standings recorded,
so the dashboard, the ranking's change and the monthly report have a past. ZD-01 (经济发展局,
the `unit` demo account) is kept red with no report this month: the browser test reports on it.
"""

from __future__ import annotations

import calendar
import random
from datetime import date, timedelta

from django.db import transaction

from zoneops.core.models import Role, Unit, User

from . import services
from .deadlines import parse_nodes
from .demo_data import LEADERS, LISTS, PATTERNS
from .models import Item, SupervisionList

SEED = 20260301
PROFILES = [("ahead", 12), ("on_time", 46), ("late", 20), ("stuck", 16), ("done", 6)]


def _say(stdout, text: str) -> None:
    if stdout is not None:
        stdout.write(text)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _prose(pattern: str, shift: int) -> str:
    """The node cell as a real list would write it."""
    parts = []
    for month, deliverable in PATTERNS[pattern]:
        month = min(12, max(1, month + shift))
        parts.append(f"{month}月底前{deliverable}")
    return "；".join(parts)


def load(stdout=None) -> None:
    today = services.today()
    year = today.year
    if SupervisionList.objects.filter(name="重点任务", year=year).exists():
        _say(stdout, "Three lists: already loaded")
        return
    rng = random.Random(SEED)
    admin = User.objects.get(username="admin")
    office = User.objects.get(username="office")
    leaders = {u.full_name: u for u in User.objects.filter(role=Role.LEADER)}
    units = {u.code: u for u in Unit.objects.all()}
    staff = {}
    for user in User.objects.filter(role=Role.UNIT_STAFF, is_active=True).order_by("username"):
        staff.setdefault(user.unit_id, user)
    with transaction.atomic():
        items = _load_items(admin, rng, year, units)
        _replay(items, rng, today, admin, office, staff)
        _extras(items, rng, today, office, leaders, staff, admin)
        from .reminders import run_reminders
        run_reminders(today)
    _say(stdout, f"Three lists: {len(items)} items with months of history")


def _load_items(admin: User, rng: random.Random, year: int, units: dict[str, Unit]
                ) -> list[tuple[Item, str]]:
    loaded = []
    for order, (name, kind, prefix, domains, description) in enumerate(LISTS):
        lst = services.create_list(admin, {"name": name, "kind": kind, "year": year,
                                         "description": description, "sort_order": order})
        n = 0
        for domain, entries in domains.items():
            for title, target, unit_code, co_codes, leader, pattern in entries:
                n += 1
                code = f"{prefix}-{n:02d}"
                shift = 0 if code == "ZD-01" else rng.choice([-1, 0, 0, 1])
                prose = _prose(pattern, shift)
                if code == "ZD-01":
                    # Always one node three weeks overdue, whatever the date (written with
                    # its year, as lists do when a node falls in another year).
                    first = services.today() - timedelta(days=21)
                    prose = (f"{first.year}年{first.month}月{first.day}日前完成立项审批；"
                             f"{year}年12月底前主体工程完工")
                nodes = parse_nodes(prose, year)
                item = services.create_item(admin, {
                    "supervision_list": lst, "code": code, "domain": domain, "title": title,
                    "target": target, "leader_name": LEADERS[leader],
                    "lead_unit": units[unit_code], "owner_name": "",
                    "start_date": date(year, 1, 1), "deadline": max(x.planned_date for x in nodes),
                    "deadline_text": deadline_text(max(x.planned_date for x in nodes)),
                    "is_published": True,
                }, co_units=[units[c] for c in co_codes], nodes=[
                    {"planned_date": x.planned_date, "deliverable": x.deliverable,
                     "planned_text": x.text} for x in nodes], recompute=False)
                profile = "stuck" if code == "ZD-01" else rng.choices(
                    [p for p, _ in PROFILES], [w for _, w in PROFILES])[0]
                loaded.append((item, profile))
    return loaded


def deadline_text(day: date) -> str:
    """The deadline as a list writes it, agreeing with the date (no 年底前 on 10-31)."""
    if (day.month, day.day) == (12, 31):
        return "年底前"
    if day == _month_end(day.year, day.month):
        return f"{day.month}月底前"
    return f"{day.month}月{day.day}日前"


def _actual(node_date: date, profile: str, rng: random.Random, is_last_due: bool,
            today: date) -> date | None:
    if profile == "stuck" and is_last_due:
        return None
    if profile in ("ahead", "done"):
        return node_date - timedelta(days=rng.randint(5, 25))
    if profile == "late":
        if is_last_due:  # caught up recently: the late catch-up rule shows yellow
            return max(node_date + timedelta(days=1), today - timedelta(days=rng.randint(1, 20)))
        return node_date + timedelta(days=rng.randint(8, 35))
    return node_date - timedelta(days=rng.randint(0, 8))


def _replay(items, rng, today, admin, office, staff) -> None:
    """Month by month up to today: reports for the nodes met, office review, lights."""
    plans = {}
    for item, profile in items:
        nodes = list(item.nodes.all())
        due = [n for n in nodes if n.planned_date < today]
        plan = {}
        for n in nodes:
            last_due = bool(due) and n == due[-1]
            actual = _actual(n.planned_date, profile, rng, last_due, today)
            if profile == "done" or (actual and actual <= today and (
                    n.planned_date < today or profile == "ahead")):
                plan[n.pk] = min(actual, today) if actual else None
        if profile == "stuck" and len(due) >= 2 and rng.random() < 0.5:
            plan.pop(due[-2].pk, None)  # some stuck items missed two nodes
        plans[item.pk] = (nodes, plan)
    returned_once = False
    for month in range(1, today.month + 1):
        end = min(_month_end(today.year, month), today)
        with services.as_of(end):
            returned_once = _replay_month(items, plans, month, end, today, rng, admin, office,
                                          staff, returned_once)


def _replay_month(items, plans, month, end, today, rng, admin, office, staff,
                  returned_once) -> bool:
    period = f"{today.year}-{month:02d}"
    for item, profile in items:
        nodes, plan = plans[item.pk]
        met = [(n, d) for n in nodes if (d := plan.get(n.pk)) and d.month == month
               and d <= end]
        # Units report when a node is met, and everyone in the current month.
        quarterly = month == today.month
        if item.code == "ZD-01" and month == today.month:
            continue  # left for the browser test to report
        if met or quarterly:
            done_share = sum(1 for n in nodes if (d := plan.get(n.pk)) and d <= end)
            progress = min(100, round(100 * done_share / max(1, len(nodes))))
            if profile != "done" and progress == 100 and any(
                    n.planned_date > end for n in nodes):
                progress = 95  # met early, but the work runs to the deadline
            # Every node met by the deadline: 100 %, and done once the office accepts — never
            # "past its deadline at 95 % yet green".
            reporter = staff.get(item.lead_unit_id, admin)
            lines = [{"node_id": n.pk, "actual_date": d, "evidence": f"{n.deliverable}相关文件"}
                     for n, d in met]
            summary = ("；".join(f"{n.deliverable}已完成" for n, _ in met)
                       or "按计划推进，各项工作有序开展")
            report = services.submit_report(
                reporter, item, period=period, progress=progress, summary=summary,
                difficulties="" if profile != "stuck" else "要素保障不到位，进度滞后",
                lines=lines)
            if month == today.month and rng.random() < 0.25:
                continue  # still waiting for the office's review
            if not returned_once and met:
                services.return_report(office, report, reason="佐证材料不全，请补充相关批复文件")
                report = services.submit_report(
                    reporter, item, period=period, progress=progress,
                    summary=summary + "（已补充批复文件）", lines=lines)
                returned_once = True
            services.accept_report(office, report)
        services.recompute_light(Item.objects.get(pk=item.pk), on=end)
    services.record_month_stats(period, on=end)
    return returned_once


def _extras(items, rng, today, office, leaders, staff, admin) -> None:
    """Instructions and answers, problems, extensions and a manual light."""
    leader_list = list(leaders.values()) or [admin]
    flagged = [i for i, _ in items if Item.objects.get(pk=i.pk).light in ("red", "yellow")]
    for n, item in enumerate(flagged[:8]):
        leader = leader_list[n % len(leader_list)]
        instruction = services.instruct(leader, item, text=rng.choice([
            "请牵头单位倒排工期、挂图作战，确保按节点完成。",
            "要加强要素保障，协调解决项目推进中的堵点问题。",
            "请督查室跟踪督办，下月专题汇报进展。"]))
        if n % 3 != 2:
            services.answer_instruction(staff.get(item.lead_unit_id, admin), instruction,
                                        text="已召开专题会议部署，制定倒排计划，落实专人跟进。")
    problems = ["用地指标尚未落实", "资金拨付进度偏慢", "施工许可手续未办结",
                "配套管线迁改协调难度大", "企业投资意愿减弱", "政策处理涉及群众诉求"]
    for n, (item, profile) in enumerate(items):
        if profile in ("stuck", "late") and n % 2 == 0:
            reporter = staff.get(item.lead_unit_id, admin)
            raised = today - timedelta(days=rng.randint(5, 120))
            problem = services.add_problem(
                reporter, item, description=rng.choice(problems), owner=item.lead_unit.name,
                due_date=raised + timedelta(days=45), raised_at=raised)
            if profile == "late":
                services.solve_problem(reporter, problem, solution="经专题协调已解决",
                                       solved_at=min(today, raised + timedelta(days=20)))
    pending = [i for i, p in items if p == "on_time"
               and i.nodes.filter(planned_date__gt=today + timedelta(days=5),
                                  actual_date__isnull=True).exists()]
    for n, item in enumerate(pending[:2]):
        node = item.nodes.filter(planned_date__gt=today, actual_date__isnull=True).first()
        ext = services.request_extension(
            staff.get(item.lead_unit_id, admin), node,
            new_date=node.planned_date + timedelta(days=30), reason="受原材料供应影响，工期顺延",
            current_progress="已完成总工程量的70%")
        if n == 0:
            services.decide_extension(admin if ext.step == "unit_leader" else office, ext,
                                      approve=True, note="同意")
    stuck = [i for i, p in items if p == "stuck" and i.code != "ZD-01"]
    if stuck:
        services.set_manual_light(office, stuck[0], light="yellow",
                                  reason="经现场核查，已开工待补录，暂亮黄灯")
