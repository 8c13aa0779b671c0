"""The two command contracts, run as real processes through `zoneops` (no database)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from zoneops.dispersion.cli import main

ZONEOPS = str(Path(sys.executable).with_name("zoneops"))

CASE = {
    "sources": [{"id": "stack-1", "x_m": 0.0, "y_m": 0.0, "height_m": 10.0, "rate_g_s": 5.0}],
    "met": {"wind_speed_m_s": 3.0, "wind_height_m": 10.0, "wind_from_deg": 180.0,
            "sigma_theta_deg": 14.0, "mixing_height_m": 600.0, "roughness_m": 0.3,
            "stability": None},
    "averaging_time_s": 600,
    "receptors": [{"id": "r-north", "x_m": 0.0, "y_m": 500.0, "height_m": 1.5},
                  {"id": "r-south", "x_m": 0.0, "y_m": -500.0, "height_m": 1.5},
                  {"id": "r-near", "x_m": 0.0, "y_m": 50.0, "height_m": 1.5}],
}


def run(tmp_path, *args, doc=None):
    if doc is not None:
        (tmp_path / "in.json").write_text(json.dumps(doc))
    return subprocess.run([ZONEOPS, *args], capture_output=True, text=True, cwd=tmp_path,
                          timeout=120)


def test_predict_exact_fields_to_stdout(tmp_path):
    proc = run(tmp_path, "dispersion", "predict", "--in", "in.json", doc=CASE)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert set(out) == {"receptors", "stability", "warnings"}
    assert [set(r) for r in out["receptors"]] == [{"id", "mg_m3"}] * 3
    by_id = {r["id"]: r["mg_m3"] for r in out["receptors"]}
    assert by_id["r-north"] > 0 and by_id["r-south"] == 0  # wind from the south
    assert out["stability"] == "C"  # sigma-theta 14 deg: 12.5-17.5 is C
    assert any(w.startswith("near_field") and "r-near" in w for w in out["warnings"])


def test_predict_writes_out_file_and_low_wind_is_flagged(tmp_path):
    doc = json.loads(json.dumps(CASE))
    doc["met"]["wind_speed_m_s"] = 0.4
    proc = run(tmp_path, "dispersion", "predict", "--in", "in.json", "--out", "o.json", doc=doc)
    assert proc.returncode == 0 and proc.stdout == ""
    out = json.loads((tmp_path / "o.json").read_text())
    assert any(w.startswith("low_wind") for w in out["warnings"])


@pytest.mark.parametrize("mutate,field", [
    (lambda d: d["met"].pop("wind_speed_m_s"), "met.wind_speed_m_s"),
    (lambda d: d["met"].update(stability="G"), "met.stability"),
    (lambda d: d["receptors"][1].pop("x_m"), "receptors[1].x_m"),
    (lambda d: d["sources"][0].update(rate_g_s=-1), "sources[0].rate_g_s"),
    (lambda d: d.pop("averaging_time_s"), "averaging_time_s"),
])
def test_predict_bad_input_names_the_field(tmp_path, mutate, field):
    doc = json.loads(json.dumps(CASE))
    mutate(doc)
    proc = run(tmp_path, "dispersion", "predict", "--in", "in.json", "--out", "o.json", doc=doc)
    assert proc.returncode != 0
    assert field in proc.stderr and proc.stderr.count("\n") == 1
    assert not (tmp_path / "o.json").exists()


def test_predict_lon_lat_equals_metres(tmp_path, capsys):
    from zoneops.dispersion import LocalProjection

    proj = LocalProjection(118.8, 32.0)
    doc = json.loads(json.dumps(CASE))
    doc["sources"][0] = {"id": "stack-1", "lon": 118.8, "lat": 32.0, "height_m": 10.0,
                         "rate_g_s": 5.0}
    lon, lat = proj.to_lonlat(0.0, 500.0)
    doc["receptors"] = [{"id": "r", "lon": lon, "lat": lat, "height_m": 1.5}]
    (tmp_path / "a.json").write_text(json.dumps(doc))
    assert main(["predict", "--in", str(tmp_path / "a.json")]) == 0
    got = json.loads(capsys.readouterr().out)["receptors"][0]["mg_m3"]
    doc2 = json.loads(json.dumps(CASE))
    doc2["receptors"] = [{"id": "r", "x_m": 0.0, "y_m": 250.0, "height_m": 1.5}]
    # The origin is the mean of the lon/lat points, so the source sits 250 m south of it.
    doc2["sources"][0]["y_m"] = -250.0
    (tmp_path / "b.json").write_text(json.dumps(doc2))
    assert main(["predict", "--in", str(tmp_path / "b.json")]) == 0
    want = json.loads(capsys.readouterr().out)["receptors"][0]["mg_m3"]
    assert got == pytest.approx(want, rel=1e-3)


def obs_doc(with_candidates: bool):
    from zoneops.dispersion.model import predict_case

    stations = [{"id": f"s{i}", "x_m": x, "y_m": 400.0, "height_m": 2.0}
                for i, x in enumerate(range(-200, 201, 40))]
    case = {"sources": [{"id": "src", "x_m": 0.0, "y_m": 0.0, "height_m": 5.0, "rate_g_s": 20.0}],
            "met": {**CASE["met"], "stability": "D"}, "averaging_time_s": 600,
            "receptors": stations}
    conc = predict_case(case).mg_m3
    doc = {"met": {**CASE["met"], "stability": "D"}, "averaging_time_s": 600,
           "source_height_m": 5.0, "search_radius_m": 500.0,
           "observations": [{**s, "mg_m3": float(c)} for s, c in zip(stations, conc, strict=True)]}
    if with_candidates:
        doc["candidates"] = [{"id": "a", "x_m": 0.0, "y_m": 0.0, "height_m": 5.0},
                             {"id": "b", "x_m": 300.0, "y_m": 0.0, "height_m": 5.0},
                             {"id": "c", "x_m": 0.0, "y_m": 200.0, "height_m": 5.0}]
    return doc


def test_trace_exact_fields_with_candidates(tmp_path):
    proc = run(tmp_path, "trace", "--in", "in.json", doc=obs_doc(True))
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert set(out) == {"location", "rate_g_s", "candidates"}
    assert set(out["location"]) == {"x_m", "y_m", "radius_90_m"}
    assert set(out["rate_g_s"]) == {"median", "p05", "p95"}
    probs = [c["probability"] for c in out["candidates"]]
    assert probs == sorted(probs, reverse=True) and sum(probs) == pytest.approx(1.0)
    assert out["candidates"][0]["id"] == "a"
    assert set(out["candidates"][0]) == {"id", "probability", "rate_g_s"}
    r = out["candidates"][0]["rate_g_s"]
    assert r["p05"] <= 20.0 <= r["p95"]


def test_trace_without_candidates_has_no_candidates_key(tmp_path):
    proc = run(tmp_path, "trace", "--in", "in.json", "--out", "o.json", doc=obs_doc(False))
    assert proc.returncode == 0, proc.stderr
    out = json.loads((tmp_path / "o.json").read_text())
    assert set(out) == {"location", "rate_g_s"}
    loc = out["location"]
    assert (loc["x_m"] ** 2 + loc["y_m"] ** 2) ** 0.5 <= loc["radius_90_m"]


def test_trace_bad_input_names_the_field(tmp_path):
    doc = obs_doc(False)
    doc["observations"][3]["mg_m3"] = "high"
    proc = run(tmp_path, "trace", "--in", "in.json", doc=doc)
    assert proc.returncode != 0 and "observations[3].mg_m3" in proc.stderr
    (tmp_path / "in.json").write_text("{not json")
    proc = run(tmp_path, "trace", "--in", "in.json")
    assert proc.returncode != 0 and "--in" in proc.stderr


def test_trace_lon_lat_location_comes_back_in_lon_lat(tmp_path, capsys):
    from zoneops.dispersion import LocalProjection

    proj = LocalProjection(118.8, 32.0)
    doc = obs_doc(False)
    for o in doc["observations"]:
        o["lon"], o["lat"] = proj.to_lonlat(o.pop("x_m"), o.pop("y_m"))
    (tmp_path / "a.json").write_text(json.dumps(doc))
    assert main(["trace", "--in", str(tmp_path / "a.json")]) == 0
    loc = json.loads(capsys.readouterr().out)["location"]
    x, y = proj.to_xy(loc["lon"], loc["lat"])
    assert (x ** 2 + y ** 2) ** 0.5 <= loc["radius_90_m"] + 1.0
