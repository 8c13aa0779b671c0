"""Running one trace: evidence -> inversion -> result and suspects written on the trace.

Only the worker calls this (never the gateway: an inversion takes up to a second or two).
Suspects keep their row (and a duty officer's decision) from run to run; their rank,
probability and rate follow the newest run."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from zoneops.dispersion.model import resolve_met
from zoneops.dispersion.schema import read_met

from . import evidence as ev
from .models import OdourReport, Suspect, Trace
from .rank import fan_half_angle, rank, upwind_fan

TOP_SUSPECTS = 5
AVERAGING_TIME_S = 60.0  # the evidence is minute data


def compute(evidence: ev.Evidence) -> dict:
    """The pure part: the ranking of the evidence's candidates, as JSON-able data."""
    met = {k: v for k, v in evidence.met.items() if k not in ("masts", "wind_samples")}
    model = resolve_met(read_met({"met": met}), AVERAGING_TIME_S)
    ranked = rank(model, evidence.candidate_xyh, observations=evidence.observations,
                  odour=evidence.odour)
    proj = evidence.projection
    lon, lat = proj.to_lonlat(ranked.x_m, ranked.y_m)
    half = fan_half_angle(met.get("sigma_theta_deg"))
    fan = [proj.to_lonlat(x, y) for x, y in upwind_fan(*evidence.origin_xy,
                                                        met["wind_from_deg"], half)]
    top = []
    for k in ranked.order[:TOP_SUSPECTS]:
        top.append({"index": k, "probability": float(ranked.probability[k]),
                    "rate": ranked.rates[k]})
    by_enterprise: dict[int, float] = {}
    for point, p in zip(evidence.candidates, ranked.probability, strict=True):
        by_enterprise[point.enterprise_id] = by_enterprise.get(point.enterprise_id, 0.0) + float(p)
    names = {point.enterprise_id: point.enterprise.name for point in evidence.candidates}
    enterprises = [{"id": pk, "name": names[pk], "probability": p}
                   for pk, p in sorted(by_enterprise.items(), key=lambda kv: -kv[1])[:TOP_SUSPECTS]]
    return {
        "region": {"lat": lat, "lon": lon, "radius_90_m": ranked.radius_90_m},
        "enterprises": enterprises,
        "fan": [[la, lo] for lo, la in fan], "fan_half_angle_deg": half,
        "origin": list(reversed(proj.to_lonlat(*evidence.origin_xy))),
        "met": {**evidence.met, "stability": model.stability,
                "stability_method": model.stability_method},
        "warnings": ranked.warnings, "top": top,
    }


def run(trace: Trace, *, now: datetime | None = None) -> Trace:
    """Build the evidence, rank, and write. Missing evidence is said on the trace."""
    now = now or timezone.now()
    alert = trace.alert
    try:
        if alert.module == "tracing":
            ids = list(OdourReport.objects.filter(cluster__alert=alert)
                       .values_list("pk", flat=True))
            evidence = ev.for_odour(alert, ids, trace.anchor, now)
        else:
            evidence = ev.for_alarm(alert, trace.factor_code, trace.anchor, now)
    except ev.NoEvidence as exc:
        with transaction.atomic():
            Trace.objects.filter(pk=trace.pk).update(
                state=Trace.State.NO_EVIDENCE, message=str(exc)[:300], computed_at=now,
                runs=trace.runs + 1)
        trace.refresh_from_db()
        return trace
    result = compute(evidence)
    write(trace, evidence, result, now=now)
    trace.refresh_from_db()
    return trace


@transaction.atomic
def write(trace: Trace, evidence: ev.Evidence, result: dict, *, now: datetime) -> None:
    trace = Trace.objects.select_for_update().get(pk=trace.pk)
    top = result.pop("top")
    keep = {}
    for rank_no, item in enumerate(top, start=1):
        point = evidence.candidates[item["index"]]
        rate = item["rate"] or {}
        keep[point.pk] = dict(rank=rank_no, probability=item["probability"],
                              rate_median=rate.get("median"), rate_p05=rate.get("p05"),
                              rate_p95=rate.get("p95"))
    existing = {s.release_point_id: s for s in trace.suspects.all()}
    # Undecided suspects that fell out of the top are dropped; decided ones stay, unranked
    # below the rest, so the decision and what it was about are kept.
    low = len(keep) + 1
    for pk, suspect in existing.items():
        if pk not in keep:
            if suspect.decision:
                suspect.rank, low = low, low + 1
                suspect.probability = 0.0
                suspect.save(update_fields=["rank", "probability"])
            else:
                suspect.delete()
    for pk, values in keep.items():
        if pk in existing:
            for name, value in values.items():
                setattr(existing[pk], name, value)
            existing[pk].save(update_fields=list(values))
        else:
            Suspect.objects.create(trace=trace, release_point_id=pk, **values)
    trace.state = Trace.State.DONE
    trace.message = ""
    trace.computed_at = now
    trace.runs += 1
    trace.data_until = evidence.data_until
    trace.evidence = {**evidence.summary, "start": evidence.start.isoformat(),
                      "end": evidence.end.isoformat(), "candidates": len(evidence.candidates)}
    trace.result = result
    trace.save()
