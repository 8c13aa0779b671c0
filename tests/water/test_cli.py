"""`zoneops water balance --in CHAIN.json [--out OUT.json]`: the contract and its errors."""

from __future__ import annotations

import copy
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from zoneops.water.simulate import Discharge, simulate

KEYS = ["point", "kind", "pollutant", "start", "end", "residual_kg_h", "score", "why"]


@pytest.fixture(scope="module")
def chain_doc() -> dict:
    return simulate(days=10, seed=4, discharges=(Discharge("N2", 8 * 24 + 1, 4, 27.0),))


def write(tmp_path: Path, doc) -> str:
    path = tmp_path / "chain.json"
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc), encoding="utf-8")
    return str(path)


def test_console_command_writes_the_contract_to_a_file(tmp_path, chain_doc) -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "zoneops.settings"}
    out = tmp_path / "out.json"
    done = subprocess.run([sys.executable, "-m", "zoneops.cli", "water", "balance", "--in",
                           write(tmp_path, chain_doc), "--out", str(out)],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    result = json.loads(out.read_text(encoding="utf-8"))
    assert list(result) == ["anomalies"]
    first = result["anomalies"][0]
    assert list(first) == KEYS
    assert (first["point"], first["kind"], first["pollutant"]) == ("N2", "unexplained_load",
                                                                   "COD")
    assert (first["start"], first["end"]) == ("2026-12-09T01:00:00+08:00",
                                              "2026-12-09T05:00:00+08:00")


def test_stdout_without_out_sorted_by_score(tmp_path, chain_doc) -> None:
    stdout = io.StringIO()
    call_command("water", "balance", "--in", write(tmp_path, chain_doc), stdout=stdout)
    found = json.loads(stdout.getvalue())["anomalies"]
    assert found and all(list(a) == KEYS for a in found)
    assert [a["score"] for a in found] == sorted((a["score"] for a in found), reverse=True)


def bad(tmp_path: Path, doc) -> CommandError:
    with pytest.raises(CommandError) as caught:
        call_command("water", "balance", "--in", write(tmp_path, doc), "--out",
                     str(tmp_path / "out.json"))
    assert caught.value.returncode == 2
    assert not (tmp_path / "out.json").exists()  # nothing half written
    return caught.value


SMALL = {"points": [{"id": "S1", "kind": "source", "downstream": "N1", "travel_minutes": 30},
                    {"id": "N1", "kind": "network"}],
         "series": [{"point": "S1", "time": "2026-12-01T01:00:00+08:00", "flow_l_s": 5,
                     "cod_mg_l": 60, "nh3n_mg_l": 8, "flag": "N"},
                    {"point": "N1", "time": "2026-12-01T01:00:00+08:00", "flow_l_s": 5,
                     "cod_mg_l": 60, "nh3n_mg_l": 8, "flag": "N"}]}


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["series"][1].pop("flow_l_s"), "series[1].flow_l_s: required"),
    (lambda d: d["series"][1].update(cod_mg_l="60"), "series[1].cod_mg_l: must be a number"),
    (lambda d: d["series"][0].update(nh3n_mg_l=-1), "series[0].nh3n_mg_l: must be a finite"),
    (lambda d: d["series"][1].update(flag="X"), "series[1].flag: required, one of"),
    (lambda d: d["series"][0].pop("flag"), "series[0].flag: required"),
    (lambda d: d["series"][1].update(time="2026-12-01T01:00:00"), "series[1].time: needs a UTC"),
    (lambda d: d["series"][1].update(time="yesterday"), "series[1].time: not an ISO 8601"),
    (lambda d: d["series"][1].update(point="N9"), "series[1].point: no point 'N9'"),
    (lambda d: d["series"].append(dict(d["series"][0])), "series[2].time: a second reading"),
    (lambda d: d["points"][0].update(kind="pump"), "points[0].kind: must be one of"),
    (lambda d: d["points"][0].update(downstream="X"), "points[0].downstream: no point 'X'"),
    (lambda d: d["points"][1].update(downstream="S1"), "points[0].downstream: the chain loops"),
    (lambda d: d["points"][0].update(travel_minutes=-5), "points[0].travel_minutes: must be ≥"),
    (lambda d: d["points"][1].update(id="S1"), "points[1].id: 'S1' is already points[0]"),
    (lambda d: d["points"][0].update(limits={"COD": 0}), "points[0].limits.COD: must be > 0"),
    (lambda d: d["points"][0].update(limit_set="GB0"), "points[0].limit_set: unknown set"),
    (lambda d: d["points"][1].update(target_class="VI"), "points[1].target_class: must be"),
    (lambda d: d.pop("series"), "series: required"),
    (lambda d: d.update(points=[]), "points: required"),
])
def test_bad_input_names_the_field(tmp_path, change, message) -> None:
    doc = copy.deepcopy(SMALL)
    change(doc)
    assert message in str(bad(tmp_path, doc))


def test_unreadable_input(tmp_path) -> None:
    assert "--in: not valid JSON" in str(bad(tmp_path, "{points"))
    assert "input: must be a JSON object" in str(bad(tmp_path, "[1, 2]"))
    with pytest.raises(CommandError, match="--in: cannot read"):
        call_command("water", "balance", "--in", str(tmp_path / "nope.json"))


def test_the_console_command_exits_non_zero_with_one_message(tmp_path) -> None:
    doc = copy.deepcopy(SMALL)
    doc["series"][1]["flow_l_s"] = "fast"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "zoneops.settings"}
    done = subprocess.run([sys.executable, "-m", "zoneops.cli", "water", "balance", "--in",
                           write(tmp_path, doc)], capture_output=True, text=True, env=env,
                          timeout=120)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.strip().splitlines() == [
        "CommandError: series[1].flow_l_s: must be a number or null, got 'fast'"]


def test_a_small_valid_chain_and_an_empty_series(tmp_path) -> None:
    stdout = io.StringIO()
    call_command("water", "balance", "--in", write(tmp_path, SMALL), stdout=stdout)
    assert json.loads(stdout.getvalue()) == {"anomalies": []}
    stdout = io.StringIO()
    call_command("water", "balance", "--in", write(tmp_path, {**SMALL, "series": []}),
                 stdout=stdout)
    assert json.loads(stdout.getvalue()) == {"anomalies": []}
    doc = copy.deepcopy(SMALL)  # N1 measures TP, S1 does not: say so, do not guess
    doc["series"][1]["tp_mg_l"] = 1.5
    stdout = io.StringIO()
    call_command("water", "balance", "--in", write(tmp_path, doc), stdout=stdout)
    [only] = json.loads(stdout.getvalue())["anomalies"]
    assert (only["point"], only["kind"], only["pollutant"]) == ("N1", "data_quality", "TP")
    assert "S1: sends no TP load" in only["why"] and only["residual_kg_h"] is None
