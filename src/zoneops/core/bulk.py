"""Inserting many new rows at once, for the few writes that are that large (a 10,000-row
list import: items, nodes, lights, audit entries).

`bulk_create` on PostgreSQL binds on the client and sends each column as an array
(``UNNEST``): psycopg quotes every element of those arrays through regular expressions, and a
JSON value (an audit entry's after, a light's inputs) is all quotes, so most of a large
import's time went there. Here PostgreSQL gets COPY (the values adapted by psycopg's C
dumpers); other databases get one executemany (`bulk_create` when ids are wanted back).
Nothing is validated or signalled: callers pass model instances they built and checked,
inside their own transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from operator import attrgetter
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models

# Types the driver takes as Python holds them (Django's preparation is the identity for them);
# every other field goes through get_db_prep_save. SQLite wants dates as text.
_PLAIN = {"AutoField", "BigAutoField", "BigIntegerField", "BooleanField", "CharField",
          "ForeignKey", "IntegerField", "OneToOneField", "PositiveBigIntegerField",
          "PositiveIntegerField", "PositiveSmallIntegerField", "SlugField", "SmallAutoField",
          "SmallIntegerField", "TextField"}
_PLAIN_POSTGRES = _PLAIN | {"DateField", "DecimalField"}


def _getters(db: Any, fields: list[models.Field]) -> list[Callable[[models.Model], Any]]:
    plain = _PLAIN_POSTGRES if db.vendor == "postgresql" else _PLAIN

    def getter(field: models.Field) -> Callable[[models.Model], Any]:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            return lambda obj: field.get_db_prep_save(field.pre_save(obj, True), db)
        if field.get_internal_type() in plain:
            return attrgetter(field.attname)
        if field.get_internal_type() == "DateField":  # SQLite: ISO text, as Django writes it
            get = attrgetter(field.attname)
            return lambda obj: (value.isoformat() if type(value := get(obj)) is date
                                else field.get_db_prep_save(value, db))
        return lambda obj: field.get_db_prep_save(getattr(obj, field.attname), db)

    return [getter(f) for f in fields]


def _copy(db: Any, model: type[models.Model], objs: Sequence[models.Model],
          fields: list[models.Field]) -> None:
    import psycopg

    table = db.ops.quote_name(model._meta.db_table)
    columns = ", ".join(db.ops.quote_name(f.column) for f in fields)
    getters = _getters(db, fields)
    # The driver's own errors become Django's (a unique clash is an IntegrityError callers
    # already retry on), as they would through a Django cursor.
    with db.wrap_database_errors, psycopg.Cursor(db.connection) as cursor, cursor.copy(
            f"COPY {table} ({columns}) FROM STDIN") as copy:
        for obj in objs:
            copy.write_row([get(obj) for get in getters])


def _executemany(db: Any, model: type[models.Model], objs: Sequence[models.Model],
                 fields: list[models.Field]) -> None:
    table = db.ops.quote_name(model._meta.db_table)
    columns = ", ".join(db.ops.quote_name(f.column) for f in fields)
    getters = _getters(db, fields)
    marks = ", ".join(["%s"] * len(fields))
    with db.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608 - names from the model
                           [[get(obj) for get in getters] for obj in objs])


def insert_all(model: type[models.Model], objs: Sequence[models.Model], *,
               ids: bool = False, batch_size: int = 1000) -> None:
    """Insert `objs` (new instances of `model`). With ids=True each gets its primary key
    (reserved from the table's sequence on PostgreSQL, returned by the insert elsewhere)."""
    if not objs:
        return
    db = connections[DEFAULT_DB_ALIAS]
    pk = model._meta.pk
    fields = [f for f in model._meta.concrete_fields if f is not pk]
    if db.vendor != "postgresql":
        if ids:
            model._default_manager.bulk_create(objs, batch_size=batch_size)
        else:
            _executemany(db, model, objs, fields)
        return
    db.ensure_connection()
    if ids:
        with db.cursor() as cursor:
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) "
                           "FROM generate_series(1, %s)",
                           [model._meta.db_table, pk.column, len(objs)])
            for obj, (value,) in zip(objs, cursor.fetchall(), strict=True):
                obj.pk = value
        fields = [pk, *fields]
    _copy(db, model, objs, fields)
    for obj in objs:
        obj._state.adding, obj._state.db = False, db.alias
