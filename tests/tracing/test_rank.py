"""The pure ranking (no database): odour presence and absence move probability the right way;
concentrations and odour together; the fan opens upwind."""

from __future__ import annotations

import math

import numpy as np

from zoneops.dispersion.inversion import Observations
from zoneops.dispersion.model import resolve_met
from zoneops.dispersion.schema import read_met
from zoneops.tracing.rank import fan_half_angle, rank, upwind_fan

MET = {"wind_speed_m_s": 3.0, "wind_height_m": 10.0, "wind_from_deg": 180.0,
       "stability": "D"}  # from the south: plumes go north
CANDIDATES = np.array([[0.0, 0.0, 5.0], [600.0, 0.0, 5.0]])  # A, and B 600 m east


def _model():
    return resolve_met(read_met({"met": MET}), 60.0)


def test_a_smell_downwind_of_a_points_at_a():
    odour = np.array([[0.0, 800.0, 1.0]])
    ranked = rank(_model(), CANDIDATES, observations=None, odour=odour)
    assert ranked.order[0] == 0 and ranked.probability[0] > 0.6
    assert ranked.rates == [None, None]


def test_no_smell_downwind_of_a_points_away_from_a():
    odour = np.array([[0.0, 500.0, 0.0], [0.0, 900.0, 0.0], [600.0, 700.0, 1.0]])
    ranked = rank(_model(), CANDIDATES, observations=None, odour=odour)
    assert ranked.order[0] == 1


def test_concentrations_and_odour_combine():
    # A station north of B reads a lot, one north of A reads nothing.
    rows = [(600.0, 1000.0, 3.0, 0.5)] * 10 + [(0.0, 1000.0, 3.0, 0.0)] * 10
    obs = Observations.from_rows(rows)
    ranked = rank(_model(), CANDIDATES, observations=obs, odour=np.array([[600, 800, 1.0]]))
    assert ranked.order[0] == 1 and ranked.probability[1] > 0.9
    rate = ranked.rates[1]
    assert rate["p05"] < rate["median"] < rate["p95"]
    assert abs(ranked.x_m - 600) < 100 and ranked.radius_90_m >= 0


def test_the_fan_opens_upwind():
    fan = upwind_fan(0.0, 0.0, 180.0, 30.0, length_m=1000.0)
    assert fan[0] == fan[-1] == (0.0, 0.0)
    arc = fan[1:-1]
    assert all(y < 0 for _x, y in arc)  # wind from the south: the fan points south
    assert all(abs(math.hypot(x, y) - 1000.0) < 1e-6 for x, y in arc)
    assert fan_half_angle(None) == 20.0 and fan_half_angle(90.0) == 60.0
