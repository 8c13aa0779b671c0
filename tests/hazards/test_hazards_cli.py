"""The exact command contract: `zoneops hazards assess --in UNIT.json` prints
{"s", "r", "grade", "major", "contributions"}; bad input exits non-zero naming the field.
Run as a real process, with a database URL that cannot be reached: assessing needs none."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

NO_DATABASE = "postgres://nobody@127.0.0.1:1/none"


def zoneops(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": NO_DATABASE}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "-m", "zoneops.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def assess_file(tmp_path: Path, data: Any) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "unit.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return zoneops("hazards", "assess", "--in", str(path))


def test_worked_example_through_the_command(tmp_path: Path) -> None:
    result = assess_file(
        tmp_path,
        {
            "kind": "storage",
            "population_500m": 120,
            "chemicals": [{"name": "液氯", "tonnes": 20}, {"cas": "7664-41-7", "tonnes": 30.0}],
        },
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert {"s", "r", "grade", "major", "contributions"} <= set(out)
    assert (out["s"], out["r"], out["grade"], out["major"]) == (7, 44, 3, True)
    assert [c["contribution"] for c in out["contributions"]] == [16, 6]
    assert "氯" in result.stdout  # Chinese printed as such, not escaped


def test_not_major_prints_grade_null(tmp_path: Path) -> None:
    result = assess_file(
        tmp_path,
        {
            "kind": "production",
            "population_500m": 0,
            "chemicals": [{"name": "甲苯", "category": "W5.3", "tonnes": 100}],
        },
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["grade"] is None and out["major"] is False and out["s"] == 0.2
    assert '"grade": null' in result.stdout


def test_decimal_quantities_are_exact_through_the_file(tmp_path: Path) -> None:
    path = tmp_path / "unit.json"
    path.write_text(
        '{"kind": "storage", "population_500m": 0, "chemicals": ['
        '{"name": "光气", "tonnes": 0.1}, {"name": "光气", "tonnes": 0.1},'
        '{"name": "光气", "tonnes": 0.1}]}',
        encoding="utf-8",
    )
    out = json.loads(zoneops("hazards", "assess", "--in", str(path)).stdout)
    assert out["s"] == 1 and out["major"] is True


def test_reads_standard_input() -> None:
    unit = {
        "kind": "storage",
        "population_500m": 30,
        "chemicals": [{"name": "硫化氢", "tonnes": 5}],
    }
    result = zoneops("hazards", "assess", "--in", "-", stdin=json.dumps(unit))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["r"] == 6  # 1.2 × 5 × 5/5


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (
            {"kind": "storage", "population_500m": 1, "chemicals": [{"name": "氯", "tonnes": -1}]},
            "chemicals[0].tonnes",
        ),
        (
            {"kind": "storage", "population_500m": 1, "chemicals": [{"name": "氯", "tonnes": 0}]},
            "chemicals[0].tonnes",
        ),
        ({"kind": "storage", "population_500m": 1, "chemicals": []}, "chemicals"),
        (
            {
                "kind": "storage",
                "population_500m": 1,
                "chemicals": [{"name": "未知物", "tonnes": 1}],
            },
            "chemicals[0]",
        ),
        (
            {
                "kind": "storage",
                "population_500m": 1,
                "chemicals": [{"cas": "7664-41-8", "tonnes": 1}],
            },
            "chemicals[0].cas",
        ),
        (
            {"kind": "tank", "population_500m": 1, "chemicals": [{"name": "氯", "tonnes": 1}]},
            "kind",
        ),
    ],
)
def test_bad_input_exits_non_zero_naming_the_field(tmp_path: Path, data: Any, field: str) -> None:
    result = assess_file(tmp_path, data)
    assert result.returncode != 0
    assert result.stdout == ""
    assert f"{field}:" in result.stderr


def test_unreadable_and_broken_files(tmp_path: Path) -> None:
    missing = zoneops("hazards", "assess", "--in", str(tmp_path / "nope.json"))
    assert missing.returncode != 0 and "nope.json" in missing.stderr
    broken = tmp_path / "broken.json"
    broken.write_text('{"kind": "storage",\n "chemicals": [', encoding="utf-8")
    result = zoneops("hazards", "assess", "--in", str(broken))
    assert result.returncode != 0 and "broken.json" in result.stderr and "2" in result.stderr


def test_in_is_required() -> None:
    result = zoneops("hazards", "assess")
    assert result.returncode != 0 and "--in" in result.stderr
