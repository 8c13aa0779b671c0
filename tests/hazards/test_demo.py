"""The demo: ten major hazards in the demo park, each graded, loaded through the services,
and loading twice changes nothing."""

from __future__ import annotations

import pytest

from zoneops.core import demo as core_demo
from zoneops.hazards import demo, selectors
from zoneops.hazards.models import Assessment, HazardUnit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_ten_major_hazards_each_graded_and_idempotent() -> None:
    core_demo.load()
    demo.load()
    units = list(HazardUnit.objects.all())
    assert len(units) == 10
    grades = {}
    for unit in units:
        current = selectors.current_assessment(unit)
        assert current.error == "" and current.major, unit
        assert unit.enterprise.in_chemical_park and unit.geometry["type"] == "Polygon"
        grades[unit.code] = current.grade
    assert set(grades.values()) >= {1, 2, 3}
    assert grades["HZ10"] == 1  # 1.5 t phosgene: R = 2.0 × 20 × 5 = 200
    assert Assessment.objects.count() == 10  # one per unit: the demo is entered as a batch
    demo.load()
    assert HazardUnit.objects.count() == 10 and Assessment.objects.count() == 10


def test_demo_names_the_bao_bao_people_and_sensitive_places() -> None:
    from zoneops.hazards.models import Responsible, SensitivePlace

    core_demo.load()
    demo.load()
    for unit in HazardUnit.objects.all():
        roles = set(Responsible.objects.filter(unit=unit).values_list("role", flat=True))
        assert roles == set(Responsible.Role.values), unit
    assert SensitivePlace.objects.filter(kind="residential", population__gt=0).exists()
    assert {"school", "hospital"} <= set(SensitivePlace.objects.values_list("kind", flat=True))
    demo.load()
    assert Responsible.objects.count() == 60


def test_demo_has_one_drill_with_a_zone_resources_and_plans() -> None:
    from zoneops.core.models import Delivery
    from zoneops.hazards.emergency import latest_zone
    from zoneops.hazards.models import Incident, Plan, Resource

    core_demo.load()
    demo.load()
    demo.load()
    incident = Incident.objects.get()
    assert incident.drill and incident.unit.code == "HZ01"
    zone = latest_zone(incident)
    assert zone["properties"]["model"] == "slab"
    assert incident.tasks.count() == 1
    assert Plan.objects.count() == 10 and Resource.objects.count() == 6
    assert not Delivery.objects.exists()  # a drill reaches no outside channel
