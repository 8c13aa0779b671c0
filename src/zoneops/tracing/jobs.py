"""The worker's tracing cycle (plugged into `zoneops worker` through core.registry):

1. every new air-quality alarm gets a trace (pending);
2. new odour reports join a cluster (within CLUSTER_METRES of its centre and CLUSTER_GAP of
   its last report) and a cluster with enough reports raises a tracing alert, traced too;
3. pending traces run; done ones run again while their alert is open, the window is not
   over and newer readings or reports have arrived (at most every RERUN_SECONDS).

Several workers may run: each trace is claimed under a row lock (skip locked)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from zoneops.core.models import Alert
from zoneops.core.models.alerts import OPEN_STATUSES
from zoneops.core.services.alerts import raise_alert
from zoneops.dispersion.geo import distance_m
from zoneops.environment.models import Factor, Reading, StationFactor

from . import evidence as ev
from . import runner
from .models import OdourCluster, OdourReport, Trace
from .services import ensure_trace

log = logging.getLogger("zoneops.tracing")

NEW_ALERTS_WITHIN = timedelta(hours=6)
RERUN_SECONDS = 60
CLUSTER_METRES = 1500.0
CLUSTER_GAP = timedelta(hours=2)
CLUSTER_ALERT_REPORTS = 2  # present reports (distinct addresses) that make a cluster an alert
STRONG_INTENSITY = 4  # one report this strong is enough


def start_new(now: datetime) -> int:
    """Traces for open alarms raised lately that have none yet."""
    made = 0
    alerts = (Alert.objects.filter(module="environment", status__in=OPEN_STATUSES,
                                   raised_at__gte=now - NEW_ALERTS_WITHIN, trace__isnull=True)
              .order_by("raised_at")[:200])
    for alert in alerts:
        if ensure_trace(alert, now=now) is not None:
            made += 1
    return made


@transaction.atomic
def cluster_reports(now: datetime) -> int:
    """Put new reports into clusters; raise (or refresh) a cluster's alert. Returns the
    number of reports placed."""
    placed = 0
    reports = list(OdourReport.objects.select_for_update().filter(
        cluster__isnull=True, folded_into__isnull=True).order_by("observed_at")[:500])
    touched: dict[int, OdourCluster] = {}
    for report in reports:
        open_clusters = OdourCluster.objects.filter(last_at__gte=report.observed_at - CLUSTER_GAP)
        best = min(open_clusters, key=lambda c: distance_m(c.latitude, c.longitude,
                                                            report.latitude, report.longitude),
                   default=None)
        if best is None or distance_m(best.latitude, best.longitude, report.latitude,
                                       report.longitude) > CLUSTER_METRES:
            best = OdourCluster.objects.create(latitude=report.latitude,
                                               longitude=report.longitude,
                                               first_at=report.observed_at,
                                               last_at=report.observed_at, reports=0)
        n = best.reports
        best.latitude = (best.latitude * n + report.latitude) / (n + 1)
        best.longitude = (best.longitude * n + report.longitude) / (n + 1)
        best.reports = n + 1
        best.first_at = min(best.first_at, report.observed_at)
        best.last_at = max(best.last_at, report.observed_at)
        best.save()
        report.cluster = best
        report.save(update_fields=["cluster"])
        touched[best.pk] = best
        placed += 1
    for cluster in touched.values():
        members = OdourReport.objects.filter(cluster=cluster, intensity__gt=0)
        addresses = {a or f"#{pk}" for pk, a in members.values_list("pk", "address_hash")}
        strongest = max(members.values_list("intensity", flat=True), default=0)
        if len(addresses) < CLUSTER_ALERT_REPORTS and strongest < STRONG_INTENSITY:
            continue
        level = Alert.Level.YELLOW if len(addresses) >= 5 or strongest >= 5 else Alert.Level.BLUE
        alert = raise_alert(
            module="tracing", key=f"odour:{cluster.pk}", level=level,
            title=_("Odour reported by residents (%(n)s reports)") % {"n": len(addresses)},
            detail=_("%(n)s residents reported an odour near %(lat).5f, %(lon).5f between "
                     "%(first)s and %(last)s (strongest %(max)s of 5).") % {
                "n": len(addresses), "lat": cluster.latitude, "lon": cluster.longitude,
                "first": timezone.localtime(cluster.first_at).strftime("%H:%M"),
                "last": timezone.localtime(cluster.last_at).strftime("%H:%M"),
                "max": strongest},
            source=cluster, data={"cluster": cluster.pk, "reports": len(addresses),
                                  "lat": cluster.latitude, "lon": cluster.longitude,
                                  "time": cluster.first_at.isoformat()},
            now=now)
        if cluster.alert_id != alert.pk:
            cluster.alert = alert
            cluster.save(update_fields=["alert"])
        trace = ensure_trace(alert, now=now)
        if trace is not None and trace.state != Trace.State.PENDING:
            Trace.objects.filter(pk=trace.pk).update(state=Trace.State.PENDING)
    return placed


def _has_new_data(trace: Trace) -> bool:
    since = trace.data_until or trace.anchor - ev.WINDOW_BEFORE
    end = trace.anchor + ev.WINDOW_AFTER
    if OdourReport.objects.filter(reported_at__gt=since, observed_at__lte=end).exists():
        return True
    if not trace.factor_code:
        return False
    factor = Factor.objects.filter(code=trace.factor_code).first()
    if factor is None:
        return False
    stations = list(StationFactor.objects.filter(factor=factor)
                    .values_list("station_id", flat=True))
    return Reading.objects.filter(station_id__in=stations, factor=factor, time__gt=since,
                                  time__lte=end).exists()


def due_traces(now: datetime) -> list[int]:
    pending = list(Trace.objects.filter(state=Trace.State.PENDING)
                   .order_by("requested_at").values_list("pk", flat=True)[:50])
    again = []
    candidates = (Trace.objects.filter(alert__status__in=OPEN_STATUSES)
                  .exclude(state=Trace.State.PENDING)
                  .filter(Q(computed_at__lte=now - timedelta(seconds=RERUN_SECONDS)))
                  .select_related("alert")[:200])
    for trace in candidates:
        # The window closes WINDOW_AFTER after the alarm; one run after that is the last.
        if trace.computed_at and trace.computed_at > trace.anchor + ev.WINDOW_AFTER:
            continue
        if _has_new_data(trace):
            again.append(trace.pk)
    return pending + again


def run_one(pk: int, now: datetime) -> bool:
    """Run one trace under its row lock (another worker skips it meanwhile)."""
    with transaction.atomic():
        claimed = (Trace.objects.select_for_update(skip_locked=True)
                   .filter(pk=pk).select_related("alert").first())
        if claimed is None:
            return False
        runner.run(claimed, now=now)
    return True


def run_due(now: datetime | None = None) -> int:
    """One cycle; returns the number of traces run."""
    now = now or timezone.now()
    start_new(now)
    cluster_reports(now)
    ran = 0
    for pk in due_traces(now):
        try:
            ran += run_one(pk, now)
        except Exception:  # one bad trace must not stop the others
            log.exception("trace %s failed", pk)
    if ran:
        log.info("tracing: %s trace(s) run", ran)
    return ran
