"""The one permission-matrix helper: a module supplies a table, this checks every cell.

Each `Row` says, for one URL and method, which roles succeed and what everyone else gets:
403 (denied: the role may not do this at all) or 404 (scoped: the object exists but is outside
the person's scope, so it is not there for them). Anonymous visitors get the matrix's
`anonymous` status (302 to the login page for pages, 401 for the API).

    PAGES = [Row("/units/", INTERNAL), Row("/alerts/{alert_a}/", READ_ALL | {"staff_a"}, 404),
             Row("/units/new/", {"admin"}, method="POST", data={...}, ok=None)]

    @pytest.mark.parametrize("row", PAGES, ids=ids(PAGES))
    def test_pages(world, row):
        Matrix(WORLD_ROLES, world.client, anonymous=302, fill=world_urls(world)).check(row)

`ok=None` leaves the allowed roles out (a write that would change the world for the next
role): the table then checks only the refusals, and a test beside it does the write.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.test import Client

# The roles of the shared `world` fixture (tests/conftest.py), in one place.
READ_ALL = frozenset({"admin", "office", "leader", "duty"})
MANAGERS = frozenset({"admin", "office"})
STAFF = frozenset({"staff_a", "staff_b", "staff_a1"})
INTERNAL = READ_ALL | STAFF
EVERYONE = INTERNAL | {"enterprise_a"}
WORLD_ROLES: tuple[str | None, ...] = ("admin", "office", "leader", "staff_a", "staff_b",
                                        "staff_a1", "duty", "enterprise_a", None)

DENIED = 403
SCOPED = 404


@dataclass(frozen=True)
class Row:
    url: str
    allowed: Collection[str]
    # What a signed-in role outside `allowed` gets: one status for all, or per role (a role
    # the mapping does not name is out of scope: 404).
    others: int | Mapping[str, int] = DENIED
    method: str = "GET"
    data: Mapping[str, Any] | None = None
    ok: int | Collection[int] | None = 200

    def expected(self, role: str | None, anonymous: int) -> int | Collection[int] | None:
        if role is None:
            return anonymous
        if role in self.allowed:
            return self.ok
        if isinstance(self.others, Mapping):
            return self.others.get(role, SCOPED)
        return self.others


@dataclass
class Matrix:
    roles: Sequence[str | None]
    client: Callable[[str | None], Client]
    anonymous: int = 302
    fill: Callable[[str], str] = field(default=lambda url: url)
    as_json: bool = False  # send POST bodies as JSON (the API) rather than a form

    def response(self, role: str | None, row: Row):
        client, url = self.client(role), self.fill(row.url)
        if row.method == "GET":
            return client.get(url)
        # Text values are filled like the URL, so a body can name the world's objects
        # ("{unit_a}") rather than ids that differ between databases.
        data = {k: self.fill(v) if isinstance(v, str) else v for k, v in (row.data or {}).items()}
        if self.as_json:
            return client.generic(row.method, url, json.dumps(data),
                                  content_type="application/json")
        return client.post(url, data)

    def check(self, row: Row) -> None:
        for role in self.roles:
            want = row.expected(role, self.anonymous)
            if want is None:
                continue
            response = self.response(role, row)
            got = response.status_code
            allowed = {want} if isinstance(want, int) else set(want)
            assert got in allowed, (
                f"{role} {row.method} {row.url}: {got}, expected {want}: {response.content[:200]}")
            if role is None and got == 302:
                assert response["Location"].startswith("/login/"), response["Location"]


def ids(rows: Sequence[Row]) -> list[str]:
    return [f"{row.method} {row.url}" for row in rows]


def world_urls(world) -> Callable[[str], str]:
    """Fills {unit_a}, {enterprise_a}, {enterprise_b}, {alert_a}, {alert_b} from the world."""
    names = {"unit_a": world.unit_a.pk, "enterprise_a": world.enterprise_a.pk,
             "enterprise_b": world.enterprise_b.pk, "alert_a": world.alert_a.pk,
             "alert_b": world.alert_b.pk}
    return lambda url: url.format(**names)
