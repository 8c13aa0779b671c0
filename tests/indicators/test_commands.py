"""The exact command contracts, run as a real `zoneops` process (no database needed)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

SEED = "工业总产值从2020年的565.4亿元一路攀升至2024年的869.5亿元，年均增长率高达13.5%"


def zoneops(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "zoneops.cli", "indicators", *args],
                          input=stdin, capture_output=True, text=True, timeout=60,
                          encoding="utf-8")


def test_check_claim_json_contract():
    result = zoneops("check-claim", "--text", SEED)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert list(out) == ["claims"]
    (claim,) = out["claims"]
    assert list(claim) == ["start", "end", "from_year", "to_year", "stated_rate_pct",
                           "compound_rate_pct", "consistent", "why"]
    assert claim["start"] == 565.4 and claim["end"] == 869.5
    assert (claim["from_year"], claim["to_year"]) == (2020, 2024)
    assert claim["stated_rate_pct"] == 13.5
    assert round(claim["compound_rate_pct"], 1) == 11.4
    assert claim["consistent"] is False
    assert "13.4%" in claim["why"]


def test_check_claim_reads_stdin_and_finds_nothing_cleanly():
    result = zoneops("check-claim", "--text", "-", stdin=SEED + "。\n今年同比增长5%。")
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)["claims"]) == 1
    empty = zoneops("check-claim", "--text", "没有数字。")
    assert json.loads(empty.stdout) == {"claims": []}


def test_aqi_json_contract(tmp_path):
    path = tmp_path / "DAY.json"
    path.write_text(json.dumps({"so2_24h": 8, "no2_24h": 35, "pm10_24h": 70, "pm25_24h": 38,
                                "co_24h": 0.7, "o3_8h": 182}), encoding="utf-8")
    result = zoneops("aqi", "--in", str(path))
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out == {"aqi": 120, "category": "轻度污染", "primary": ["O3"],
                   "iaqi": {"SO2": 8, "NO2": 44, "PM10": 60, "PM2.5": 54, "CO": 18, "O3": 120}}


def test_aqi_clean_day_has_no_primary(tmp_path):
    path = tmp_path / "DAY.json"
    path.write_text('{"so2_24h": 5, "no2_24h": 20, "pm10_24h": 30, "pm25_24h": 20, '
                    '"co_24h": 0.5, "o3_8h": 60}', encoding="utf-8")
    out = json.loads(zoneops("aqi", "--in", str(path)).stdout)
    assert (out["aqi"], out["category"], out["primary"]) == (30, "优", [])


@pytest.mark.parametrize("content, field", [
    ('{"so2_24h": 5, "no2_24h": 20, "pm10_24h": 30, "pm25_24h": 20, "co_24h": 0.5}', "o3_8h"),
    ('{"so2_24h": 5, "no2_24h": -2, "pm10_24h": 30, "pm25_24h": 20, "co_24h": 0.5, '
     '"o3_8h": 60}', "no2_24h"),
    ('{"so2_24h": 5, "no2_24h": 20, "pm10_24h": "high", "pm25_24h": 20, "co_24h": 0.5, '
     '"o3_8h": 60}', "pm10_24h"),
    ('{"so2_24h": 5, "no2_24h": 20, "pm10_24h": 30, "pm25_24h": 20, "co_24h": 0.5, '
     '"o3_8h": 900}', "o3_1h"),
    ("not json", "--in"),
    ("[1, 2]", "day"),
])
def test_aqi_bad_input_fails_naming_the_field(tmp_path, content, field):
    path = tmp_path / "DAY.json"
    path.write_text(content, encoding="utf-8")
    result = zoneops("aqi", "--in", str(path))
    assert result.returncode != 0
    assert field in result.stderr
    assert result.stdout == ""


def test_aqi_missing_file(tmp_path):
    result = zoneops("aqi", "--in", str(tmp_path / "nope.json"))
    assert result.returncode != 0 and "--in" in result.stderr
