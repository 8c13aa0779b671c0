"""The supervision API: reads and writes for every role (allowed, denied, scoped)."""

from __future__ import annotations

import json

import pytest

from tests.matrix import INTERNAL, READ_ALL, WORLD_ROLES, Matrix, Row, ids
from zoneops.supervision.models import Item, Report

READS = [
    Row("/api/supervision/lists", INTERNAL),
    Row("/api/supervision/items", INTERNAL),
    Row("/api/supervision/dashboard", INTERNAL),
    Row("/api/supervision/items/{a}", READ_ALL | {"staff_a", "staff_b"}, 404),
    Row("/api/supervision/items/{b}", READ_ALL | {"staff_b"}, 404),
    Row("/api/supervision/items/{a}/nodes", READ_ALL | {"staff_a", "staff_b"}, 404),
    Row("/api/supervision/items/{a}/reports", READ_ALL | {"staff_a", "staff_b"}, 404),
    Row("/api/supervision/items/{b}/history", READ_ALL | {"staff_b"}, 404),
    # Writes: who is refused (denied 403, out of scope 404); the loop itself is below.
    Row("/api/supervision/items/{a}/reports", {"admin", "staff_a"},
        {"office": 403, "leader": 403, "duty": 403, "staff_b": 403}, method="POST",
        data={"period": "2026-05", "progress": 40, "summary": "x", "lines": []}, ok=None),
]


@pytest.mark.parametrize("row", READS, ids=ids(READS))
def test_read_matrix(world, sup, row):
    fill = lambda url: url.format(a=sup.item_a.pk, b=sup.item_b.pk)  # noqa: E731
    Matrix(WORLD_ROLES, world.client, anonymous=401, fill=fill, as_json=True).check(row)


def _post(client, url, payload):
    return client.post(url, data=json.dumps(payload), content_type="application/json")


def test_items_are_scoped_and_filtered(world, sup):
    codes = [i["code"] for i in world.client("staff_a").get("/api/supervision/items").json()]
    assert codes == ["ZD-01"]
    codes = [i["code"] for i in world.client("staff_b").get("/api/supervision/items").json()]
    assert codes == ["ZD-01", "ZD-02"]
    found = world.client("leader").get("/api/supervision/items?domain=城市建设").json()
    assert [i["code"] for i in found] == ["ZD-02"]
    assert found[0]["light"] == "red" and "2026-04-30" in found[0]["light_why"]
    dashboard = world.client("leader").get("/api/supervision/dashboard?month=2026-05").json()
    assert dashboard["totals"]["behind"] == 2 and len(dashboard["red"]) == 2


def test_report_loop_over_the_api(world, sup):
    node1 = sup.item_a.nodes.get(seq=1)
    url = f"/api/supervision/items/{sup.item_a.pk}/reports"
    payload = {"period": "2026-05", "progress": 40, "summary": "立项完成",
               "lines": [{"node_id": node1.pk, "actual_date": "2026-05-06", "evidence": "批复"}]}
    assert _post(world.client("staff_b"), url, payload).status_code == 403
    assert _post(world.client("staff_a1"), url, payload).status_code == 404
    assert _post(world.client("leader"), url, payload).status_code == 403
    bad = _post(world.client("staff_a"), url, {**payload, "progress": 101, "period": "May"})
    assert bad.status_code == 422 and set(bad.json()["errors"]) == {"period", "progress"}
    created = _post(world.client("staff_a"), url, payload)
    assert created.status_code == 201 and created.json()["status"] == "submitted"
    report_id = created.json()["id"]
    assert _post(world.client("staff_a"), f"/api/supervision/reports/{report_id}/accept",
                 {}).status_code == 403
    assert _post(world.client("office"), f"/api/supervision/reports/{report_id}/return",
                 {"reason": ""}).status_code == 422
    returned = _post(world.client("office"), f"/api/supervision/reports/{report_id}/return",
                     {"reason": "请补充"})
    assert returned.json()["status"] == "returned"
    assert _post(world.client("staff_a"), url, payload).status_code == 201
    accepted = _post(world.client("office"), f"/api/supervision/reports/{report_id}/accept", {})
    assert accepted.status_code == 200
    assert Report.objects.get(pk=report_id).status == "accepted"
    item = world.client("staff_a").get(f"/api/supervision/items/{sup.item_a.pk}").json()
    assert item["progress"] == 40 and item["light"] == "yellow"


def test_instructions_and_manual_light_over_the_api(world, sup):
    url = f"/api/supervision/items/{sup.item_a.pk}/instructions"
    assert _post(world.client("office"), url, {"text": "x"}).status_code == 403
    created = _post(world.client("leader"), url, {"text": "加快推进"})
    assert created.status_code == 201
    answer = f"/api/supervision/instructions/{created.json()['id']}/answer"
    assert _post(world.client("staff_b"), answer, {"text": "x"}).status_code == 403
    assert _post(world.client("staff_a"), answer, {"text": "已落实"}).json()["answer"] == "已落实"
    light = f"/api/supervision/items/{sup.item_a.pk}/light"
    assert _post(world.client("leader"), light, {"light": "green", "reason": "x"}
                 ).status_code == 403
    assert _post(world.client("office"), light, {"light": "green", "reason": " "}
                 ).status_code == 422
    changed = _post(world.client("office"), light, {"light": "green", "reason": "现场核实"})
    assert changed.json()["light_rule"] == "manual"
    assert Item.objects.get(pk=sup.item_a.pk).light == "green"
    assert _post(world.client(None), light, {"light": "red", "reason": "x"}).status_code == 401
