"""Analytic checks of the plume, sigma tables, stability and wind arithmetic."""

import math

import numpy as np
import pytest
from scipy import integrate

from zoneops.dispersion import (
    LocalProjection,
    PlumeModel,
    WindStep,
    briggs_sigmas,
    from_obukhov,
    from_sigma_theta,
    from_turner,
    puff_chain,
    vector_mean_direction,
    vertical_term,
)
from zoneops.dispersion.stability import classify


def model(**kw) -> PlumeModel:
    base = {"stability": "D", "wind_speed_m_s": 4.0, "wind_from_deg": 270.0}
    base.update(kw)
    return PlumeModel(**base)


def test_crosswind_integral_conserves_mass_flux():
    # u * integral of C over the crosswind plane = Q (ground reflection doubles the half-space).
    m = model(stability="C")
    x, q = 500.0, 1.0
    sy, sz = (float(v) for v in m.sigmas(x))

    def c(z, y):
        return float(m.unit_concentration(0, 0, 20.0, x, y, z)) * q

    flux, _ = integrate.dblquad(c, -6 * sy, 6 * sy, 0, 20 + 8 * sz)
    assert flux * 4.0 == pytest.approx(q, rel=2e-3)


def test_wind_from_west_carries_plume_east_and_is_symmetric():
    m = model(wind_from_deg=270.0)
    east = m.unit_concentration(0, 0, 5, 300, 0, 1.5)
    west = m.unit_concentration(0, 0, 5, -300, 0, 1.5)
    assert east > 0 and west == 0
    north = m.unit_concentration(0, 0, 5, 300, 40, 1.5)
    south = m.unit_concentration(0, 0, 5, 300, -40, 1.5)
    assert north == pytest.approx(south, rel=1e-12) and north < east


def test_ground_reflection_doubles_ground_source_at_ground():
    sz = np.array([7.0])
    assert vertical_term(0.0, 0.0, sz)[0] == pytest.approx(2.0)
    assert vertical_term(0.0, 30.0, sz)[0] == pytest.approx(2 * math.exp(-30 ** 2 / (2 * 49)))


def test_mixing_height_lid_reaches_well_mixed_limit():
    h = 200.0
    below = vertical_term(1.5, 10.0, np.array([1.5 * h]), mixing_height=h)[0]
    mixed = vertical_term(1.5, 10.0, np.array([2.0 * h]), mixing_height=h)[0]
    assert mixed == pytest.approx(math.sqrt(2 * math.pi) * 2.0)  # sqrt(2 pi) sz / h
    assert below == pytest.approx(math.sqrt(2 * math.pi) * 1.5, rel=0.05)  # images converge


@pytest.mark.parametrize("cls,sy,sz", [
    ("A", 0.22 * 1000 / math.sqrt(1.1), 0.20 * 1000),
    ("D", 0.08 * 1000 / math.sqrt(1.1), 0.06 * 1000 / math.sqrt(2.5)),
    ("F", 0.04 * 1000 / math.sqrt(1.1), 0.016 * 1000 / 1.3),
])
def test_briggs_rural_reference_values_at_1km(cls, sy, sz):
    got_y, got_z = briggs_sigmas(cls, 1000.0)
    assert float(got_y) == pytest.approx(sy) and float(got_z) == pytest.approx(sz)


def test_briggs_urban_reference_values():
    y, z = briggs_sigmas("B", 1000.0, urban=True)
    assert float(y) == pytest.approx(0.32 * 1000 / math.sqrt(1.4))
    assert float(z) == pytest.approx(0.24 * 1000 * math.sqrt(2.0))


def test_averaging_time_widens_sigma_y():
    short, long = model(averaging_time_s=600.0), model(averaging_time_s=3600.0)
    assert float(long.sigmas(500)[0]) / float(short.sigmas(500)[0]) == pytest.approx(6 ** 0.2)


def test_vector_mean_direction():
    assert vector_mean_direction([350, 10]) == pytest.approx(0.0, abs=1e-9) or \
        vector_mean_direction([350, 10]) == pytest.approx(360.0)
    assert vector_mean_direction([80, 100]) == pytest.approx(90.0)
    with pytest.raises(ValueError):
        vector_mean_direction([0, 180])


@pytest.mark.parametrize("st,cls", [(22.5, "A"), (22.49, "B"), (17.5, "B"), (12.5, "C"),
                                    (12.49, "D"), (7.5, "D"), (3.75, "E"), (3.74, "F")])
def test_sigma_theta_class_boundaries(st, cls):
    assert from_sigma_theta(st) == cls


def test_golder_and_turner():
    assert from_obukhov(-5.0, 0.01) == "A"
    assert from_obukhov(1e6, 0.1) == "D"
    assert from_obukhov(15.0, 0.1) == "F"
    assert from_turner(1.5, daytime=True, insolation="strong") == "B"  # A-B -> B (cautious)
    assert from_turner(4.0, daytime=False, cloud_oktas=2) == "E"
    assert from_turner(4.0, daytime=True, insolation="slight", overcast=True) == "D"
    cls, method, _ = classify(obukhov_length_m=-84.0, roughness_m=0.006, sigma_theta_deg=30)
    assert method == "obukhov_golder_1972" and cls == "D"  # 1/L = -0.012 is nearest D
    assert from_obukhov(-10.0, 0.006) == "B"  # B line at z0 = 6 mm: 1/L = -0.101
    assert classify()[0:2] == ("D", "default_neutral")


def test_local_projection_round_trip_and_scale():
    p = LocalProjection(118.8, 32.0)
    x, y = p.to_xy(118.81, 32.01)
    assert 940 < x < 950 and 1108 < y < 1112  # ~0.01 deg at 32 N
    lon, lat = p.to_lonlat(x, y)
    assert lon == pytest.approx(118.81) and lat == pytest.approx(32.01)


def test_puff_chain_matches_steady_plume_and_follows_a_turning_wind():
    m = model(stability="D", wind_speed_m_s=3.0, wind_from_deg=270.0)
    rec = np.array([[600.0, 0.0, 1.5]])
    steady = float(m.unit_concentration(0, 0, 2.0, 600, 0, 1.5))
    puffs = puff_chain(m, source_xy=(0, 0), height=2.0, release=[(0, 1200, 1.0)],
                       winds=[WindStep(0, 3.0, 270.0)], receptors=rec, at_s=1200, puffs_per_s=1)
    assert puffs[0] == pytest.approx(steady, rel=0.1)
    turned = puff_chain(m, source_xy=(0, 0), height=2.0, release=[(0, 1200, 1.0)],
                        winds=[WindStep(0, 3.0, 270.0), WindStep(900, 3.0, 180.0)],
                        receptors=np.array([[600.0, 0, 1.5], [0, 600, 1.5]]), at_s=1200,
                        puffs_per_s=1)
    assert turned[1] > 0  # the recent puffs went north
    assert turned[0] < puffs[0]
