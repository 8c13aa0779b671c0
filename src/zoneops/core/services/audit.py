"""Recording the audit trail. Callers pass what they changed; this module never decides policy."""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.fields.files import FieldFile

from ..bulk import insert_all
from ..models import AuditAction, AuditEntry

_SCALARS = frozenset({str, int, float, bool, type(None)})


def _plain(value: Any) -> Any:
    if type(value) in _SCALARS:  # most of a snapshot: answered before any isinstance
        return value
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, FieldFile):  # an empty one has no url: hasattr would raise
        return value.name or ""
    return value


SKIPPED_FIELDS = {"password", "digest", "secret", "last_login"}


def snapshot(obj: models.Model) -> dict[str, Any]:
    """The object's own field values, JSON-safe; related objects by their name, secrets left out,
    and so are bulky machine-made fields a model names in ``audit_skipped_fields`` (an
    alert's attached readings and wind: context, not anybody's decision)."""
    data: dict[str, Any] = {}
    skipped = SKIPPED_FIELDS.union(getattr(obj, "audit_skipped_fields", ()))
    for field in obj._meta.concrete_fields:
        if field.name in skipped or field.primary_key:
            continue
        if field.is_relation:
            data[field.name] = _plain(getattr(obj, field.name)) if getattr(
                obj, field.attname) is not None else None
        else:
            data[field.name] = _plain(getattr(obj, field.attname))
    return data


def entry(actor, action: AuditAction | str, obj: models.Model, before: dict | None = None,
          after: dict | None = None, reason: str = "", *, text: str | None = None
          ) -> AuditEntry:
    """An unsaved audit entry; ``text`` names the object as it was when it was changed (by
    default its name now). :func:`record` saves one, :func:`record_all` many at once."""
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEntry(
        actor=actor_obj,
        actor_name=(str(actor_obj) if actor_obj else (actor if isinstance(actor, str)
                                                       else "system")),
        action=action,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        object_repr=(str(obj) if text is None else text)[:200],
        before=_plain(before) if before is not None else None,
        after=_plain(after) if after is not None else None,
        reason=reason,
    )


def record(actor, action: AuditAction | str, obj: models.Model, before: dict | None = None,
           after: dict | None = None, reason: str = "") -> AuditEntry:
    audit = entry(actor, action, obj, before, after, reason)
    audit.save()
    return audit


def record_all(entries: list[AuditEntry]) -> None:
    """Save many entries in a few statements (alerts raised by one ingest batch, the items of
    one import): COPY on PostgreSQL (see core.bulk)."""
    insert_all(AuditEntry, entries)


def delete_audited(actor, obj: models.Model, reason: str = "") -> None:
    """Record the object as it was, then delete it (the hazards registry removes units and
    equipment this way)."""
    record(actor, AuditAction.DELETE, obj, snapshot(obj), None, reason)
    obj.delete()


def save_audited(actor, obj: models.Model, changes: dict[str, Any], reason: str = "",
                 action: AuditAction | str | None = None) -> models.Model:
    """Validate, save and audit one model instance with `changes` applied.

    Raises django ValidationError with a message per field when the result is invalid.
    """
    creating = obj.pk is None
    before = None if creating else snapshot(obj)
    for name, value in changes.items():
        setattr(obj, name, value)
    obj.full_clean()
    obj.save()
    after = snapshot(obj)
    if before is not None and before == after:
        return obj
    record(actor, action or (AuditAction.CREATE if creating else AuditAction.UPDATE), obj,
           before, after, reason)
    return obj
