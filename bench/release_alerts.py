"""Issue 19's flood, measured: the demo's scripted release (H2S at CWHG-E01 and NMHC at
CWHG-E03 from minute 2 for 15 minutes, as `zoneops demo` starts it) replayed through ingest on
the demo's stations and rules, 25 simulated minutes, every station every 20 s. Before issue 19
it opened 36 alerts and took the duty officer's notifications from 43 to 113.

    .venv/bin/python bench/release_alerts.py   # SQLite in a temporary directory
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zo_release_bench .venv/bin/python ...

(a PostgreSQL database named there is dropped and re-created). Last line: the figure.
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import recreate  # noqa: E402

START = datetime(2026, 7, 1, 2, 0, tzinfo=UTC)


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="zo-release-"))
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        recreate(url)
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ["ZONEOPS_VAR_DIR"] = str(tmp)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zoneops.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from zoneops.core import demo as core_demo
    from zoneops.core.models import Alert, User
    from zoneops.environment import demo as env_demo
    from zoneops.environment import services
    from zoneops.environment.convert import ReadingIn, Upload
    from zoneops.environment.management.commands.simulate import DEFAULT_RATE
    from zoneops.environment.models import Station
    from zoneops.environment.simulate import Release, SimStation, World

    core_demo.load()
    env_demo.load()
    stations = {s.mn: s for s in Station.objects.prefetch_related("factors")}
    world = World(flag_rate=0)
    for factor, mn in (("a21028", "CWHG-E01"), ("a24088", "CWHG-E03")):
        world.releases.append(Release(stations[mn].latitude, stations[mn].longitude, factor,
                                      DEFAULT_RATE[factor], 120, 900))  # the demo's, in g/s
    sims = [SimStation(s.mn, s.password, s.kind, s.latitude, s.longitude,
                       tuple(f.code for f in s.factors.all())) for s in stations.values()]
    duty = User.objects.get(username="duty")
    notices_before = duty.notifications.count()
    alerts_before = set(Alert.objects.values_list("pk", flat=True))
    rng = random.Random(19)
    for t in range(0, 25 * 60, 20):
        moment = START + timedelta(seconds=t)
        services.ingest_batch([Upload(stations[sim.mn].pk, [
            ReadingIn(code, moment, "rtd", world.value(sim, code, float(t), moment, rng)[0], "N")
            for code in sim.factors]) for sim in sims], now=moment)
    new = Alert.objects.filter(module="environment").exclude(pk__in=alerts_before)
    alarms = sum(len((a.data or {}).get("members") or {1: 1}) for a in new)
    stations_in = {m["station"] for a in new for m in ((a.data or {}).get("members") or {})
                   .values()}
    notices_after = duty.notifications.count()
    for alert in new:
        print(f"  {alert.get_level_display()}: {alert.title}")
    print(f"alarms raised: {alarms} at {len(stations_in)} stations")
    print(f"duty officer's notifications: {notices_before} -> {notices_after}")
    print(f"scripted release: {alarms} alarms -> {new.count()} alert(s), "
          f"{notices_after - notices_before} notices to the duty officer")


if __name__ == "__main__":
    main()
