"""The light rule engine (亮灯), progress buckets, reminders and notice escalation. Pure: a
function of the item's facts, the rule configuration and "today"; imports nothing from Django.

Practice varies between places, so every rule can be switched off or tuned (LightConfig, loaded
from data/light_rules.json) and every result says which rule fired and on what inputs.
Severity: red > yellow > blue > green; among equal results the first rule in `rules` wins.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

GREEN, BLUE, YELLOW, RED = "green", "blue", "yellow", "red"
SEVERITY = {GREEN: 0, BLUE: 1, YELLOW: 2, RED: 3}
DONE, AHEAD, ON_SCHEDULE, BEHIND = "done", "ahead", "on_schedule", "behind"
RULES = ("plan_vs_actual", "deadline_proximity", "late_catch_up", "notices")


@dataclass(frozen=True)
class LightConfig:
    rules: tuple[str, ...] = RULES
    yellow_days: int = 3         # deadline proximity: yellow within N days of a node due date
    catch_up_days: int = 30      # late catch-up: yellow for N days after a late completion
    remind_days_before: int = 3  # reminders and blue notices N days before a node is due
    red_notice_repeat_days: int = 7  # a new red notice every N days while overdue

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LightConfig:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        unknown = set(data) - set(known) - {"source", "comment"}
        if unknown:
            raise ValueError(f"unknown light settings: {', '.join(sorted(unknown))}")
        if "rules" in known:
            bad = set(known["rules"]) - set(RULES)
            if bad:
                raise ValueError(f"unknown light rules: {', '.join(sorted(bad))}")
            known["rules"] = tuple(known["rules"])
        for name, value in known.items():
            if name != "rules" and (not isinstance(value, int) or value < 0):
                raise ValueError(f"{name} must be a whole number ≥ 0")
        return cls(**known)


@dataclass(frozen=True)
class NodeFact:
    seq: int
    planned: date
    actual: date | None = None


@dataclass(frozen=True)
class NoticeFact:
    level: str
    issued_on: date
    node_seq: int | None = None


@dataclass(frozen=True)
class LightResult:
    light: str
    rule: str
    reason: str                   # a key of services.REASONS (worded and translated there)
    params: dict[str, Any] = field(default_factory=dict)
    inputs: dict[str, Any] = field(default_factory=dict)


# Reasons are keys (done, manual, node_overdue, node_due_soon, caught_up_late, notice,
# on_track) with parameters; the Django side (services.REASONS) words them in each language.


def _inputs(today: date, nodes: Sequence[NodeFact], done: bool, manual: tuple[str, str] | None,
            notices: Sequence[NoticeFact], config: LightConfig) -> dict[str, Any]:
    return {
        "today": today.isoformat(), "done": done,
        "nodes": [{"seq": n.seq, "planned": n.planned.isoformat(),
                   "actual": n.actual.isoformat() if n.actual else None} for n in nodes],
        "manual": list(manual) if manual else None,
        "notices": [{"level": n.level, "issued_on": n.issued_on.isoformat(),
                     "node": n.node_seq} for n in notices],
        "config": {k: list(v) if isinstance(v, tuple) else v
                   for k, v in asdict(config).items()},
    }


def _candidates(today: date, nodes: Sequence[NodeFact], notices: Sequence[NoticeFact],
                config: LightConfig) -> list[tuple[str, str, str, dict[str, Any]]]:
    found: list[tuple[str, str, str, dict[str, Any]]] = []
    open_nodes = [n for n in nodes if n.actual is None]
    open_seqs = {n.seq for n in open_nodes}
    for rule in config.rules:
        if rule in ("plan_vs_actual", "deadline_proximity"):
            # Both rules turn an overdue node red; only proximity warns before the date.
            for n in sorted(open_nodes, key=lambda n: n.planned):
                days = (n.planned - today).days
                # `on` dates the count, so a sentence written from it stays true later.
                params = {"seq": n.seq, "planned": n.planned.isoformat(), "days": abs(days),
                          "on": today.isoformat()}
                if days < 0:
                    found.append((RED, rule, "node_overdue", params))
                    break
                if rule == "deadline_proximity" and days <= config.yellow_days:
                    found.append((YELLOW, rule, "node_due_soon", params))
                    break
        elif rule == "late_catch_up":
            late = [n for n in nodes if n.actual and n.actual > n.planned
                    and 0 <= (today - n.actual).days <= config.catch_up_days]
            if late:
                n = max(late, key=lambda n: n.actual)
                found.append((YELLOW, rule, "caught_up_late", {
                    "seq": n.seq, "planned": n.planned.isoformat(),
                    "actual": n.actual.isoformat()}))
        elif rule == "notices":
            live = [n for n in notices if n.node_seq is None or n.node_seq in open_seqs]
            if live:
                n = max(live, key=lambda n: (SEVERITY[n.level], n.issued_on))
                found.append((n.level, rule, "notice", {
                    "level": n.level, "issued": n.issued_on.isoformat()}))
    return found


def evaluate(today: date, nodes: Sequence[NodeFact], *, done: bool = False,
             manual: tuple[str, str] | None = None, notices: Sequence[NoticeFact] = (),
             config: LightConfig = LightConfig()) -> LightResult:
    """The item's light now. `manual` is (light, reason) set by the office."""
    inputs = _inputs(today, nodes, done, manual, notices, config)
    if done:
        return LightResult(GREEN, "done", "done", {}, inputs)
    if manual:
        light, reason = manual
        if light not in SEVERITY:
            raise ValueError(f"unknown light {light}")
        if not reason.strip():
            raise ValueError("a manual light needs a reason")
        return LightResult(light, "manual", "manual", {"reason": reason}, inputs)
    best: tuple[str, str, str, dict[str, Any]] | None = None
    for candidate in _candidates(today, nodes, notices, config):
        if best is None or SEVERITY[candidate[0]] > SEVERITY[best[0]]:
            best = candidate
    if best is None:
        return LightResult(GREEN, "plan_vs_actual", "on_track", {}, inputs)
    light, rule, reason, params = best
    return LightResult(light, rule, reason, params, inputs)


def bucket(today: date, nodes: Sequence[NodeFact], done: bool = False) -> str:
    """已完成 / 超进度 / 达进度 / 欠进度 against the nodes due by today (序时进度)."""
    if done:
        return DONE
    due = [n for n in nodes if n.planned < today]  # due today is not late yet
    if any(n.actual is None or n.actual > today for n in due):
        return BEHIND
    if any(n.actual is not None and n.planned > today for n in nodes):
        return AHEAD
    return ON_SCHEDULE


def reminder_for(today: date, node: NodeFact, config: LightConfig = LightConfig()
                 ) -> tuple[str, date] | None:
    """Which reminder (kind, key date) a node wants today, if any. The key date makes each
    reminder unique: 'before' once per due date, 'due' once, 'overdue' once per day."""
    if node.actual is not None:
        return None
    days = (node.planned - today).days
    if 0 < days <= config.remind_days_before:
        return "before", node.planned
    if days == 0:
        return "due", node.planned
    if days < 0:
        return "overdue", today
    return None


def notice_to_issue(today: date, node: NodeFact, issued: Sequence[NoticeFact],
                    config: LightConfig = LightConfig()) -> str | None:
    """The escalating supervision notice a node needs today: blue before it is due, yellow on
    the day, red once overdue and again every `red_notice_repeat_days` until it is met."""
    if node.actual is not None:
        return None
    days = (node.planned - today).days
    levels = {n.level for n in issued}
    if days < 0:
        reds = [n.issued_on for n in issued if n.level == RED]
        if not reds or (today - max(reds)).days >= config.red_notice_repeat_days:
            return RED
        return None
    if days == 0:
        return YELLOW if YELLOW not in levels and RED not in levels else None
    if days <= config.remind_days_before:
        return BLUE if not levels else None
    return None
