"""Figures derived from published monthly values (pure: no Django).

The statistics bureau publishes cumulative 1–N月 values (January and February together as
1–2月) with its own year-on-year rate. From them we derive single months, 时序进度 and ranks,
and we flag what does not add up; we never overwrite a published rate with one derived from
levels (the bureau's rate is computed on the same set of firms and a restated base).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

Number = Decimal | int | float


@dataclass(frozen=True)
class SingleMonth:
    month: int
    label: str  # "1–2月" when January and February come together, else "3月", …
    value: Decimal | None  # None when a neighbouring cumulative value is missing
    falls: bool = False  # the cumulative series went down: a value to query with its owner


def single_months(cumulative: Mapping[int, Number | None]) -> list[SingleMonth]:
    """Single months from cumulative values keyed by month (1–12): month N = cum(N) − cum(N−1).
    February without a January value is 1–2月 as a whole. A fall in the cumulative series is
    flagged (falls=True), not hidden: it is usually a restatement or a typing slip."""
    months = sorted(m for m in cumulative if cumulative[m] is not None)
    for m in months:
        if not 1 <= m <= 12:
            raise ValueError(f"month out of 1–12: {m}")
    result: list[SingleMonth] = []
    for m in months:
        value = Decimal(str(cumulative[m]))
        if m == 1:
            result.append(SingleMonth(1, "1月", value))
            continue
        before = cumulative.get(m - 1)
        if m == 2 and before is None:
            result.append(SingleMonth(2, "1–2月", value))
            continue
        if before is None:
            result.append(SingleMonth(m, f"{m}月", None))
            continue
        single = value - Decimal(str(before))
        result.append(SingleMonth(m, f"{m}月", single, falls=single < 0))
    return result


@dataclass(frozen=True)
class Progress:
    done_pct: float  # cumulative value as a share of the annual target
    time_pct: float  # share of the year gone
    gap_pp: float  # done − time, percentage points; ≥ 0 is "时间过半、任务过半" or better
    on_track: bool


def schedule_progress(cumulative: Number, target: Number, month: int) -> Progress:
    """时序进度 after month N (1–12): the share of the annual target reached against the
    share of the year gone (N/12)."""
    if not 1 <= month <= 12:
        raise ValueError(f"month out of 1–12: {month}")
    if Decimal(str(target)) <= 0:
        raise ValueError("target must be positive")
    done = float(Decimal(str(cumulative)) / Decimal(str(target)) * 100)
    gone = month / 12 * 100
    return Progress(round(done, 1), round(gone, 1), round(done - gone, 1), done >= gone)


def target_missed(cumulative: Number, target: Number, month: int) -> bool:
    """A cumulative annual target is missed once December's cumulative value is below it."""
    return month == 12 and Decimal(str(cumulative)) < Decimal(str(target))


def two_year_average_growth(first_pct: Number, second_pct: Number) -> float:
    """两年平均增长: the geometric mean of two yearly rates, √((1+r1)(1+r2)) − 1, in %."""
    product = (1 + float(first_pct) / 100) * (1 + float(second_pct) / 100)
    if product < 0:
        raise ValueError("the two rates fall by more than everything")
    return (product ** 0.5 - 1) * 100


def two_year_average_from_levels(level: Number, level_two_years_before: Number) -> float:
    """两年平均增长 from the levels of the same period two years apart, in %: the compound rate
    over two steps, (end/start)^(1/2) − 1, which is √((1+r1)(1+r2)) − 1 for the two yearly
    rates (reference/indicators.md: "年均增长 over n years is the compound rate
    (end/start)^(1/n) − 1", here n = 2)."""
    start = Decimal(str(level_two_years_before))
    if start <= 0:
        raise ValueError("the level two years before must be positive")
    return (float(Decimal(str(level)) / start) ** 0.5 - 1) * 100


def level_rate(level: Number, level_last_year: Number) -> float:
    """Year-on-year growth from two published levels, in % (to show beside the official rate,
    never in its place)."""
    last = Decimal(str(level_last_year))
    if last <= 0:
        raise ValueError("last year's level must be positive")
    return float((Decimal(str(level)) / last - 1) * 100)


@dataclass(frozen=True)
class RateGap:
    official_pct: float
    from_levels_pct: float
    gap_pp: float
    flagged: bool


def rate_gap(official_pct: Number, level: Number, level_last_year: Number,
             threshold_pp: float) -> RateGap:
    """The official rate against the rate from levels; flagged when they differ by more than
    `threshold_pp` (a deployment's choice: some gap is normal, see the module docstring)."""
    derived = level_rate(level, level_last_year)
    gap = float(official_pct) - derived
    return RateGap(float(official_pct), round(derived, 2), round(gap, 2),
                   abs(gap) > threshold_pp)


def rank_among(values: Mapping[str, Number | None], who: str, *,
               higher_is_better: bool = True) -> int | None:
    """Competition rank ("1224") of `who` among peers; None when `who` has no value."""
    mine = values.get(who)
    if mine is None:
        return None
    mine_d = Decimal(str(mine))
    others = [Decimal(str(v)) for v in values.values() if v is not None]
    better = sum(1 for v in others if (v > mine_d if higher_is_better else v < mine_d))
    return better + 1
