"""Every write to the major-hazard registry, the 包保 chain and emergency resources:
permission-checked, validated, one transaction, audited. Any change to what a unit's grade
depends on re-assesses it; a new assessment row is kept only when the inputs really changed,
so the rows are the unit's history of grades. One module per group of actions, re-exported
here so callers import `services`."""

from .places import PLACE_FIELDS, create_sensitive_place, update_sensitive_place
from .registry import (
    CHEMICAL_FIELDS,
    EQUIPMENT_FIELDS,
    UNIT_FIELDS,
    batch,
    create_chemical,
    create_equipment,
    create_unit,
    delete_equipment,
    delete_unit,
    reassess,
    set_holding,
    update_chemical,
    update_equipment,
    update_unit,
)
from .resources import (
    PLAN_FIELDS,
    RESOURCE_FIELDS,
    create_plan,
    create_resource,
    update_plan,
    update_resource,
)
from .responsibility import (
    DUTY_ALERT_LEVEL,
    DUTY_PHOTO_MAX_BYTES,
    DUTY_PHOTOS_MAX,
    RESPONSIBLE_FIELDS,
    check_duties,
    create_responsible,
    duty_alert_key,
    record_duty,
    update_responsible,
)

__all__ = [
    "CHEMICAL_FIELDS", "DUTY_ALERT_LEVEL", "DUTY_PHOTOS_MAX", "DUTY_PHOTO_MAX_BYTES",
    "EQUIPMENT_FIELDS", "PLACE_FIELDS", "PLAN_FIELDS", "RESOURCE_FIELDS", "RESPONSIBLE_FIELDS",
    "UNIT_FIELDS", "batch", "check_duties", "create_chemical", "create_equipment", "create_plan",
    "create_resource", "create_responsible", "create_sensitive_place", "create_unit",
    "delete_equipment", "delete_unit", "duty_alert_key", "reassess", "record_duty",
    "set_holding", "update_chemical", "update_equipment", "update_plan", "update_resource",
    "update_responsible", "update_sensitive_place", "update_unit",
]
