"""Decode throughput of zoneops.hj212 on realistic uploads, one core.

Builds 2011 real-time and 2051 minute packets of ten factors each (the size a fence-line
or ambient station sends), decodes them in a loop for a few seconds and prints packets/s
as the last line. Run: ``PYTHONPATH=src python3 bench/hj212_decode.py [seconds]``.
"""

from __future__ import annotations

import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

try:
    from zoneops.hj212 import decode
    from zoneops.hj212.simulator import Reading, minute_upload, realtime_upload
except ImportError:  # run from a checkout without installing: use ./src
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from zoneops.hj212 import decode
    from zoneops.hj212.simulator import Reading, minute_upload, realtime_upload

FACTORS = ("a21026", "a21004", "a21005", "a05024", "a34002", "a34004",
           "a24088", "a25002", "a01001", "a01002")


def frames(count: int = 200) -> list[bytes]:
    rng = random.Random(212)
    start = datetime(2024, 6, 1, 8, 0)
    out: list[bytes] = []
    for i in range(count):
        moment = start + timedelta(seconds=30 * i)
        mn = f"010000A8900016F0{i % 16:08X}"
        values: dict[str, Reading] = {}
        if i % 2:
            for code in FACTORS:
                values[code] = (round(rng.uniform(0, 200), 3), rng.choice("NNNNNNNNFMT"))
            out.append(realtime_upload(mn=mn, pw="123456", data_time=moment, values=values))
        else:
            for code in FACTORS:
                low = rng.uniform(0, 100)
                values[code] = {"Min": round(low, 3), "Avg": round(low * 1.2, 3),
                                "Max": round(low * 1.5, 3), "Flag": "N"}
            out.append(minute_upload(mn=mn, pw="123456",
                                     data_time=moment.replace(second=0), values=values))
    return out


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 3.0
    batch = frames()
    sizes = [len(f) for f in batch]
    print(f"{len(batch)} frames, {min(sizes)}-{max(sizes)} bytes, "
          f"mean {sum(sizes) / len(sizes):.0f}")
    done = 0
    began = time.perf_counter()
    deadline = began + seconds
    while time.perf_counter() < deadline:
        for frame in batch:
            decode(frame)
        done += len(batch)
    elapsed = time.perf_counter() - began
    print(f"decode throughput: {done / elapsed:.0f} packets/s")


if __name__ == "__main__":
    main()
