"""ZoneOps: the operations platform of a development zone and its chemical park."""

__version__ = "0.1.0"
