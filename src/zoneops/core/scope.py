"""Row-level scope, declared once per model (NetBox's `restrict(user, action)` idea).

A model's scope is a table: for each action, which roles see every row (`ALL`) and which see
only the rows reached through some of its fields (`Via`). From that one declaration come both
the queryset (`scope.restrict(user, action)`) and the object check (`scope.allows(user, obj,
action)`), so the two can never disagree. Out-of-scope rows are simply not in the queryset:
pages and the API look objects up through it and answer 404.

    ENTERPRISES = Scope(Enterprise, view={
        READ_ALL: ALL,
        Role.UNIT_STAFF: Via(units=("unit",)),
        Role.ENTERPRISE: Via(enterprises=("pk",)),
    })

`Via(units=...)` names fields holding a unit (a foreign key or a many-to-many, or a path
such as "item__lead_unit", which may also run back along a foreign key, as
"roll__community__unit" from a campaign to the units of the communities on its roll): unit
staff reach the rows of their unit and of every unit below it. `enterprises=` names fields holding
the person's enterprise (`"pk"` for the enterprise itself), `users=` fields holding the person.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Model, Q, QuerySet
from django.http import Http404

from .models.org import Unit
from .models.people import Role

if TYPE_CHECKING:
    from .models import User


def role_of(user: User) -> str | None:
    """The role a person acts in (None: anonymous or inactive; a superuser is an admin)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return Role.ADMIN if user.is_superuser else user.role


def descendant_unit_ids(unit_id: int) -> set[int]:
    """A unit and every unit below it (the tree is small: one query, walked in memory)."""
    children: dict[int | None, list[int]] = {}
    for pk, parent in Unit.objects.values_list("pk", "parent_id"):
        children.setdefault(parent, []).append(pk)
    found, todo = set(), [unit_id]
    while todo:
        current = todo.pop()
        if current not in found:
            found.add(current)
            todo.extend(children.get(current, []))
    return found


def unit_scope_ids(user: User) -> set[int]:
    """The units a member of staff acts for: their own and every unit below it."""
    if role_of(user) != Role.UNIT_STAFF or user.unit_id is None:
        return set()
    return descendant_unit_ids(user.unit_id)


class _All:
    """Every row (for the roles it is given to)."""

    def __repr__(self) -> str:
        return "ALL"


ALL = _All()


@dataclass(frozen=True)
class Via:
    """Rows reached through fields: units (with the units below), the person's enterprise, the
    person themself. A row qualifies if any named field matches."""

    units: tuple[str, ...] = ()
    enterprises: tuple[str, ...] = ()
    users: tuple[str, ...] = ()


Rule = _All | Via
# role (or a set of roles) -> rule; roles not named see nothing.
RoleTable = Mapping[str | frozenset[str], Rule]


@dataclass
class Scope:
    model: type[Model]
    actions: dict[str, dict[str, Rule]] = field(default_factory=dict)

    def __init__(self, model: type[Model], **actions: RoleTable) -> None:
        self.model = model
        self.actions = {name: _flatten(table) for name, table in actions.items()}

    # -- the two faces of one declaration ---------------------------------------------------

    def restrict(self, user: User, action: str = "view",
                 queryset: QuerySet | None = None) -> QuerySet:
        """The rows `user` may `action`: the queryset every list and look-up starts from."""
        qs = self.model._default_manager.all() if queryset is None else queryset
        rule = self._rule(user, action)
        if rule is None:
            return qs.none()
        if rule is ALL:
            return qs
        condition = self._q(user, rule)
        return qs.filter(condition) if condition is not None else qs.none()

    def allows(self, user: User, obj: Model, action: str = "view") -> bool:
        """The same rule checked on one object in memory (no query beyond the unit tree)."""
        rule = self._rule(user, action)
        if rule is None:
            return False
        if rule is ALL:
            return True
        return self._matches(user, rule, obj)

    def get(self, user: User, action: str = "view", queryset: QuerySet | None = None,
            **lookup: Any) -> Model:
        """One object in scope, or 404: out of scope and absent look the same from outside."""
        found = self.restrict(user, action, queryset).filter(**lookup).first()
        if found is None:
            raise Http404
        return found

    # -- internals ----------------------------------------------------------------------------

    def _rule(self, user: User, action: str) -> Rule | None:
        try:
            table = self.actions[action]
        except KeyError:
            raise ValueError(f"{self.model.__name__} declares no scope for {action!r}") from None
        role = role_of(user)
        return table.get(role) if role is not None else None

    def _path(self, name: str) -> list:
        """The model fields along a path like "community__unit" ([] for "pk")."""
        if name == "pk":
            return []
        model, fields = self.model, []
        for part in name.split("__"):
            field = model._meta.get_field(part)
            fields.append(field)
            model = field.related_model
        return fields

    def _field(self, name: str):
        """The model field at the end of a path, or None for "pk"."""
        path = self._path(name)
        return path[-1] if path else None

    def _is_many(self, name: str) -> bool:
        """Whether a row can reach several values through the path (a many-to-many, or a
        foreign key followed backwards)."""
        return any(f.many_to_many or f.one_to_many for f in self._path(name))

    def _runs_backwards(self, name: str) -> bool:
        return any(f.one_to_many for f in self._path(name))

    def _column(self, name: str) -> str:
        field = self._field(name)
        if field is None or self._is_many(name):
            return name
        return "__".join([*name.split("__")[:-1], field.attname])

    def _q(self, user: User, rule: Via) -> Q | None:
        parts: list[Q] = []
        if rule.units:
            scope = unit_scope_ids(user)
            for name in rule.units:
                if self._is_many(name):
                    # Through a subquery, so a row with two matching units is not listed twice.
                    through = self.model._default_manager.filter(**{f"{name}__in": scope})
                    parts.append(Q(pk__in=through.values("pk")))
                else:
                    parts.append(Q(**{f"{self._column(name)}__in": scope}))
        if rule.enterprises and getattr(user, "enterprise_id", None):
            parts += [Q(**{self._column(name): user.enterprise_id}) for name in rule.enterprises]
        parts += [Q(**{self._column(name): user.pk}) for name in rule.users]
        if not parts:
            return None
        condition = parts[0]
        for part in parts[1:]:
            condition |= part
        return condition

    def _values(self, obj: Model, name: str) -> set[Any]:
        if self._runs_backwards(name):  # rows on the other side: one query, as restrict does
            found = self.model._default_manager.filter(pk=obj.pk).values_list(name, flat=True)
            return set(found) - {None}
        *path, last = name.split("__")
        for part in path:
            obj = getattr(obj, part)
            if obj is None:
                return set()
        if self._is_many(name):
            return {related.pk for related in getattr(obj, last).all()}
        return {getattr(obj, self._column(name).split("__")[-1])} - {None}

    def _matches(self, user: User, rule: Via, obj: Model) -> bool:
        if rule.users and any(user.pk in self._values(obj, n) for n in rule.users):
            return True
        enterprise_id = getattr(user, "enterprise_id", None)
        if rule.enterprises and enterprise_id and any(
                enterprise_id in self._values(obj, n) for n in rule.enterprises):
            return True
        if rule.units:
            scope = unit_scope_ids(user)
            return any(self._values(obj, n) & scope for n in rule.units)
        return False


def _flatten(table: RoleTable) -> dict[str, Rule]:
    out: dict[str, Rule] = {}
    for roles, rule in table.items():
        for role in ([roles] if isinstance(roles, str) else roles):
            out[role] = rule
    return out


def roles(*groups: Iterable[str]) -> frozenset[str]:
    """Several role sets as one key of a scope table."""
    return frozenset().union(*groups)
