"""Unit ranking (晾晒). Pure: counts per bucket in, scores and ranks out.

Score = share of a unit's items that are done, ahead or on schedule (in %, one decimal).
Equal scores share a rank (并列, "1, 1, 3"); among them the order is by more items done, then
by name, so it is stable."""

from __future__ import annotations

from dataclasses import dataclass

BUCKETS = ("done", "ahead", "on_schedule", "behind")


@dataclass(frozen=True)
class UnitStanding:
    unit_id: int
    name: str
    total: int
    done: int
    ahead: int
    on_schedule: int
    behind: int
    score: float
    rank: int
    previous_rank: int | None = None
    tied: bool = False  # another unit has the same score (并列)

    @property
    def change(self) -> int | None:
        """Places gained since the previous month (positive = moved up)."""
        return None if self.previous_rank is None else self.previous_rank - self.rank


def rank_units(counts: dict[tuple[int, str], dict[str, int]],
               previous: dict[int, int] | None = None) -> list[UnitStanding]:
    """counts: (unit id, name) → {bucket: n}; previous: unit id → last month's rank."""
    rows = []
    for (unit_id, name), by_bucket in counts.items():
        n = {b: int(by_bucket.get(b, 0)) for b in BUCKETS}
        total = sum(n.values())
        if not total:
            continue
        score = round(100 * (total - n["behind"]) / total, 1)
        rows.append((unit_id, name, total, n, score))
    rows.sort(key=lambda r: (-r[4], -r[3]["done"], r[1]))
    previous = previous or {}
    scores = [r[4] for r in rows]
    out = []
    for unit_id, name, total, n, score in rows:
        rank = scores.index(score) + 1  # the first place with this score
        out.append(UnitStanding(unit_id, name, total, n["done"], n["ahead"], n["on_schedule"],
                                n["behind"], score, rank, previous.get(unit_id),
                                tied=scores.count(score) > 1))
    return out
