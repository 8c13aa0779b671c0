"""missed_duties: the public read of overdue 包保 duties (the leader's screen counts them),
the same test as check_duties, scoped like the board."""

from __future__ import annotations

from datetime import date

from zoneops.hazards import services
from zoneops.hazards.selectors import missed_duties

from .test_responsibility import chain  # noqa: F401  (the fixture)


def test_missed_duties_match_the_periodic_check_and_follow_scope(world, chain):  # noqa: F811
    _units, people = chain
    today = date(2026, 12, 4)  # last week 11-23..11-29, last month November, last quarter Q3
    services.record_duty(world.users["admin"], responsible=people[("a", "operations")],
                         done_on=date(2026, 11, 27), checked="巡检", today=today)
    missed = missed_duties(world.users["leader"], today)
    assert len(missed) == 5 == services.check_duties(today=today)["missed"]
    assert people[("a", "operations")] not in [row["person"] for row in missed]
    weekly = next(r for r in missed if r["person"] == people[("b", "operations")])
    assert (weekly["start"], weekly["end"]) == (date(2026, 11, 23), date(2026, 11, 29))
    # The experts have no duty cadence; a unit's staff see their own enterprises only.
    assert {r["person"].role for r in missed} == {"main", "technical", "operations"}
    assert {r["person"].unit.enterprise for r in missed_duties(world.users["staff_b"], today)
            } == {world.enterprise_b}
    assert missed_duties(world.users["enterprise_a"], today) == [
        r for r in missed if r["person"].unit.enterprise == world.enterprise_a]
    # A duty on the period's last day counts; the day after does not.
    services.record_duty(world.users["admin"], responsible=people[("b", "technical")],
                         done_on=date(2026, 11, 30), checked="巡检", today=today)
    assert len(missed_duties(world.users["leader"], today)) == 4
