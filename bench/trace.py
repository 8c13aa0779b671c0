"""Time the pure tracing inversion at platform scale: 40 stations x 60 minutes of minute
data, 150 candidate release points, one core.

Only the inversion (zoneops.dispersion) is timed: the evidence query (readings, wind) and
writing suspects to the alert belong to the platform integration (issue 20 items 3/7) that
is not built yet, so they are NOT in this figure.  Goal: <= 2 s.  Last line: the figure.
"""

from __future__ import annotations

import math
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import numpy as np  # noqa: E402

from zoneops.dispersion.inversion import trace_document  # noqa: E402
from zoneops.dispersion.model import predict_case  # noqa: E402


def build(rng: np.random.Generator) -> dict:
    met = {"wind_speed_m_s": 3.0, "wind_height_m": 10.0, "wind_from_deg": 225.0,
           "sigma_theta_deg": 14.0, "roughness_m": 0.5, "mixing_height_m": 800.0,
           "stability": None}
    candidates = [{"id": f"rp-{i:03d}", "x_m": float(x), "y_m": float(y), "height_m": float(h)}
                  for i, (x, y, h) in enumerate(zip(rng.uniform(-2000, 2000, 150),
                                                    rng.uniform(-2000, 2000, 150),
                                                    rng.choice([2.0, 10.0, 30.0], 150),
                                                    strict=True))]
    angles = np.linspace(0, 2 * math.pi, 40, endpoint=False)
    stations = [{"id": f"st-{j:02d}", "x_m": float(2500 * math.cos(a)),
                 "y_m": float(2500 * math.sin(a)), "height_m": 3.0}
                for j, a in enumerate(angles)]
    truth = candidates[17]
    case = {"sources": [{**truth, "rate_g_s": 50.0}], "met": met, "averaging_time_s": 60,
            "receptors": stations}
    clean = predict_case(case).mg_m3
    observations = []
    for minute in range(60):
        noisy = clean * np.exp(rng.normal(0, 0.8, len(clean)))
        for st, c in zip(stations, noisy, strict=True):
            observations.append({"id": f"{st['id']}@{minute}", "x_m": st["x_m"], "y_m": st["y_m"],
                                 "height_m": 3.0, "mg_m3": float(c if c > 1e-4 else 0.0)})
    return {"met": met, "averaging_time_s": 60, "source_height_m": 10.0,
            "observations": observations, "candidates": candidates}


def main() -> None:
    doc = build(np.random.default_rng(20))
    trace_document(doc)  # warm-up (imports, caches)
    runs = []
    for _ in range(5):
        t0 = time.perf_counter()
        result, _ = trace_document(doc)
        runs.append(time.perf_counter() - t0)
    print(f"{len(doc['observations'])} observations, {len(doc['candidates'])} candidates; "
          f"top suspect {result.candidates[0]['id']} p={result.candidates[0]['probability']:.2f}")
    print(f"inversion seconds (5 runs): {', '.join(f'{r:.3f}' for r in runs)}")
    print(f"trace inversion, 40 stations x 60 min, 150 candidates, median: {sorted(runs)[2]:.3f} s")


if __name__ == "__main__":
    main()
