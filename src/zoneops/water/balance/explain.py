"""Which upstream point or unmonitored segment could explain a node's balance episode: the
lagged correlation of each monitored upstream point's load (and conductivity, when sent)
with the node's residual around the episode. A point that moved with the residual ranks
high (its connection or its meter); when none did, the unmonitored pipe between them and
the node is the likeliest place."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .loads import Grid, shifted
from .messages import N_, Message, clauses, english, listing, msg

CONTEXT_HOURS = 24
MIN_OVERLAP = 6


@dataclass(frozen=True)
class Candidate:
    place: Message | str  # a point id, or "between S1, S2 and N2"
    kind: str  # point | segment
    score: float  # 0 … 1
    evidence: Message | str

    @property
    def name(self) -> str:
        return english(self.place)

    def message(self) -> Message:
        return msg(N_("%(place)s (%(evidence)s)"), place=self.place, evidence=self.evidence)


def _r(r: float) -> str:
    return f"{r:.2f}"


def correlation(a: np.ndarray, b: np.ndarray) -> float:
    ok = np.isfinite(a) & np.isfinite(b)
    if ok.sum() < MIN_OVERLAP:
        return float("nan")
    a, b = a[ok], b[ok]
    if a.std() == 0 or b.std() == 0:
        return float("nan")
    return float(np.corrcoef(a, b)[0, 1])


def _best_lag(target: np.ndarray, series: np.ndarray, minutes: float,
              lo: int, hi: int) -> tuple[float, int]:
    best, best_lag = float("nan"), 0
    centre = int(round(minutes / 60.0))
    for lag in range(max(0, centre - 1), centre + 3):
        r = correlation(target, shifted(series, lag * 60.0)[0][lo:hi])
        if np.isfinite(r) and not (r <= best):
            best, best_lag = r, lag
    return best, best_lag


def rank(grid: Grid, pollutant: str, node: int, feeds: list[tuple[int, float]],
         unmonitored: list[int], ids: list[str], residual: np.ndarray,
         span: tuple[int, int], sign: float, keep: int = 3) -> list[Candidate]:
    lo = max(0, span[0] - CONTEXT_HOURS)
    hi = min(grid.hours, span[1] + CONTEXT_HOURS)
    target = sign * residual[lo:hi]
    load = grid.pollutants[pollutant].load
    found = []
    for u, minutes in feeds:
        r_load, lag = _best_lag(target, load[u], minutes, lo, hi)
        r_cond, lag_c = _best_lag(target, grid.conductivity[u], minutes, lo, hi)
        if not (np.isfinite(r_load) or np.isfinite(r_cond)):
            continue
        load_first = np.isfinite(r_load) and not r_load <= r_cond  # a tie: conductivity
        r = r_load if load_first else r_cond
        if load_first:
            evidence: Message = msg(N_("%(pollutant)s load r=%(r)s at %(lag)s h"),
                                    pollutant=pollutant, r=_r(r_load), lag=str(lag))
            if np.isfinite(r_cond):
                evidence = msg(N_("%(load)s, conductivity r=%(r)s"), load=evidence,
                               r=_r(r_cond))
        else:
            evidence = msg(N_("conductivity r=%(r)s at %(lag)s h"), r=_r(r_cond),
                           lag=str(lag_c))
        found.append(Candidate(ids[u], "point", round(max(r, 0.0), 2), evidence))
    best_point = max((c.score for c in found), default=0.0)
    names = [ids[u] for u, _ in feeds] + [ids[u] for u in unmonitored]
    said: list[Message | str] = [msg(N_("no monitored upstream point moved with it"))]
    if best_point >= 0.5:
        said = [msg(N_("some upstream points moved with it"))]
    if unmonitored:
        said.append(msg(N_("unmonitored: %(points)s"),
                        points=listing([ids[u] for u in unmonitored])))
    r_node = correlation(target, grid.conductivity[node][lo:hi])
    if np.isfinite(r_node):
        said.append(msg(N_("conductivity at %(point)s r=%(r)s"), point=ids[node],
                        r=_r(r_node)))
    where = (msg(N_("between %(points)s"), points=listing([*names, ids[node]])) if names
             else msg(N_("at %(point)s"), point=ids[node]))
    found.append(Candidate(where, "segment", round(max(1.0 - best_point, 0.0), 2),
                           clauses(said)))
    found.sort(key=lambda c: -c.score)
    return found[:keep]
