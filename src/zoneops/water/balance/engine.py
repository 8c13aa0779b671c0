"""The balance engine: from a checked chain to anomaly episodes, highest score first.

At each monitored node the measured hourly load is set against the sum of its nearest
monitored upstream points, each shifted by its travel time (unmonitored junctions are walked
through, adding their travel times). The residual (measured − expected) is judged against
its uncertainty: before a week of history exists, the points' random measurement uncertainty;
afterwards the balance's own usual level and spread over the previous seven days, so a meter's
steady bias is learned and what stands out is a change. A usual level beyond the instruments'
tolerance is itself reported (a steady discharge, or a leak or a meter fault).

Scores share one scale: 5 is a kind's reporting threshold, higher is further past it (for a
balance episode it is the combined z, Σz/√n); data_quality scores 1, below every finding.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone

import numpy as np

from .chain import FLAGS, POLLUTANTS, Chain
from .episodes import DAY, hysteresis_runs, runs, stouffer, trailing_daily
from .explain import Candidate, rank
from .limits import CHAIN_LIMIT, limits_for
from .loads import LOAD_KG_H_PER_L_S_MG_L, Grid, first_complete_hour, hourly, shifted
from .messages import N_, Message, clauses, english, msg, num, percent

REPORT = 5.0

# The explanations (messages.py). One message per wording, so each language words it whole.
BALANCE_WHY = {
    ("unexplained_load", True): N_(
        "%(point)s received %(excess)s kg/h %(pollutant)s more than its upstream point sent "
        "(measured %(measured)s, expected %(expected)s kg/h), %(period)s"),
    ("unexplained_load", False): N_(
        "%(point)s received %(excess)s kg/h %(pollutant)s more than its %(count)s upstream "
        "points sent (measured %(measured)s, expected %(expected)s kg/h), %(period)s"),
    ("missing_load", True): N_(
        "%(point)s received %(excess)s kg/h %(pollutant)s less than its upstream point sent "
        "(measured %(measured)s, expected %(expected)s kg/h), %(period)s"),
    ("missing_load", False): N_(
        "%(point)s received %(excess)s kg/h %(pollutant)s less than its %(count)s upstream "
        "points sent (measured %(measured)s, expected %(expected)s kg/h), %(period)s"),
}
STEADY_WHY = {
    True: N_("%(point)s's %(pollutant)s load has run %(level)s against its upstream point "
             "for the past %(days)s days (instrument tolerance ±%(tolerance)s), %(period)s"),
    False: N_("%(point)s's %(pollutant)s load has run %(level)s against its %(count)s "
              "upstream points for the past %(days)s days (instrument tolerance "
              "±%(tolerance)s), %(period)s"),
}
LIMIT_WHY = {
    False: N_("%(point)s %(pollutant)s up to %(peak)s mg/L (%(mean)s), limit %(limit)s mg/L "
              "(%(label)s), %(period)s"),
    True: N_("%(point)s %(pollutant)s up to %(peak)s mg/L (%(mean)s), limit %(limit)s mg/L "
             "(%(label)s, target class %(target)s), %(period)s"),
}


@dataclass(frozen=True)
class Settings:
    min_coverage: float = 0.75  # share of an hour that must be measured (deployment choice)
    # Per-hour relative standard uncertainty of one point's load while no history exists:
    # flow meters ±5–10 %, COD analysers ±10 %, read as 95 % bounds (2σ): ≈5 % each,
    # √(5 %² + 5 %²) ≈ 7 % for their product.
    random_uncertainty: float = 0.07
    spread_floor: float = 0.02  # the lowest relative spread a learned balance may claim
    # A usual imbalance beyond the instruments' combined tolerance, √(10 %² + 10 %²).
    tolerance: float = 0.14
    hour_z: float = 3.0  # an episode starts at an hour this far out …
    keep_z: float = 2.0  # … and lasts while hours stay this far out
    baseline_days: int = 7
    shock_factor: float = 3.0  # "several times normal" at the plant inlet (deployment choice)
    removal_drop: float = 0.2  # efficiency this far below its usual level (deployment choice)


@dataclass
class Anomaly:
    point: str
    kind: str
    pollutant: str
    start: datetime
    end: datetime
    residual_kg_h: float | None
    score: float
    why: str  # the explanation in English (the CLI's JSON); pages render the message
    candidates: list[Candidate] = field(default_factory=list)
    # The explanation as a message id and its figures (a figure may be a message itself),
    # translated when shown: see messages.py.
    msgid: str = ""
    params: dict = field(default_factory=dict)

    def message(self) -> Message | str:
        """The explanation to render in the reader's language (the plain why if none)."""
        return msg(self.msgid, **self.params) if self.msgid else self.why

    def as_json(self) -> dict:
        return {"point": self.point, "kind": self.kind, "pollutant": self.pollutant,
                "start": self.start.isoformat(), "end": self.end.isoformat(),
                "residual_kg_h": self.residual_kg_h, "score": self.score, "why": self.why}


@dataclass
class Context:
    chain: Chain
    grid: Grid
    settings: Settings
    tz: timezone
    ids: list[str]
    measures: dict[str, np.ndarray]  # pollutant → (points,) the point ever sent its load
    found: list[Anomaly] = field(default_factory=list)

    def when(self, h: int) -> datetime:
        return datetime.fromtimestamp(self.grid.hour_seconds(h), self.tz)

    def period(self, a: int, b: int) -> str:
        start, end = self.when(a), self.when(b)
        if start.date() == end.date() or (b - a <= DAY and end.hour == 0):
            return f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}".replace("–00:00", "–24:00")
        return f"{start:%Y-%m-%d %H:%M} – {end:%Y-%m-%d %H:%M}"

    def add(self, point: int, kind: str, pollutant: str, span: tuple[int, int],
            residual: float | None, score: float, why: Message | str,
            candidates: list[Candidate] | None = None) -> None:
        a, b = span
        msgid, params = (why["msgid"], why["params"]) if isinstance(why, dict) else ("", {})
        if residual is not None and not np.isfinite(residual):
            residual = None
        self.found.append(Anomaly(
            self.ids[point], kind, pollutant, self.when(a), self.when(b),
            None if residual is None else round(float(residual), 3), round(score, 2),
            english(why), candidates or [], msgid, params))

    def gap_reason(self, i: int, pollutant: str, a: int, b: int) -> Message:
        point = self.ids[i]
        if not self.grid.monitored[i]:
            return msg(N_("%(point)s: no monitor"), point=point)
        if not self.measures[pollutant][i]:
            return msg(N_("%(point)s: sends no %(pollutant)s load (flow × concentration)"),
                       point=point, pollutant=pollutant)
        flags = sorted({FLAGS[f] for f in self.grid.bad_flag[i, max(a, 0):b].tolist()
                        if f >= 0})
        if flags:
            return msg(N_("%(point)s: flag %(flags)s"), point=point, flags="/".join(flags))
        return msg(N_("%(point)s: no valid data"), point=point)


def upstream_map(chain: Chain, monitored: np.ndarray
                 ) -> dict[int, tuple[list[tuple[int, float]], list[int]]]:
    """Per point: its nearest monitored upstream points with their total travel minutes, and
    the unmonitored points whose load cannot be known (no monitor and nothing above them, or
    a plant outlet: treatment is not a pipe)."""
    index = chain.index()
    children = defaultdict(list)
    for i, p in enumerate(chain.points):
        if p.downstream is not None:
            children[index[p.downstream]].append(i)

    def walk(n: int, minutes: float, feeds: list, unknown: list) -> None:
        for u in children[n]:
            total = minutes + chain.points[u].travel_minutes
            if monitored[u]:
                feeds.append((u, total))
            elif chain.points[u].kind == "plant_outlet" or not children[u]:
                unknown.append(u)
            else:
                walk(u, total, feeds, unknown)

    result = {}
    for n in range(len(chain.points)):
        feeds: list[tuple[int, float]] = []
        unknown: list[int] = []
        walk(n, 0.0, feeds, unknown)
        result[n] = (feeds, unknown)
    return result


def balance(chain: Chain, settings: Settings | None = None) -> list[Anomaly]:
    """Every anomaly episode in the chain, highest score first."""
    settings = settings or Settings()
    grid = hourly(chain, settings.min_coverage)
    flow_sent = ~np.isnan(chain.values["flow_l_s"])
    measures = {}
    for name, column in POLLUTANTS.items():
        sent = flow_sent & ~np.isnan(chain.values[column])
        measures[name] = np.bincount(chain.point_index, weights=sent,
                                     minlength=len(chain.points)) > 0
    ctx = Context(chain, grid, settings, timezone(chain.utc_offset),
                  [p.id for p in chain.points], measures)
    if grid.hours == 0:
        return []
    ups = upstream_map(chain, grid.monitored)
    for n, point in enumerate(chain.points):
        if not grid.monitored[n]:
            continue
        feeds, unknown = ups[n]
        for pollutant in POLLUTANTS:
            if point.kind == "plant_outlet":
                plant = [(u, t) for u, t in feeds if chain.points[u].kind == "plant_inlet"]
                if plant:
                    _removal(ctx, n, plant[0], pollutant)
            elif feeds or unknown:
                _node_balance(ctx, n, feeds, unknown, pollutant)
            if point.kind == "plant_inlet":
                _shock(ctx, n, pollutant)
        _limits(ctx, n)
    ctx.found.sort(key=lambda a: (-a.score, a.start, a.point, a.kind, a.pollutant))
    return ctx.found


def _node_balance(ctx: Context, n: int, feeds: list[tuple[int, float]], unknown: list[int],
                  pollutant: str) -> None:
    s, grid = ctx.settings, ctx.grid
    if not ctx.measures[pollutant][n]:
        return
    data = grid.pollutants[pollutant]
    lost = list(unknown) + [u for u, _ in feeds if not ctx.measures[pollutant][u]]
    feeds = [(u, t) for u, t in feeds if ctx.measures[pollutant][u]]
    measured = data.load[n]
    expected = np.zeros(grid.hours)
    incomplete = np.zeros(grid.hours, bool)
    expected_low = np.zeros(grid.hours, bool)  # a T (over range) value upstream
    variance = (s.random_uncertainty * np.nan_to_num(measured)) ** 2
    timing = np.zeros(grid.hours)
    first = 0
    for u, minutes in feeds:
        arriving, spread = shifted(data.load[u], minutes)
        low, _ = shifted(data.censored[u].astype(np.float64), minutes)
        first = max(first, first_complete_hour(minutes))
        incomplete |= np.isnan(arriving)
        expected_low |= np.nan_to_num(low) > 0
        expected += np.nan_to_num(arriving)
        variance += (s.random_uncertainty * np.nan_to_num(arriving)) ** 2
        timing += np.nan_to_num(spread) ** 2
    if lost:
        incomplete[:] = True
    inside = np.arange(grid.hours) >= first
    node_ok = ~np.isnan(measured) & inside
    residual = measured - expected
    complete = node_ok & ~incomplete & (expected > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(complete, residual / expected, np.nan)
    usual, spread = trailing_daily(ratio, s.baseline_days, first_hour=_hour_of_day(ctx))
    learned = ~np.isnan(usual)
    sigma = np.where(learned,
                     np.sqrt((np.fmax(np.nan_to_num(spread), s.spread_floor) * expected) ** 2
                             + timing),
                     np.sqrt(variance + timing))
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (residual - np.where(learned, usual * expected, 0.0)) / sigma
    z_up = np.where(node_ok & ~incomplete & ~expected_low, z, np.nan)
    z_down = np.where(node_ok & ~data.censored[n], -z, np.nan)
    count = len(feeds) + len(lost)
    one = count == 1
    for kind, zz, sign in (("unexplained_load", z_up, 1.0), ("missing_load", z_down, -1.0)):
        for a, b in hysteresis_runs(zz, s.hour_z, s.keep_z):
            score = stouffer(zz[a:b])
            if score < REPORT:
                continue
            excess = float(np.nanmean(residual[a:b] - np.where(learned[a:b],
                                                               usual[a:b] * expected[a:b], 0)))
            cands = rank(grid, pollutant, n, feeds, lost, ctx.ids, residual, (a, b), sign)
            parts: list[Message | str] = [msg(
                BALANCE_WHY[kind, one], point=ctx.ids[n], excess=num(abs(excess)),
                pollutant=pollutant, count=str(count),
                measured=num(np.nanmean(measured[a:b])),
                expected=num(np.nanmean(expected[a:b])), period=ctx.period(a, b))]
            if kind == "missing_load":
                parts.append(msg(N_("a leak, a blockage or a meter fault")))
            if cands:
                parts.append(msg(N_("likely: %(candidates)s"),
                                 candidates=clauses([c.message() for c in cands])))
            ctx.add(n, kind, pollutant, (a, b), excess, score, clauses(parts), cands)
    for sign, kind in ((1.0, "unexplained_load"), (-1.0, "missing_load")):
        steady = learned & node_ok & (sign * np.nan_to_num(usual) > s.tolerance)
        for a, b in runs(steady):
            level = float(np.nanmean(usual[a:b]))
            ctx.add(n, kind, pollutant, (a, b),
                    float(np.nanmean(usual[a:b] * expected[a:b])),
                    REPORT * abs(level) / s.tolerance,
                    msg(STEADY_WHY[one], point=ctx.ids[n], pollutant=pollutant,
                        level=percent(level, sign=True), count=str(count),
                        days=str(s.baseline_days), tolerance=percent(s.tolerance),
                        period=ctx.period(a, b)))
    impossible = inside & (~node_ok | incomplete)
    for a, b in runs(impossible):
        reasons = []
        if (~node_ok[a:b]).any():
            reasons.append(ctx.gap_reason(n, pollutant, a, b))
        for u, minutes in feeds:
            back = int(np.ceil(minutes / 60.0))
            if np.isnan(data.load[u, max(a - back, 0):b]).any():
                reasons.append(ctx.gap_reason(u, pollutant, a - back, b))
        reasons += [ctx.gap_reason(u, pollutant, a, b) for u in lost]
        ctx.add(n, "data_quality", pollutant, (a, b), None, 1.0,
                msg(N_("%(pollutant)s balance at %(point)s impossible, %(period)s: "
                       "%(reasons)s"), pollutant=pollutant, point=ctx.ids[n],
                    period=ctx.period(a, b),
                    reasons=clauses(reasons or [msg(N_("upstream data missing"))])))


def _hour_of_day(ctx: Context) -> int:
    return ctx.when(0).hour


def _shock(ctx: Context, n: int, pollutant: str) -> None:
    s, load = ctx.settings, ctx.grid.pollutants[pollutant].load[n]
    usual, _ = trailing_daily(load, s.baseline_days, first_hour=_hour_of_day(ctx))
    with np.errstate(invalid="ignore", divide="ignore"):
        times = load / usual
    z = np.where(usual > 0, REPORT * (times - 1.0) / (s.shock_factor - 1.0), np.nan)
    for a, b in runs(np.nan_to_num(times) >= s.shock_factor):
        ctx.add(n, "shock_load", pollutant, (a, b),
                float(np.nanmean(load[a:b] - usual[a:b])), stouffer(z[a:b]),
                msg(N_("%(point)s received %(times)s× its usual %(pollutant)s load (%(load)s "
                       "against %(usual)s kg/h, median of the previous %(days)s days), "
                       "%(period)s"), point=ctx.ids[n], times=num(np.nanmax(times[a:b])),
                    pollutant=pollutant, load=num(np.nanmean(load[a:b])),
                    usual=num(np.nanmean(usual[a:b])), days=str(s.baseline_days),
                    period=ctx.period(a, b)))


def _removal(ctx: Context, n: int, inlet: tuple[int, float], pollutant: str) -> None:
    s, grid = ctx.settings, ctx.grid
    if not (ctx.measures[pollutant][n] and ctx.measures[pollutant][inlet[0]]):
        return
    data = grid.pollutants[pollutant]
    out = data.load[n]
    arriving, _ = shifted(data.load[inlet[0]], inlet[1])
    inside = np.arange(grid.hours) >= first_complete_hour(inlet[1])
    with np.errstate(invalid="ignore", divide="ignore"):
        removed = np.where(arriving > 0, 1.0 - out / arriving, np.nan)
    usual, _ = trailing_daily(removed, s.baseline_days, first_hour=_hour_of_day(ctx))
    drop = usual - removed
    z = REPORT * drop / s.removal_drop
    for a, b in runs(np.nan_to_num(drop) >= s.removal_drop):
        extra = float(np.nanmean(out[a:b] - arriving[a:b] * (1.0 - usual[a:b])))
        ctx.add(n, "removal_drop", pollutant, (a, b), extra, stouffer(z[a:b]),
                msg(N_("the plant removed %(removed)s of its %(pollutant)s instead of its "
                       "usual %(usual)s (%(extra)s kg/h more left through %(point)s), "
                       "%(period)s"), removed=percent(np.nanmean(removed[a:b])),
                    pollutant=pollutant, usual=percent(np.nanmean(usual[a:b])),
                    extra=num(extra), point=ctx.ids[n], period=ctx.period(a, b)))
    for a, b in runs(inside & np.isnan(removed)):
        reasons = [ctx.gap_reason(i, pollutant, a, b) for i, series in
                   ((n, out), (inlet[0], arriving)) if np.isnan(series[a:b]).any()]
        ctx.add(n, "data_quality", pollutant, (a, b), None, 1.0,
                msg(N_("%(pollutant)s removal at %(point)s unknown, %(period)s: %(reasons)s"),
                    pollutant=pollutant, point=ctx.ids[n], period=ctx.period(a, b),
                    reasons=clauses(reasons or [msg(N_("no inlet load"))])))


def _limits(ctx: Context, n: int) -> None:
    grid = ctx.grid
    for pollutant, limit in limits_for(ctx.chain.points[n]).items():
        data = grid.pollutants[pollutant]
        conc, flow = data.conc[n], data.flow[n]
        if limit.averaging == "day":
            conc, flow = _daily(ctx, data.load[n], flow, conc)
        over = np.nan_to_num(conc) > limit.value_mg_l
        z = REPORT * conc / limit.value_mg_l
        step = DAY if limit.averaging == "day" else 1
        for a, b in runs(over):
            excess = (conc[a:b] - limit.value_mg_l) * flow[a:b] * LOAD_KG_H_PER_L_S_MG_L
            residual = float(np.nanmean(excess)) if np.isfinite(excess).any() else None
            target = ctx.chain.points[n].target_class
            mean = msg(N_("daily mean") if step == DAY else N_("hourly mean"))
            label = (msg(limit.label) if limit.label == CHAIN_LIMIT else
                     {"zh-hans": limit.name or limit.label, "en": limit.label})
            ctx.add(n, "limit_exceeded", pollutant, (a, b), residual,
                    stouffer(z[a:b][::step]),
                    msg(LIMIT_WHY[bool(target)], point=ctx.ids[n], pollutant=pollutant,
                        peak=num(np.nanmax(conc[a:b])), mean=mean,
                        limit=num(limit.value_mg_l), label=label, target=target or "",
                        period=ctx.period(a, b)))


def _daily(ctx: Context, load: np.ndarray, flow: np.ndarray, conc: np.ndarray
           ) -> tuple[np.ndarray, np.ndarray]:
    """Calendar-day (local) flow-weighted concentration and mean flow, spread over the day's
    hours; a day with less than the minimum coverage of its hours is a gap."""
    first = _hour_of_day(ctx)
    n = len(load)
    day = (np.arange(n) + first) // DAY
    days = int(day[-1]) + 1
    has_load = ~np.isnan(load)
    hours_in = np.bincount(day, minlength=days)
    sum_load = np.bincount(day, weights=np.nan_to_num(load), minlength=days)
    sum_flow = np.bincount(day, weights=np.where(has_load, flow, 0.0), minlength=days)
    n_load = np.bincount(day, weights=has_load, minlength=days)
    has_conc = ~np.isnan(conc)
    n_conc = np.bincount(day, weights=has_conc, minlength=days)
    sum_conc = np.bincount(day, weights=np.nan_to_num(conc), minlength=days)
    need = ctx.settings.min_coverage * hours_in
    with np.errstate(invalid="ignore", divide="ignore"):
        weighted = sum_load / (sum_flow * LOAD_KG_H_PER_L_S_MG_L)
        mean_conc = np.where(n_load >= need, weighted,
                             np.where(n_conc >= need, sum_conc / n_conc, np.nan))
        mean_flow = np.where(n_load >= need, sum_flow / n_load, np.nan)
    return mean_conc[day], mean_flow[day]
