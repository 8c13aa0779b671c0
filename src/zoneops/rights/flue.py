"""Flue-gas loads of one stack (排气筒), free of Django: each hour's load is the hour's flue-gas
flow (a00000) × the pollutant's concentration, summed over the hours that have both; a year
is never mean flow × mean concentration. Codes, the flow's unit and the NO → NO2 factor are
data (data/flue_gas.json, with their sources)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data" / "flue_gas.json"
AIR_POLLUTANTS = ("SO2", "NOx", "VOCs")  # the ledger's names


@cache
def coefficients() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def factor_codes() -> tuple[str, ...]:
    """Every HJ 212 code the loads read: the flow and each pollutant's codes and parts."""
    data = coefficients()
    codes = [data["flow"]["code"]]
    for spec in data["pollutants"].values():
        codes += spec["codes"] + list(spec.get("from_parts", {}).values())
    return tuple(dict.fromkeys(codes))


def measured_flags() -> frozenset[str]:
    return frozenset(coefficients()["measured_flags"]["codes"])


@dataclass(frozen=True)
class StackLoad:
    pollutant: str
    tonnes: float
    hours: int  # hours with both a flow and a concentration


def concentration(pollutant: str, values: dict[str, float]) -> float | None:
    """The hour's concentration (mg/m³) of a ledger pollutant from the values sent that hour:
    its own code, else (NOx) NO2 + NO × 46/30 when both parts came. None: not measured."""
    spec = coefficients()["pollutants"][pollutant]
    for code in spec["codes"]:
        if values.get(code) is not None:
            return values[code]
    parts = spec.get("from_parts")
    if parts and values.get(parts["no2"]) is not None and values.get(parts["no"]) is not None:
        return values[parts["no2"]] + values[parts["no"]] * coefficients()["no_as_no2"]["value"]
    return None


def stack_loads(readings: Iterable[tuple[dt.datetime, str, float | None, str]]
                ) -> dict[str, StackLoad]:
    """One stack's loads per ledger pollutant from its hourly readings (hour, HJ 212 code,
    value in the factor's unit, flag). A value flagged other than N/T, or missing, is a gap."""
    data = coefficients()
    flow_code, per_hour = data["flow"]["code"], data["flow"]["to_m3_per_hour"]
    good = measured_flags()
    hours: dict[dt.datetime, dict[str, float]] = {}
    for when, code, value, flag in readings:
        if value is not None and flag in good:
            hours.setdefault(when, {})[code] = value
    kg = dict.fromkeys(AIR_POLLUTANTS, 0.0)
    covered = dict.fromkeys(AIR_POLLUTANTS, 0)
    for values in hours.values():
        flow = values.get(flow_code)
        if flow is None:
            continue
        for pollutant in AIR_POLLUTANTS:
            mg_m3 = concentration(pollutant, values)
            if mg_m3 is not None:
                kg[pollutant] += flow * per_hour * mg_m3 * 1e-6  # m³/h × mg/m³ → kg in 1 h
                covered[pollutant] += 1
    return {p: StackLoad(p, kg[p] / 1000, covered[p]) for p in AIR_POLLUTANTS}
