"""A year of hourly data for 50 points balanced (issue 22: goal ≤ 10 s).

The chain: 40 enterprises → 5 network points → plant inlet → plant outlet → outfall → two
river sections (50 points, 8760 hourly readings each, 438,000 readings), from the project's
simulator with three scripted night discharges. Timed: reading the CHAIN.json file, checking
it, hourly loads, every balance and check, and writing OUT.json — what `zoneops water balance
--in CHAIN.json --out OUT.json` does, without the process start. Last line: the figure.

    .venv/bin/python bench/water_balance.py
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

from zoneops.water.balance import run
from zoneops.water.simulate import Discharge, simulate


def main() -> None:
    t0 = time.perf_counter()
    doc = simulate(sources=40, networks=5, days=365, step_minutes=60, seed=2026, discharges=(
        Discharge("N2", 100 * 24 + 1, 4, cod_kg_h=30.0),
        Discharge("N4", 200 * 24 + 2, 3, cod_kg_h=25.0, nh3n_kg_h=3.0),
        Discharge("N5", 300 * 24 + 23, 5, cod_kg_h=40.0)))
    points, readings = len(doc["points"]), len(doc["series"])
    with tempfile.TemporaryDirectory() as folder:
        chain, out = Path(folder) / "chain.json", Path(folder) / "out.json"
        chain.write_text(json.dumps(doc), encoding="utf-8")
        print(f"simulated {points} points, {readings} readings "
              f"({chain.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t0:.1f} s")
        del doc
        times, cpu = [], []
        for _ in range(3):
            start, start_cpu = time.perf_counter(), time.process_time()
            result = run(json.loads(chain.read_text(encoding="utf-8")))
            out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
    kinds: dict[str, int] = {}
    for a in result["anomalies"]:
        kinds[a["kind"]] = kinds.get(a["kind"], 0) + 1
    print(f"{len(result['anomalies'])} anomalies: {kinds}")
    for a in result["anomalies"][:5]:
        print(f"  {a['score']:>8.1f} {a['kind']:<17} {a['point']:<6} {a['pollutant']:<5} "
              f"{a['start']} – {a['end']}")
    print(f"runs: {', '.join(f'{t:.2f}' for t in times)} s "
          f"(CPU {', '.join(f'{t:.2f}' for t in cpu)} s)")
    # The CPU time says what a busy shared machine hides: wall time waits for other work.
    print(f"water balance, {points} points × {readings // points} h: {min(times):.2f} s "
          f"(CPU {min(cpu):.2f} s; goal ≤ 10 s)")


if __name__ == "__main__":
    main()
