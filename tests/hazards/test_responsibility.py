"""包保: naming the people (the enterprise its own three, the admin the park's), duty records
with photos decoded and written again, a missed duty raising an alert through the core loop
(once, cleared by the next record), the board, the week's calendar and the permission matrix."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.matrix import READ_ALL, WORLD_ROLES, Matrix, Row, ids
from zoneops.core.models import Alert, AuditEntry
from zoneops.hazards import services
from zoneops.hazards.models import DutyRecord, Responsible


def png_bytes(extra: bytes = b"") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue() + extra


@pytest.fixture
def chain(world):
    admin = world.users["admin"]
    chlorine = services.create_chemical(admin, {"name": "液氯", "cas": "7782-50-5"})
    units = {}
    for key, enterprise in (("a", world.enterprise_a), ("b", world.enterprise_b)):
        with services.batch(admin, "test"):
            unit = services.create_unit(admin, {"enterprise": enterprise, "code": f"B-{key}",
                                              "name": f"液氯罐区{key}", "kind": "storage",
                                              "population_500m": 120})
            tank = services.create_equipment(admin, {"unit": unit, "tag": "V-1", "kind": "tank"})
            services.set_holding(admin, tank, chemical=chlorine, design_max_t=20)
        units[key] = unit
    people = {}
    for key, unit in units.items():
        for role, name in (("main", "张总"), ("technical", "李工"), ("operations", "王班长"),
                           ("expert", "赵专家")):
            people[(key, role)] = services.create_responsible(
                admin, {"unit": unit, "role": role, "name": f"{name}{key}", "phone": "138"})
    return units, people


def test_enterprise_names_its_own_three_not_the_park_roles(world, chain) -> None:
    units, people = chain
    contact = world.users["enterprise_a"]
    services.update_responsible(contact, people[("a", "operations")], {"name": "新班长"})
    assert Responsible.objects.get(pk=people[("a", "operations")].pk).name == "新班长"
    with pytest.raises(PermissionDenied):
        services.create_responsible(contact, {"unit": units["a"], "role": "zone_leader",
                                            "name": "某领导"})
    with pytest.raises(PermissionDenied):  # another enterprise's unit
        services.update_responsible(contact, people[("b", "main")], {"name": "x"})
    assert AuditEntry.objects.filter(object_repr__contains="新班长").exists()


def test_duty_record_reencodes_photos_and_refuses_a_fake(world, chain) -> None:
    _units, people = chain
    contact = world.users["enterprise_a"]
    person = people[("a", "operations")]
    photo = SimpleUploadedFile("a.png", png_bytes(b"<html>appended</html>"), "image/png")
    record = services.record_duty(contact, responsible=person, done_on=date(2026, 12, 1),
                                  checked="储罐液位、压力、泄漏报警", findings="正常",
                                  photos=[photo], today=date(2026, 12, 4))
    stored = record.photos.get().image.read()
    assert stored.startswith(b"\x89PNG") and b"<html>" not in stored
    fake = SimpleUploadedFile("b.png", b"\x89PNG\r\n\x1a\n<html>not an image</html>", "image/png")
    with pytest.raises(ValidationError) as info:
        services.record_duty(contact, responsible=person, done_on=date(2026, 12, 2),
                             checked="x", photos=[fake], today=date(2026, 12, 4))
    assert "photos" in info.value.message_dict
    assert DutyRecord.objects.count() == 1  # all or nothing
    with pytest.raises(ValidationError):
        services.record_duty(contact, responsible=person, done_on=date(2026, 12, 9),
                             checked="future", today=date(2026, 12, 4))
    with pytest.raises(PermissionDenied):
        services.record_duty(world.users["staff_a"], responsible=person,
                             done_on=date(2026, 12, 1), checked="x", today=date(2026, 12, 4))


def test_missed_duty_raises_one_alert_cleared_by_the_next_record(world, chain) -> None:
    _units, people = chain
    # Friday 2026-12-04: last week 11-23..11-29, last month November, last quarter Q3.
    counts = services.check_duties(today=date(2026, 12, 4))
    assert counts == {"checked": 6, "missed": 6}
    assert services.check_duties(today=date(2026, 12, 4))["missed"] == 6
    ops = people[("a", "operations")]
    alert = Alert.objects.get(module="hazards", key=f"duty:{ops.pk}")
    assert alert.is_open and alert.enterprise_id == world.enterprise_a.pk
    assert Alert.objects.filter(module="hazards").count() == 6  # refreshed, not doubled
    assert "王班长a" in alert.title
    services.record_duty(world.users["admin"], responsible=ops, done_on=date(2026, 11, 25),
                         checked="巡检", today=date(2026, 12, 4))
    alert.refresh_from_db()
    assert alert.cause_cleared_at is not None
    assert services.check_duties(today=date(2026, 12, 4))["missed"] == 5


def test_check_duties_command(world, chain) -> None:
    from django.core.management import call_command

    out = io.StringIO()
    call_command("hazards", "check-duties", "--today", "2026-12-04", stdout=out)
    assert "6" in out.getvalue()
    assert Alert.objects.filter(module="hazards").count() == 6


def test_board_and_week_pages(world, chain) -> None:
    units, people = chain
    html = world.client("enterprise_a").get(f"/hazards/units/{units['a'].pk}/board/").content
    html = html.decode()
    assert "张总a" in html and "赵专家a" in html and 'data-testid="record-operations"' in html
    html = world.client("enterprise_a").get("/hazards/duties/").content.decode()
    assert "王班长a" in html and "王班长b" not in html
    html = world.client("admin").get("/hazards/duties/").content.decode()
    assert "王班长a" in html and "王班长b" in html


def test_duty_form_posts_with_a_photo(world, chain) -> None:
    _units, people = chain
    person = people[("a", "technical")]
    response = world.client("enterprise_a").post(
        f"/hazards/duties/{person.pk}/record/",
        {"done_on": "2026-12-01", "checked": "工艺参数", "findings": "",
         "photos": [SimpleUploadedFile("p.png", png_bytes(), "image/png")]})
    assert response.status_code == 302
    record = DutyRecord.objects.get(responsible=person)
    photo = record.photos.get()
    got = world.client("office").get(f"/hazards/duties/photos/{photo.pk}/")
    assert got.status_code == 200 and got["Content-Type"] == "image/png"
    assert got["X-Content-Type-Options"] == "nosniff"
    assert world.client("staff_b").get(f"/hazards/duties/photos/{photo.pk}/").status_code == 404


def fill_for(chain):
    units, people = chain
    names = {"a": units["a"].pk, "b": units["b"].pk, "ops_a": people[("a", "operations")].pk,
             "ops_b": people[("b", "operations")].pk, "expert_a": people[("a", "expert")].pk}
    return lambda url: url.format(**names)


SEES_A = READ_ALL | {"staff_a", "enterprise_a"}
SIGNED_IN = frozenset(r for r in WORLD_ROLES if r is not None)
ROWS = [
    Row("/hazards/units/{a}/board/", SEES_A, 404),
    Row("/hazards/units/{b}/board/", READ_ALL | {"staff_b"}, 404),
    Row("/hazards/duties/", SIGNED_IN),
    # Naming a person: the admin and the enterprise's contact (its own three) only.
    Row("/hazards/units/{a}/board/", {"admin", "enterprise_a"}, {**{r: 403 for r in SEES_A}},
        method="POST", data={"role": "operations", "name": "某人"}, ok=302),
    Row("/hazards/units/{a}/board/", {"admin"}, {**{r: 403 for r in SEES_A}},
        method="POST", data={"role": "expert", "name": "某专家"}, ok=302),
    # Recording a duty: the admin and the enterprise's contact; others who see it 403.
    Row("/hazards/duties/{ops_a}/record/", {"admin", "enterprise_a"},
        {**{r: 403 for r in SEES_A}}),
    Row("/hazards/duties/{ops_a}/record/", {"admin", "enterprise_a"},
        {**{r: 403 for r in SEES_A}}, method="POST", data={"done_on": "2026-11-30",
                                                            "checked": "巡检"}, ok=302),
    Row("/hazards/duties/{ops_b}/record/", {"admin"}, {**{r: 403 for r in
                                                         READ_ALL | {"staff_b"}}}),
    Row("/hazards/duties/{expert_a}/record/", set(), {**{r: 403 for r in SEES_A}}),
]


@pytest.mark.parametrize("row", ROWS, ids=ids(ROWS))
def test_responsibility_matrix(world, chain, row) -> None:
    Matrix(WORLD_ROLES, world.client, anonymous=302, fill=fill_for(chain)).check(row)
