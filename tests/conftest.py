"""Shared fixtures: a small world with two unit trees, enterprises in each, and every role."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils import translation

from zoneops.core import credit_code
from zoneops.core.models import Alert, Enterprise, Place, Role, Unit, User
from zoneops.core.services.alerts import raise_alert
from zoneops.core.services.org import (
    create_enterprise,
    create_place,
    create_unit,
)
from zoneops.core.services.people import create_user

PASSWORD = "Test-pass-2026!"

SQUARE = {"type": "Polygon", "coordinates": [[[120.9, 30.7], [120.91, 30.7], [120.91, 30.71],
                                              [120.9, 30.71], [120.9, 30.7]]]}


@dataclass
class World:
    users: dict[str, User]
    unit_a: Unit
    unit_a_child: Unit
    unit_b: Unit
    block: Place
    enterprise_a: Enterprise
    enterprise_b: Enterprise
    alert_a: Alert
    alert_b: Alert

    def client(self, who: str | None) -> Client:
        client = Client()
        if who is not None:
            client.force_login(self.users[who])
        return client


def make_code(n: int) -> str:
    return credit_code.make("91", "330499", f"MA{n:06d}")


@pytest.fixture(autouse=True)
def test_settings(settings, tmp_path):
    """Argon2 is deliberately slow; tests that are not about hashing use a fast hasher
    (tests/core/test_login.py proves the real configuration uses Argon2). Uploads go to a
    temporary folder."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    # A request in English leaves English active in the thread; each test starts in the
    # platform's own language, as a command or a worker job does.
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def world(db) -> World:
    admin = create_user(None, {"username": "admin", "full_name": "管理员", "role": Role.ADMIN},
                        password=PASSWORD)
    zone = create_place(admin, {"code": "Z", "name": "测试开发区", "kind": "zone",
                              "geometry": SQUARE})
    block = create_place(admin, {"code": "B01", "name": "一号板块", "kind": "block",
                               "parent": zone, "geometry": SQUARE})
    unit_a = create_unit(admin, {"code": "A", "name": "经济发展局", "kind": "department"},
                         aliases=["经发局"])
    unit_a_child = create_unit(admin, {"code": "A1", "name": "经济运行科", "parent": unit_a})
    unit_b = create_unit(admin, {"code": "B", "name": "建设局", "kind": "department"})
    enterprise_a = create_enterprise(admin, {"credit_code": make_code(1), "name": "甲化工有限公司",
                                           "unit": unit_a, "block": block,
                                           "in_chemical_park": True})
    enterprise_b = create_enterprise(admin, {"credit_code": make_code(2), "name": "乙建材有限公司",
                                           "unit": unit_b})
    people = {
        "admin": admin,
        "office": create_user(None, {"username": "office", "role": Role.OFFICE}, password=PASSWORD),
        "leader": create_user(None, {"username": "leader", "role": Role.LEADER}, password=PASSWORD),
        "staff_a": create_user(None, {"username": "staff_a", "role": Role.UNIT_STAFF,
                                    "unit": unit_a}, password=PASSWORD),
        "staff_a1": create_user(None, {"username": "staff_a1", "role": Role.UNIT_STAFF,
                                     "unit": unit_a_child}, password=PASSWORD),
        "staff_b": create_user(None, {"username": "staff_b", "role": Role.UNIT_STAFF,
                                    "unit": unit_b}, password=PASSWORD),
        "duty": create_user(None, {"username": "duty", "role": Role.DUTY_OFFICER},
                            password=PASSWORD),
        "enterprise_a": create_user(None, {"username": "ent_a", "role": Role.ENTERPRISE,
                                         "enterprise": enterprise_a}, password=PASSWORD),
    }
    alert_a = raise_alert(module="test", key="a", level=Alert.Level.RED, title="甲单位告警",
                          unit=unit_a, enterprise=enterprise_a)
    alert_b = raise_alert(module="test", key="b", level=Alert.Level.YELLOW, title="乙单位告警",
                          unit=unit_b, enterprise=enterprise_b)
    return World(people, unit_a, unit_a_child, unit_b, block, enterprise_a, enterprise_b,
                 alert_a, alert_b)


@pytest.fixture(autouse=True, scope="session")
def _flush_around_audit_triggers() -> None:
    """pytest-django empties the database after a `transaction=True` test with Django's flush,
    which on SQLite is a DELETE per table: the audit trail's append-only trigger refuses it.
    For the test database only, lift the triggers for the flush and put them back after."""
    from django.db import connection

    from zoneops.core.migrations import _audit_sql

    if connection.vendor == "sqlite":
        lift, put_back = _audit_sql.SQLITE_DOWN, _audit_sql.SQLITE_UP
    else:  # PostgreSQL's flush is TRUNCATE, which a statement trigger refuses
        lift = _audit_sql.POSTGRES_NO_TRUNCATE_DOWN
        put_back = _audit_sql.POSTGRES_NO_TRUNCATE_UP
    operations = type(connection.ops)
    original = operations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        statements = original(self, style, tables, reset_sequences=reset_sequences,
                              allow_cascade=allow_cascade)
        if "core_auditentry" not in tables:
            return statements
        return [*lift, *statements, *put_back]

    operations.sql_flush = sql_flush
