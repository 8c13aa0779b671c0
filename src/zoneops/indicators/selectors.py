"""Reads the pages, the API and the checks share."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from zoneops.core.models import User

from . import derived, permissions
from .models import Indicator, PeerValue, Submission, Target, Value


def indicators(user: User) -> QuerySet[Indicator]:
    if not permissions.can_view_indicators(user):
        return Indicator.objects.none()
    return Indicator.objects.filter(is_active=True).select_related("owner_unit")


def year_values(indicator: Indicator, year: int) -> dict[int, Value]:
    return {v.month: v for v in Value.objects.filter(indicator=indicator, year=year)}


def period_label(last: int, *, first: int | None = None) -> str:
    """A month ("3月"), or the months from `first` to `last` ("1–5月"), in the reader's
    language (the bureau's 1–N月 periods)."""
    if first is None or first == last:
        return _("Month %(month)s") % {"month": last}
    return _("Months %(first)s–%(last)s") % {"first": first, "last": last}


def single_months(indicator: Indicator, year: int) -> list[derived.SingleMonth]:
    """Single months of a cumulative indicator (falls flagged); empty for point indicators."""
    if indicator.accumulation != Indicator.Accumulation.CUMULATIVE:
        return []
    levels = {m: v.level for m, v in year_values(indicator, year).items()}
    # derived (pure) labels months in Chinese; the pages show them in the reader's language.
    return [replace(m, label=period_label(m.month, first=1 if m.month == 2 and levels.get(1)
                                          is None else None))
            for m in derived.single_months(levels)]


def progress(indicator: Indicator, year: int) -> derived.Progress | None:
    """时序进度 of the latest cumulative value against the year's target level, if both exist."""
    target = Target.objects.filter(indicator=indicator, year=year).first()
    latest = (Value.objects.filter(indicator=indicator, year=year, level__isnull=False)
              .order_by("-month").first())
    if (target is None or target.value is None or latest is None
            or indicator.accumulation != Indicator.Accumulation.CUMULATIVE):
        return None
    return derived.schedule_progress(latest.level, target.value, latest.month)


@dataclass(frozen=True)
class Row:
    indicator: Indicator
    latest: Value | None
    label: str  # "1–N月" of the latest value, or its month
    progress: derived.Progress | None
    level_rate: float | None  # from this year's and last year's levels, beside the official one
    rate_flagged: bool
    falls: list[str]  # months where the cumulative series went down


@cache
def _checks() -> dict:
    with (Path(__file__).with_name("data") / "checks.json").open(encoding="utf-8") as source:
        return json.load(source)


def overview(user: User, year: int) -> list[Row]:
    """One row per indicator the user may see: the latest value of `year` with its checks."""
    rows = []
    threshold = _checks()["rate_gap_pp"]["value"]
    for indicator in indicators(user):
        values = year_values(indicator, year)
        latest = values[max(values)] if values else None
        level_rate, flagged = None, False
        if latest is not None and latest.level is not None:
            last = Value.objects.filter(indicator=indicator, year=year - 1, month=latest.month,
                                        level__gt=0).first()
            if last is not None:
                if latest.official_rate_pct is not None:
                    gap = derived.rate_gap(latest.official_rate_pct, latest.level, last.level,
                                           threshold)
                    level_rate, flagged = gap.from_levels_pct, gap.flagged
                else:
                    level_rate = round(derived.level_rate(latest.level, last.level), 2)
        cumulative = indicator.accumulation == Indicator.Accumulation.CUMULATIVE
        label = ""
        if latest is not None:
            label = period_label(latest.month, first=1 if cumulative else None)
        rows.append(Row(indicator, latest, label, progress(indicator, year), level_rate, flagged,
                        [m.label for m in single_months(indicator, year) if m.falls]))
    return rows


def trends(user: User, year: int, *, limit: int = 4) -> list[dict]:
    """Single months this year against last year for the first cumulative indicators, as
    the leader's screen charts them (values in the indicator's unit; None where unknown)."""
    out = []
    for indicator in indicators(user):
        if indicator.accumulation != Indicator.Accumulation.CUMULATIVE:
            continue
        series = {}
        for y in (year - 1, year):
            months = {m.month: m.value for m in single_months(indicator, y)}
            series[y] = [None if months.get(m) is None else float(months[m])
                         for m in range(2, 13)]
        out.append({"name": f"{indicator.name}（{indicator.unit}）",
                    "labels": [period_label(2, first=1),
                               *[period_label(m) for m in range(3, 13)]],
                    "last": series[year - 1], "this": series[year],
                    "last_label": str(year - 1), "this_label": str(year)})
        if len(out) == limit:
            break
    return out


@dataclass(frozen=True)
class TwoYearAverage:
    year: int
    month: int
    from_rates: float | None  # √((1+r1)(1+r2)) − 1 of the two official rates (same firms)
    from_levels: float | None  # (level / level two years before)^(1/2) − 1


def two_year_average(indicator: Indicator, year: int) -> TwoYearAverage | None:
    """两年平均增长 of the latest period of `year`, for an indicator the bureau reports that
    way (Indicator.uses_two_year_average); None otherwise or when nothing can be computed."""
    if not indicator.uses_two_year_average:
        return None
    latest = Value.objects.filter(indicator=indicator, year=year).order_by("-month").first()
    if latest is None:
        return None
    month = latest.month
    last = Value.objects.filter(indicator=indicator, year=year - 1, month=month).first()
    before = Value.objects.filter(indicator=indicator, year=year - 2, month=month,
                                  level__gt=0).first()
    from_rates = from_levels = None
    if (latest.official_rate_pct is not None and last is not None
            and last.official_rate_pct is not None):
        from_rates = round(derived.two_year_average_growth(last.official_rate_pct,
                                                           latest.official_rate_pct), 2)
    if latest.level is not None and before is not None:
        from_levels = round(derived.two_year_average_from_levels(latest.level, before.level), 2)
    if from_rates is None and from_levels is None:
        return None
    return TwoYearAverage(year, month, from_rates, from_levels)


OUR_ZONE = ""  # our zone's key among the peers' names (a peer is never named "")


@dataclass(frozen=True)
class PeerRank:
    month: int
    rank: int
    of: int  # zones ranked, ours included
    rate_pct: float
    peers: list[tuple[str, float]]  # (peer, official rate), best first


def peer_rank(indicator: Indicator, year: int) -> PeerRank | None:
    """Our zone's rank by official year-on-year rate among the peers imported for the same
    period: the latest month of `year` that has both our official rate and a peer's."""
    ours = {v.month: v.official_rate_pct for v in Value.objects.filter(
        indicator=indicator, year=year, official_rate_pct__isnull=False)}
    peers = PeerValue.objects.filter(indicator=indicator, year=year, month__in=list(ours),
                                     official_rate_pct__isnull=False)
    months = sorted(set(peers.values_list("month", flat=True)), reverse=True)
    if not months:
        return None
    month = months[0]
    rates = {p.peer: p.official_rate_pct for p in peers.filter(month=month)}
    rates[OUR_ZONE] = ours[month]
    rank = derived.rank_among(rates, OUR_ZONE)
    listed = sorted(((p, float(r)) for p, r in rates.items() if p != OUR_ZONE),
                    key=lambda pr: -pr[1])
    return PeerRank(month, rank, len(rates), float(ours[month]), listed)


def peer_ranks(user: User, year: int) -> dict[int, PeerRank]:
    """Indicator id → our rank among peers, for the indicators the person may see."""
    return {i.pk: r for i in indicators(user) if (r := peer_rank(i, year)) is not None}
def submission_flags(submission: Submission) -> list[str]:
    """The bureau import's consistency checks on a submission's figures, against what is
    stored now (the reviewer sees them before approving; they do not block)."""
    from .bureau_import import BureauPlan, PlannedValue, check

    planned = PlannedValue(submission.indicator, 0, submission.level,
                           submission.official_rate_pct)
    check(BureauPlan("", submission.year, submission.month, [planned], [], []))
    return planned.flags


def review_queue(user: User) -> list[tuple[Submission, list[str]]]:
    """Entries waiting for the office, oldest first, each with its flags."""
    if not permissions.can_review_submissions(user):
        return []
    waiting = (Submission.objects.filter(status=Submission.Status.SUBMITTED)
               .select_related("indicator", "indicator__owner_unit", "submitted_by")
               .order_by("submitted_at"))
    return [(s, submission_flags(s)) for s in waiting]


def my_submissions(user: User, indicator: Indicator | None = None) -> QuerySet[Submission]:
    """What a person has submitted, newest first (returned ones with the office's comment)."""
    found = Submission.objects.filter(submitted_by=user).select_related("indicator", "reviewer")
    return found.filter(indicator=indicator) if indicator is not None else found
