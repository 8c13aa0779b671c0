"""Bench: the whole source trace of one alarm at platform scale (issue 20 item 6: <= 2 s on one
core): 40 stations with 60 minutes of minute data (2,400 readings of the alarm's factor,
a few flagged D/M/C), a weather mast, 150 candidate release points of 50 enterprises.

Timed: `tracing.runner.run` - the evidence query (readings, flags, units, background, the
wind of the nearest masts, odour reports, candidates), the inversion, and writing the result
and suspects on the trace - on the database in DATABASE_URL (dropped and re-created when it
is PostgreSQL; a fresh SQLite file otherwise). The pure inversion alone is timed too. The
last line is the whole trace's median seconds.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wt_NAME .venv/bin/python bench/trace.py
"""

from __future__ import annotations

import math
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
from _common import recreate  # noqa: E402

ANCHOR = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
LON0, LAT0 = 120.93, 30.68
WIND_FROM = 225.0


def setup() -> tuple[object, object]:
    from zoneops.core import credit_code
    from zoneops.core.models import Alert, Enterprise, Role, User
    from zoneops.core.services.alerts import raise_alert
    from zoneops.dispersion.geo import LocalProjection
    from zoneops.dispersion.model import predict_case
    from zoneops.environment.models import AlarmRule, Factor, Reading, Station, StationFactor
    from zoneops.tracing.models import ReleasePoint

    rng = np.random.default_rng(20)
    User.objects.create_superuser("admin", "", "Bench-2026!pass", role=Role.ADMIN)
    proj = LocalProjection(LON0, LAT0)
    h2s = Factor.objects.get(code="a21028")
    speed, direction = Factor.objects.get(code="a01007"), Factor.objects.get(code="a01008")
    stations = []
    for j, a in enumerate(np.linspace(0, 2 * math.pi, 40, endpoint=False)):
        lon, lat = proj.to_lonlat(2500 * math.cos(a), 2500 * math.sin(a))
        s = Station.objects.create(mn=f"ST{j:04d}", password="pw", name=f"站{j:02d}",
                                   kind="boundary", latitude=lat, longitude=lon)
        StationFactor.objects.create(station=s, factor=h2s)
        stations.append(s)
    mast = Station.objects.create(mn="WX0001", password="pw", name="气象站", kind="weather",
                                  latitude=LAT0, longitude=LON0)
    points = []
    xs, ys = rng.uniform(-2000, 2000, 150), rng.uniform(-2000, 2000, 150)
    heights = rng.choice([2.0, 10.0, 30.0], 150)
    for i in range(50):
        e = Enterprise.objects.create(credit_code=credit_code.make("91", "330499", f"MA{i:06d}"),
                                      name=f"企业{i:02d}")
        for k in range(3):
            n = 3 * i + k
            lon, lat = proj.to_lonlat(float(xs[n]), float(ys[n]))
            points.append(ReleasePoint.objects.create(
                enterprise=e, code=f"P{k}", name=f"排放点{k}", kind="stack", latitude=lat,
                longitude=lon, height_m=float(heights[n]), substances=["a21028"]))
    truth = points[17]
    case = {"sources": [{"id": "t", "lon": truth.longitude, "lat": truth.latitude,
                         "height_m": truth.height_m, "rate_g_s": 50.0}],
            "met": {"wind_speed_m_s": 3.0, "wind_height_m": 10.0, "wind_from_deg": WIND_FROM,
                    "sigma_theta_deg": 14.0, "stability": None}, "averaging_time_s": 60,
            "receptors": [{"id": s.mn, "lon": s.longitude, "lat": s.latitude, "height_m": 3.0}
                          for s in stations]}
    clean = predict_case(case).mg_m3
    rows = []
    for minute in range(-30, 30):
        at = ANCHOR + timedelta(minutes=minute)
        noisy = 0.004 + clean * np.exp(rng.normal(0, 0.8, len(clean)))
        for s, c in zip(stations, noisy, strict=True):
            flag = "D" if rng.random() < 0.01 else "N"
            rows.append(Reading(station=s, factor=h2s, time=at, kind="min", value=float(c),
                                flag=flag))
        rows.append(Reading(station=mast, factor=speed, time=at, kind="min",
                            value=3.0 + float(rng.normal(0, 0.3))))
        rows.append(Reading(station=mast, factor=direction, time=at, kind="min",
                            value=(WIND_FROM + float(rng.normal(0, 14))) % 360))
    Reading.objects.bulk_create(rows, batch_size=2000)
    AlarmRule.objects.create(code="bench-h2s", name="硫化氢（分钟）", kind="level", factor=h2s,
                             reading_kind="min", tiers=[{"name": "红色", "level": 4, "on": 0.1,
                                                         "off": 0.05}])
    peak = stations[int(np.argmax(clean))]
    alert = raise_alert(module="environment", key="bench", level=Alert.Level.RED,
                        title="bench", source=peak, data={
                            "station": peak.mn, "station_id": peak.pk, "factor": "a21028",
                            "rule": "bench-h2s", "rule_kind": "level",
                            "time": ANCHOR.isoformat(), "late": False}, now=ANCHOR)
    return alert, truth


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="zo-trace-"))
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        recreate(url)
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zoneops.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from zoneops.tracing import evidence, runner, services

    alert, truth = setup()
    trace = services.ensure_trace(alert, now=ANCHOR)
    now = ANCHOR + timedelta(minutes=30)
    runner.run(trace, now=now)  # warm-up (imports, caches)
    whole, parts = [], []
    for _ in range(5):
        t0 = time.perf_counter()
        trace = runner.run(trace, now=now)
        whole.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        ev = evidence.for_alarm(alert, "a21028", trace.anchor, now)
        t1 = time.perf_counter()
        runner.compute(ev)
        parts.append((t1 - t0, time.perf_counter() - t1))
    top = trace.suspects.order_by("rank").select_related("release_point").first()
    print(f"database: {django.db.connection.vendor}")
    print(f"evidence: {trace.evidence['readings']} readings ({trace.evidence['left_out']} "
          f"flagged left out, {trace.evidence['zeros']} at background), "
          f"{trace.evidence['candidates']} candidates")
    print(f"top suspect {top.release_point} p={top.probability:.2f} "
          f"(truth {truth}: {'first' if top.release_point_id == truth.pk else 'NOT first'})")
    ev_med = sorted(p[0] for p in parts)[2]
    inv_med = sorted(p[1] for p in parts)[2]
    print(f"evidence query median {ev_med:.3f} s, inversion median {inv_med:.3f} s")
    print(f"whole trace seconds (5 runs): {', '.join(f'{r:.3f}' for r in whole)}")
    print(f"whole trace (evidence + inversion + write), 40 stations x 60 min, 150 candidates, "
          f"median: {sorted(whole)[2]:.3f} s")


if __name__ == "__main__":
    main()
