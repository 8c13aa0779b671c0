"""The whole trace against a known source: evidence from the database (zeros in, D/M/C out),
the worker's cycle, re-runs on new data, decisions audited, the hit rate."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from zoneops.core.models import AuditEntry
from zoneops.tracing import jobs, runner, selectors, services
from zoneops.tracing.models import Suspect, Trace

from .conftest import ANCHOR


def _alarm_at_peak(park, plume):
    return park.alarm(park.stations[int(np.argmax(plume))])


def test_worker_traces_a_new_alarm_and_ranks_the_true_source_first(park):
    plume = park.write_readings()
    alert = _alarm_at_peak(park, plume)
    ran = jobs.run_due(now=ANCHOR + timedelta(minutes=31))
    assert ran == 1
    trace = Trace.objects.get(alert=alert)
    assert trace.state == Trace.State.DONE, trace.message
    suspects = list(trace.suspects.order_by("rank"))
    assert suspects[0].release_point == park.truth
    assert suspects[0].probability > suspects[1].probability
    assert abs(sum(s.probability for s in suspects) - 1) < 0.05
    first = suspects[0]
    assert first.rate_p05 < first.rate_median < first.rate_p95
    # Every station's readings are evidence, the ones at background as zeros.
    assert trace.evidence["stations_with_data"] == 24
    assert trace.evidence["zeros"] > 0
    # Per enterprise, all its points together (enterprise A has two here).
    by_enterprise = trace.result["enterprises"]
    assert abs(sum(e["probability"] for e in by_enterprise) - 1) < 1e-6
    assert park.truth.enterprise_id in {e["id"] for e in by_enterprise}
    region = trace.result["region"]
    assert region["radius_90_m"] > 0
    assert len(trace.result["fan"]) > 3


def test_flagged_readings_are_left_out(park):
    plume = park.write_readings(flags={(park.stations[0].mn, m): "D" for m in range(0, 10)}
                                | {(park.stations[1].mn, m): "C" for m in range(0, 5)}
                                | {(park.stations[2].mn, 3): "M"})
    alert = _alarm_at_peak(park, plume)
    trace = services.ensure_trace(alert)
    trace = runner.run(trace, now=ANCHOR + timedelta(minutes=31))
    assert trace.evidence["left_out"] == 16
    assert trace.evidence["readings"] == 24 * 61 - 16


def test_no_wind_says_so_and_nothing_is_ranked(park):
    from zoneops.environment.models import Reading

    plume = park.write_readings()
    Reading.objects.filter(station=park.mast).delete()
    trace = runner.run(services.ensure_trace(_alarm_at_peak(park, plume)),
                       now=ANCHOR + timedelta(minutes=31))
    assert trace.state == Trace.State.NO_EVIDENCE
    assert "wind" in trace.message
    assert not trace.suspects.exists()


def test_reruns_while_open_when_new_data_arrives_and_keeps_decisions(park):
    plume = park.write_readings(minutes=range(-30, 1))
    alert = _alarm_at_peak(park, plume)
    jobs.run_due(now=ANCHOR + timedelta(minutes=1))
    trace = Trace.objects.get(alert=alert)
    assert trace.runs == 1
    duty = park.world.users["duty"]
    top = trace.suspects.get(rank=1)
    services.decide(duty, top, decision="confirmed", note="现场核实")
    # Nothing new: not due again.
    assert jobs.run_due(now=ANCHOR + timedelta(minutes=3)) == 0
    park.write_readings(minutes=range(1, 11), seed=2)
    assert jobs.run_due(now=ANCHOR + timedelta(minutes=11)) == 1
    trace.refresh_from_db()
    assert trace.runs == 2
    top.refresh_from_db()
    assert top.decision == "confirmed" and top.rank_at_decision == 1
    # A closed alert is not re-run.
    type(alert).objects.filter(pk=alert.pk).update(status="closed")
    park.write_readings(minutes=range(11, 20), seed=3)
    assert jobs.run_due(now=ANCHOR + timedelta(minutes=21)) == 0


def test_decisions_are_audited_and_checked(park):
    plume = park.write_readings()
    alert = _alarm_at_peak(park, plume)
    trace = runner.run(services.ensure_trace(alert), now=ANCHOR + timedelta(minutes=31))
    first, second = trace.suspects.order_by("rank")[:2]
    with pytest.raises(PermissionDenied):
        services.decide(park.world.users["leader"], first, decision="confirmed")
    with pytest.raises(PermissionDenied):
        services.decide(park.world.users["enterprise_a"], first, decision="confirmed")
    with pytest.raises(ValidationError) as bad:
        services.decide(park.world.users["duty"], first, decision="maybe")
    assert "decision" in bad.value.message_dict
    services.decide(park.world.users["duty"], second, decision="rejected", note="无排放")
    services.decide(park.world.users["duty"], first, decision="confirmed")
    with pytest.raises(ValidationError):  # only one confirmed source per alert
        services.decide(park.world.users["duty"], second, decision="confirmed")
    actions = list(AuditEntry.objects.filter(action__startswith="tracing.")
                   .values_list("action", flat=True))
    assert "tracing.reject" in actions and "tracing.confirm" in actions
    months = selectors.hit_rate_by_month()
    assert months[0]["confirmed"] == 1 and months[0]["first"] == 1 and months[0]["rate"] == 1.0


def test_hit_rate_counts_a_confirmed_second_rank_as_a_miss(park):
    plume = park.write_readings()
    alert = _alarm_at_peak(park, plume)
    trace = runner.run(services.ensure_trace(alert), now=ANCHOR + timedelta(minutes=31))
    second = trace.suspects.get(rank=2)
    services.decide(park.world.users["duty"], second, decision="confirmed")
    month = selectors.hit_rate_by_month()[0]
    assert (month["confirmed"], month["first"], month["rate"]) == (1, 0, 0.0)


def test_request_trace_needs_a_dispatcher_and_a_traceable_alert(park):
    plume = park.write_readings()
    alert = _alarm_at_peak(park, plume)
    with pytest.raises(PermissionDenied):
        services.request_trace(park.world.users["staff_a"], alert)
    trace = services.request_trace(park.world.users["duty"], alert)
    assert trace.state == Trace.State.PENDING
    assert AuditEntry.objects.filter(action="tracing.request").count() == 1
    with pytest.raises(ValidationError):
        services.request_trace(park.world.users["duty"], park.world.alert_a)


def test_undecided_suspects_that_drop_out_are_removed(park):
    plume = park.write_readings()
    alert = _alarm_at_peak(park, plume)
    trace = runner.run(services.ensure_trace(alert), now=ANCHOR + timedelta(minutes=31))
    assert trace.suspects.count() == 4  # four candidates, all ranked
    assert set(Suspect.objects.values_list("rank", flat=True)) == {1, 2, 3, 4}


def test_the_worker_command_runs_the_tracing_job(park):
    from django.core.management import call_command

    plume = park.write_readings()
    alert = _alarm_at_peak(park, plume)
    # Alerts older than the worker's look-back are not traced; this one is "now".
    type(alert).objects.filter(pk=alert.pk).update(raised_at=timezone.now())
    call_command("worker", "--once")
    trace = Trace.objects.get(alert=alert)
    assert trace.runs == 1 and trace.suspects.exists()
