"""Which upstream point or unmonitored segment could explain a node's balance episode: the
lagged correlation of each monitored upstream point's load (and conductivity, when sent)
with the node's residual around the episode. A point that moved with the residual ranks
high (its connection or its meter); when none did, the unmonitored pipe between them and
the node is the likeliest place."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .loads import Grid, shifted

CONTEXT_HOURS = 24
MIN_OVERLAP = 6


@dataclass(frozen=True)
class Candidate:
    name: str  # a point id, or "between S1, S2 and N2"
    kind: str  # point | segment
    score: float  # 0 … 1
    evidence: str


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
        scored = [(r, f"{pollutant} load r={r:.2f} at {lg} h") for r, lg in
                  ((r_load, lag), (r_cond, lag_c)) if np.isfinite(r)]
        if not scored:
            continue
        r, evidence = max(scored)
        if np.isfinite(r_cond) and evidence.startswith(pollutant):
            evidence += f", conductivity r={r_cond:.2f}"
        elif np.isfinite(r_cond):
            evidence = f"conductivity r={r_cond:.2f} at {lag_c} h"
        found.append(Candidate(ids[u], "point", round(max(r, 0.0), 2), evidence))
    best_point = max((c.score for c in found), default=0.0)
    names = [ids[u] for u, _ in feeds] + [ids[u] for u in unmonitored]
    evidence = "no monitored upstream point moved with it"
    if best_point >= 0.5:
        evidence = "some upstream points moved with it"
    if unmonitored:
        evidence += f"; unmonitored: {', '.join(ids[u] for u in unmonitored)}"
    r_node = correlation(target, grid.conductivity[node][lo:hi])
    if np.isfinite(r_node):
        evidence += f"; conductivity at {ids[node]} r={r_node:.2f}"
    where = f"between {', '.join(names)} and {ids[node]}" if names else f"at {ids[node]}"
    found.append(Candidate(where, "segment", round(max(1.0 - best_point, 0.0), 2), evidence))
    found.sort(key=lambda c: -c.score)
    return found[:keep]
