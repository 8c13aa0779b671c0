"""Coefficient tables, as data, each with its source.

Every number here is copied from a cited text; nothing is fitted in this package.
"""

from __future__ import annotations

CLASSES: tuple[str, ...] = ("A", "B", "C", "D", "E", "F")

#: Briggs (1973) open-country (rural) dispersion coefficients, x in metres (valid roughly
#: 100 m - 10 km); sigma = a * x * (1 + b * x) ** p.  Source: Briggs, G.A. (1973) "Diffusion
#: estimation for small emissions", ATDL-106, as tabulated in Hanna, Briggs & Hosker (1982)
#: "Handbook on Atmospheric Diffusion", Table 4.5, and in ZoneOps reference dispersion.md.
BRIGGS_RURAL: dict[str, dict[str, tuple[float, float, float]]] = {
    "A": {"y": (0.22, 0.0001, -0.5), "z": (0.20, 0.0, 1.0)},
    "B": {"y": (0.16, 0.0001, -0.5), "z": (0.12, 0.0, 1.0)},
    "C": {"y": (0.11, 0.0001, -0.5), "z": (0.08, 0.0002, -0.5)},
    "D": {"y": (0.08, 0.0001, -0.5), "z": (0.06, 0.0015, -0.5)},
    "E": {"y": (0.06, 0.0001, -0.5), "z": (0.03, 0.0003, -1.0)},
    "F": {"y": (0.04, 0.0001, -0.5), "z": (0.016, 0.0003, -1.0)},
}

#: Briggs (1973) urban coefficients (McElroy-Pooler St. Louis data), same form and sources.
BRIGGS_URBAN: dict[str, dict[str, tuple[float, float, float]]] = {
    "A": {"y": (0.32, 0.0004, -0.5), "z": (0.24, 0.001, 0.5)},
    "B": {"y": (0.32, 0.0004, -0.5), "z": (0.24, 0.001, 0.5)},
    "C": {"y": (0.22, 0.0004, -0.5), "z": (0.20, 0.0, 1.0)},
    "D": {"y": (0.16, 0.0004, -0.5), "z": (0.14, 0.0003, -0.5)},
    "E": {"y": (0.11, 0.0004, -0.5), "z": (0.08, 0.0015, -0.5)},
    "F": {"y": (0.11, 0.0004, -0.5), "z": (0.08, 0.0015, -0.5)},
}

#: Lower bounds of sigma-theta (degrees) per class, daytime.  Source: US EPA (2000)
#: "Meteorological Monitoring Guidance for Regulatory Modeling Applications",
#: EPA-454/R-99-005, section 6.4.4 (sigma-A method), as given in ZoneOps dispersion.md.
#: The night-time wind-speed adjustment of that guidance is NOT applied (not confirmed
#: against a second text here); results flag it.
SIGMA_THETA_LOWER_DEG: tuple[tuple[str, float], ...] = (
    ("A", 22.5), ("B", 17.5), ("C", 12.5), ("D", 7.5), ("E", 3.75), ("F", 0.0),
)

#: Golder (1972) nomogram, as the straight-line fit 1/L = a + b * log10(z0) for the
#: centre of each class (z0 in metres).  Source: Seinfeld & Pandis (2006) "Atmospheric
#: Chemistry and Physics", 2nd ed., ch. 18 (the table relating Pasquill classes to L; its
#: number was not confirmed here), after Golder, D. (1972) Boundary-Layer Meteorology 3,
#: 47-58.  A class is chosen as the line nearest to the measured 1/L.
GOLDER_INV_L: dict[str, tuple[float, float]] = {
    "A": (-0.096, 0.029),
    "B": (-0.037, 0.029),
    "C": (-0.002, 0.018),
    "D": (0.0, 0.0),
    "E": (0.004, -0.018),
    "F": (0.035, -0.036),
}

#: Pasquill (1961) classes from surface wind speed (10 m) and insolation / night cloud, as
#: in Turner, D.B. (1970) "Workbook of Atmospheric Dispersion Estimates", AP-26, Table 1.
#: Rows: upper wind-speed bound (m/s).  Day columns: strong, moderate, slight insolation;
#: night columns: thinly overcast or >= 4/8 low cloud, <= 3/8 cloud.  A two-class cell
#: ("A-B") is resolved to the MORE stable class (higher ground-level concentration for
#: near-ground releases: the cautious choice for a warning system).  Turner leaves night
#: with wind < 2 m/s blank; we use F there, as the regulatory convention does, and flag it.
#: Overcast (day or night) is D.
TURNER_TABLE: tuple[tuple[float, tuple[str, str, str], tuple[str, str]], ...] = (
    (2.0, ("A-B", "A-B", "B"), ("F", "F")),
    (3.0, ("A-B", "B", "C"), ("E", "F")),
    (5.0, ("B", "B-C", "C"), ("D", "E")),
    (6.0, ("C", "C-D", "D"), ("D", "D")),
    (float("inf"), ("C", "D", "D"), ("D", "D")),
)

#: Lateral dispersion from measured turbulence: sigma_y = sigma_theta * x * f_y(t),
#: f_y = 1 / (1 + 0.9 * sqrt(t / T_y)), T_y = 1000 s, t = x / u travel time.
#: Source: Draxler, R.R. (1976) Atmospheric Environment 10, 99-105, as recommended in
#: Hanna, Briggs & Hosker (1982), section 4.3 and Irwin (1983) J. Clim. Appl. Meteor. 22.
DRAXLER_FY = {"a": 0.9, "T_s": 1000.0}

#: Averaging-time correction sigma_y(t) = sigma_y(10 min) * (t / 600 s) ** 0.2 for the
#: Briggs/Pasquill curves, which describe ~10-minute averages.  Source: Turner (1970),
#: ch. 3 and ZoneOps dispersion.md ("~(t/10 min)^0.2").
AVERAGING_REFERENCE_S = 600.0
AVERAGING_EXPONENT = 0.2

#: Roughness length (m) from which we use the urban (built-up) curves.  A convention of this
#: package (built-up areas have z0 of order 0.5 - 2 m, Stull 1988 fig. 9.6), stated here.
URBAN_ROUGHNESS_M = 0.5

#: Von Karman constant and Businger-Dyer stability-function constants (Businger et al. 1971
#: as revised by Hogstrom 1988; Stull 1988 section 9.7): phi_m = (1 - 16 z/L)^-1/4 unstable,
#: 1 + 5 z/L stable.
VON_KARMAN = 0.4
