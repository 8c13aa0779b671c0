""""No rights, no project": a new project's EIA quantities against its enterprise's holding and
what the reserve could still sell within the cap (ok / must buy / cannot proceed); the office
registers projects, the page's permission matrix and scope."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.matrix import INTERNAL, MANAGERS, WORLD_ROLES, Matrix, Row, ids
from zoneops.core.models import AuditEntry
from zoneops.rights import projects, services
from zoneops.rights.models_eia import EiaProject
from zoneops.rights.projects import Need
from zoneops.rights.services.projects import register_project

ON = dt.date(2026, 3, 1)
JAN1 = dt.date(2026, 1, 1)


@pytest.fixture
def held(world):
    office = world.users["office"]
    # COD: cap 10, A holds 4 and B 5 → 1 t/a left to sell. SO2: cap 20, A holds 3 → 17 left.
    for pollutant, cap in (("COD", "10"), ("SO2", "20")):
        services.set_cap(actor=office, pollutant=pollutant, quantity=cap, basis="测试总量")
    for enterprise, pollutant, quantity in ((world.enterprise_a, "COD", "4"),
                                            (world.enterprise_b, "COD", "5"),
                                            (world.enterprise_a, "SO2", "3")):
        services.verify_initial(actor=office, enterprise=enterprise, pollutant=pollutant,
                                quantity=quantity, legal_basis="排污许可证", valid_from=JAN1)
    return world


def project(world, enterprise, **quantities):
    return register_project(world.users["office"], {
        "enterprise": enterprise, "name": "二期扩建", "document": "嘉环建〔2026〕12号",
        "status": "review"}, quantities)


def needs(project_):
    check = projects.check(project_, ON)
    return check.verdict, {n.pollutant: n for n in check.needs}


def test_verdict_arithmetic():
    assert Need("COD", Decimal("4"), Decimal("4"), Decimal("0")).verdict == "ok"
    need = Need("COD", Decimal("5"), Decimal("4"), Decimal("1"))
    assert (need.short, need.verdict) == (Decimal("1"), "buy")
    assert Need("COD", Decimal("5.01"), Decimal("4"), Decimal("1")).verdict == "insufficient"


def test_covered_by_the_holding(held):
    verdict, rows = needs(project(held, held.enterprise_a, COD="3.5", SO2="3"))
    assert verdict == "ok" and rows["COD"].held == 4 and rows["SO2"].short == 0


def test_must_buy_what_the_reserve_can_sell(held):
    verdict, rows = needs(project(held, held.enterprise_a, COD="5", SO2="10"))
    assert verdict == "buy"
    assert (rows["COD"].short, rows["COD"].reserve, rows["COD"].verdict) == (1, 1, "buy")
    assert (rows["SO2"].short, rows["SO2"].reserve) == (7, 17)


def test_the_project_cannot_proceed_when_the_reserve_is_short(held):
    verdict, rows = needs(project(held, held.enterprise_a, COD="6", SO2="4"))
    assert verdict == "insufficient"
    assert rows["COD"].verdict == "insufficient" and rows["SO2"].verdict == "buy"
    # A pollutant without a cap cannot be sold at all; nothing held either.
    verdict, rows = needs(project(held, held.enterprise_b, NOx="0.5"))
    assert verdict == "insufficient" and rows["NOx"].reserve == 0 and rows["NOx"].held == 0


def test_registering_is_for_the_office_validated_and_audited(held):
    with pytest.raises(PermissionDenied):
        register_project(held.users["leader"], {"enterprise": held.enterprise_a, "name": "x",
                                                "document": "y"}, {"COD": "1"})
    before = EiaProject.objects.count()
    with pytest.raises(ValidationError) as exc:
        project(held, held.enterprise_a, COD="-1", SO2="2")
    assert "COD" in exc.value.message_dict
    with pytest.raises(ValidationError):
        project(held, held.enterprise_a, COD="", SO2="0")
    assert EiaProject.objects.count() == before
    created = project(held, held.enterprise_a, COD="1.25")
    assert [(r.pollutant, r.quantity) for r in created.requirements.all()] == [
        ("COD", Decimal("1.25"))]
    entry = AuditEntry.objects.get(object_id=str(created.pk), action="create",
                                   content_type__model="eiaproject")
    assert entry.after["quantities"] == {"COD": "1.2500"}


PAGES = [Row("/rights/projects/", INTERNAL | {"enterprise_a"}),
         Row("/rights/projects/", MANAGERS, method="POST", ok=None,
             data={"name": "x", "document": "y", "status": "review", "quantity_COD": "1"})]


@pytest.mark.parametrize("row", PAGES, ids=ids(PAGES))
def test_projects_page_matrix(held, row):
    Matrix(WORLD_ROLES, held.client, anonymous=302).check(row)


def test_other_methods_are_refused(held):
    assert held.client("office").put("/rights/projects/").status_code == 405


def test_the_office_registers_on_the_page_and_each_enterprise_sees_its_own(held):
    office = held.client("office")
    response = office.post("/rights/projects/", {
        "enterprise": held.enterprise_a.pk, "name": "三期项目", "document": "嘉环建〔2026〕7号",
        "status": "review", "quantity_COD": "5", "quantity_SO2": "2"})
    assert response.status_code == 302
    created = EiaProject.objects.get(name="三期项目")
    assert response["Location"].endswith(f"#project-{created.pk}")
    project(held, held.enterprise_b, COD="9")
    body = office.get("/rights/projects/").content.decode()
    assert f'data-project="{created.pk}" data-verdict="buy"' in body and "乙建材有限公司" in body
    mine = held.client("enterprise_a").get("/rights/projects/").content.decode()
    assert "三期项目" in mine and "乙建材有限公司" not in mine
    assert 'data-testid="project-form"' not in mine


def test_bad_input_is_refused_in_chinese_and_nothing_is_written(held):
    response = held.client("office").post("/rights/projects/", {
        "enterprise": held.enterprise_a.pk, "name": "四期", "document": "文号",
        "status": "review"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200 and not EiaProject.objects.exists()
    body = response.content.decode()
    assert "请至少为一种污染物填写环评要求的总量" in body
