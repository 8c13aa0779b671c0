"""Pure dispersion and source-tracing library (NumPy/SciPy, no Django).

Gaussian plume and puff chain, Pasquill-Gifford stability, Briggs sigmas, and a Bayesian
source inversion.  See docs/dispersion.md for the models, their validation and limits.
"""

from .geo import LocalProjection
from .inversion import Observations, trace_candidates, trace_document, trace_grid
from .model import predict_case, resolve_met
from .plume import PlumeModel, WindStep, puff_chain, vertical_term
from .schema import InputError
from .sigma import averaging_factor, briggs_sigmas, sigma_y_from_sigma_theta
from .stability import classify, from_obukhov, from_sigma_theta, from_turner
from .wind import vector_mean_direction, yamartino_sigma_theta

__all__ = [
    "InputError", "LocalProjection", "Observations", "PlumeModel", "WindStep",
    "averaging_factor", "briggs_sigmas", "classify", "from_obukhov", "from_sigma_theta",
    "from_turner", "predict_case", "puff_chain", "resolve_met", "sigma_y_from_sigma_theta",
    "trace_candidates", "trace_document", "trace_grid", "vector_mean_direction",
    "vertical_term", "yamartino_sigma_theta",
]
