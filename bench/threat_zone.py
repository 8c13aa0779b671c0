"""Time one threat zone (zoneops.hazards.threatzone), the pure computation behind
`zoneops hazards zone` and the unit page: a liquefied-chlorine tank leak through a 25 mm hole
(dense gas, SLAB via slabx) and a hydrogen sulfide release (Gaussian plume), each with 500
receptors to count. The first call of a process (imports) is reported apart; the figure is the
slowest warm zone of 5 runs of each. Goal: <= 1 s. Last line: the figure.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import numpy as np  # noqa: E402

from zoneops.hazards.threatzone import threat_zone  # noqa: E402


def receptors(rng: np.random.Generator) -> list[dict]:
    kinds = ["station", "residential", "school", "hospital"]
    return [{"id": i, "kind": kinds[i % 4], "lon": float(120.93 + rng.uniform(-0.05, 0.05)),
             "lat": float(30.68 + rng.uniform(-0.05, 0.05)), "population": 100}
            for i in range(500)]


def main() -> None:
    rng = np.random.default_rng(7)
    met = {"wind_speed_m_s": 2.5, "wind_from_deg": 60.0, "stability": None, "daytime": False,
           "cloud_oktas": 2, "temperature_c": 25.0}
    cases = {
        "chlorine tank, dense (SLAB)": {
            "chemical": {"cas": "7782-50-5"}, "source": {"lon": 120.93, "lat": 30.68},
            "release": {"tank": {"phase": "liquefied_gas", "hole_diameter_mm": 25,
                                 "temperature_c": 25, "mass_kg": 30000}},
            "met": met, "receptors": receptors(rng)},
        "hydrogen sulfide, Gaussian": {
            "chemical": {"cas": "7783-06-4"}, "source": {"lon": 120.93, "lat": 30.68,
                                                         "height_m": 5},
            "release": {"rate_kg_s": 0.5, "duration_s": 1800}, "model": "gaussian",
            "met": met, "receptors": receptors(rng)},
    }
    worst = 0.0
    for name, doc in cases.items():
        start = time.perf_counter()
        threat_zone(doc)
        first = time.perf_counter() - start
        times = []
        for _ in range(5):
            start = time.perf_counter()
            zone = threat_zone(doc)
            times.append(time.perf_counter() - start)
        far = max(f["properties"].get("distance_m", 0) for f in zone["features"])
        print(f"{name}: first call {first:.3f} s, warm max {max(times):.3f} s, "
              f"AEGL-1 reach {far:.0f} m")
        worst = max(worst, max(times))
    print(f"threat zone, slowest warm run: {worst:.3f} s (goal <= 1 s)")


if __name__ == "__main__":
    main()
