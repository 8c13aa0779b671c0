import json

import pytest
from django.core.management import CommandError, call_command

from zoneops.core.models import Place

GOOD = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"code": "NB", "name": "新板块", "kind": "block",
                                       "parent": "Z"},
     "geometry": {"type": "Polygon", "coordinates": [[[120.9, 30.7], [120.905, 30.7],
                                                      [120.905, 30.705], [120.9, 30.7]]]}},
    {"type": "Feature", "properties": {"code": "Z", "name": "测试开发区（新边界）", "kind": "zone"},
     "geometry": {"type": "Polygon", "coordinates": [[[120.8, 30.6], [121.0, 30.6],
                                                      [121.0, 30.8], [120.8, 30.6]]]}},
]}


def write(tmp_path, data):
    path = tmp_path / "zone.geojson"
    path.write_text(json.dumps(data, ensure_ascii=False) if not isinstance(data, str) else data,
                    encoding="utf-8")
    return str(path)


def test_import_creates_and_updates_by_code(world, tmp_path):
    call_command("places", "import", write(tmp_path, GOOD), "--as", "admin")
    assert Place.objects.get(code="Z").name == "测试开发区（新边界）"
    assert Place.objects.get(code="NB").parent.code == "Z"


@pytest.mark.parametrize(("change", "words"), [
    (lambda d: d["features"][0]["properties"].pop("name"), "feature 1（NB）：缺少属性“name”"),
    (lambda d: d["features"][0]["geometry"]["coordinates"][0].pop(), "must close"),
    (lambda d: d["features"][0]["properties"].update(parent="NOPE"), "上级 NOPE 不存在"),
    (lambda d: d["features"][1]["properties"].update(kind="city"), "类型须为 zone、area 或 block"),
    (lambda d: d["features"][1]["geometry"]["coordinates"][0][1].__setitem__(1, 300),
     "not WGS-84"),
])
def test_bad_features_are_named_and_nothing_is_written(world, tmp_path, change, words):
    data = json.loads(json.dumps(GOOD))
    change(data)
    before = list(Place.objects.values_list("code", "name"))
    with pytest.raises(CommandError, match=words.replace("(", r"\(").replace(")", r"\)")):
        call_command("places", "import", write(tmp_path, data), "--as", "admin")
    assert list(Place.objects.values_list("code", "name")) == before


def test_not_json_says_where(world, tmp_path):
    with pytest.raises(CommandError, match="第 1 行第"):
        call_command("places", "import", write(tmp_path, "{oops"), "--as", "admin")


def test_only_an_administrator_may_import(world, tmp_path):
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("places", "import", write(tmp_path, GOOD), "--as", "office")
    assert not Place.objects.filter(code="NB").exists()


def test_export_round_trips(world, tmp_path):
    out = tmp_path / "out.geojson"
    call_command("places", "export", str(out))
    data = json.loads(out.read_text(encoding="utf-8"))
    assert {f["properties"]["code"] for f in data["features"]} == {"Z", "B01"}
