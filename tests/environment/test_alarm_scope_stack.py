"""A rule for all stations reaches a stack only when it is about the logger, not the air."""

import pytest

from zoneops.environment.alarms import applies
from zoneops.environment.models import AlarmRule, Station


@pytest.mark.parametrize(("rule_kind", "station_kind", "expected"), [
    (AlarmRule.Kind.LEVEL, Station.Kind.STACK, False),
    (AlarmRule.Kind.RATE, Station.Kind.STACK, False),
    (AlarmRule.Kind.NO_DATA, Station.Kind.STACK, True),
    (AlarmRule.Kind.QUALITY, Station.Kind.STACK, True),
    (AlarmRule.Kind.LEVEL, Station.Kind.ENTERPRISE, True),
    (AlarmRule.Kind.RATE, Station.Kind.AMBIENT, True),
])
def test_rule_for_all_stations(rule_kind, station_kind, expected):
    rule = AlarmRule(kind=rule_kind, scope=AlarmRule.Scope.ALL)
    assert applies(rule, Station(pk=1, kind=station_kind)) is expected


def test_a_stack_rule_named_by_kind_or_station_reaches_the_stack():
    stack = Station(pk=7, kind=Station.Kind.STACK)
    assert applies(AlarmRule(kind=AlarmRule.Kind.LEVEL, scope=AlarmRule.Scope.KIND,
                             scope_kind=Station.Kind.STACK), stack)
    assert applies(AlarmRule(kind=AlarmRule.Kind.LEVEL, scope=AlarmRule.Scope.STATION,
                             scope_station_id=7), stack)
