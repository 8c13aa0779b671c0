"""A scope is declared once; its queryset and its object check must never disagree."""

from __future__ import annotations

import pytest

from zoneops.core import permissions as perm
from zoneops.core.scope import ALL, Scope, Via
from zoneops.core.services.alerts import assign, raise_alert


def assert_agrees(scope: Scope, users, objects) -> None:
    for action in scope.actions:
        for user in users:
            listed = set(scope.restrict(user, action).values_list("pk", flat=True))
            checked = {obj.pk for obj in objects if scope.allows(user, obj, action)}
            assert listed == checked, (scope.model.__name__, action, user.username)


def test_core_scopes_agree_with_themselves(world):
    users = list(world.users.values())
    admin = world.users["admin"]
    # Alerts assigned every way, so each branch of the declaration is exercised.
    to_person = raise_alert(module="test", key="p", level=1, title="给人", unit=world.unit_b)
    to_person = assign(admin, to_person, user=world.users["staff_a1"])
    to_firm = raise_alert(module="test", key="f", level=1, title="给企业", unit=world.unit_b)
    to_firm = assign(admin, to_firm, enterprise=world.enterprise_a)
    to_unit = raise_alert(module="test", key="u", level=1, title="给单位")
    to_unit = assign(admin, to_unit, unit=world.unit_a_child)
    from zoneops.core.models import Alert, Enterprise, Unit

    assert_agrees(perm.ALERTS, users, list(Alert.objects.all()))
    assert_agrees(perm.ENTERPRISES, users, list(Enterprise.objects.all()))
    assert_agrees(perm.UNITS, users, list(Unit.objects.all()))
    # And the scope says what the rules say: the parent unit's staff reach the child's work.
    assert perm.ALERTS.allows(world.users["staff_a"], to_unit, "handle")
    assert not perm.ALERTS.allows(world.users["staff_b"], to_unit, "handle")
    assert perm.ALERTS.allows(world.users["staff_a1"], to_person, "handle")
    assert perm.ALERTS.allows(world.users["enterprise_a"], to_firm, "view")


def test_anonymous_and_unknown_actions(world):
    from django.contrib.auth.models import AnonymousUser

    assert not perm.ALERTS.restrict(AnonymousUser()).exists()
    assert not perm.ALERTS.allows(AnonymousUser(), world.alert_a)
    with pytest.raises(ValueError, match="no scope for 'delete'"):
        perm.ALERTS.restrict(world.users["admin"], "delete")


def test_an_enterprise_contact_without_an_enterprise_sees_nothing(world):
    from zoneops.core.models import Enterprise

    contact = world.users["enterprise_a"]
    contact.enterprise = None
    scope = Scope(Enterprise, view={perm.READ_ALL: ALL, "enterprise": Via(enterprises=("pk",))})
    assert not scope.restrict(contact).exists()
    assert not scope.allows(contact, world.enterprise_a)
