"""Every write of the environment module: the station registry (audited, admin only), ingest
of readings (machines: idempotent, one transaction), gateway counters, alarm rules and
maintenance windows. One module per group of actions, re-exported here so callers import
`services`."""

from ..convert import ReadingIn, Upload  # what ingest takes, for callers of `services`
from .ingest import (
    LOGGED_CONFLICTS,
    IngestResult,
    check_silence,
    ingest,
    ingest_batch,
    record_gateway_throttle,
    record_reject,
)
from .maintenance import (
    MAX_MAINTENANCE,
    create_maintenance,
    end_maintenance,
    update_maintenance,
)
from .rules import DEFAULT_RULES, load_rules
from .stations import STATION_FIELDS, create_station, factor_ids, update_station

__all__ = ["DEFAULT_RULES", "LOGGED_CONFLICTS", "MAX_MAINTENANCE", "STATION_FIELDS",
           "IngestResult", "ReadingIn", "Upload", "check_silence", "create_maintenance",
           "create_station", "end_maintenance", "factor_ids", "ingest", "ingest_batch",
           "load_rules", "record_gateway_throttle", "record_reject", "update_maintenance",
           "update_station"]
