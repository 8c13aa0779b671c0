import pytest
from django.db import DatabaseError, connection, transaction

from zoneops.core.models import AuditEntry
from zoneops.core.selectors import history_of
from zoneops.core.services.org import create_unit, update_unit


def test_update_records_before_after_and_actor(world):
    admin = world.users["admin"]
    update_unit(admin, world.unit_a, {"name": "经济发展和科技局"})
    entry = history_of(world.unit_a).filter(action="update").first()
    assert entry.actor == admin and entry.actor_name == str(admin)
    assert entry.before["name"] == "经济发展局" and entry.after["name"] == "经济发展和科技局"
    label, old, new = entry.changed_fields()[0]
    assert (old, new) == ("经济发展局", "经济发展和科技局") and label in ("name", "名称")


def test_saving_without_a_change_records_nothing(world):
    before = AuditEntry.objects.count()
    update_unit(world.users["admin"], world.unit_a, {"name": "经济发展局"})
    assert AuditEntry.objects.count() == before


def test_secrets_never_enter_the_trail(world):
    entry = history_of(world.users["office"]).get(action="create")
    assert "password" not in entry.after


def test_orm_refuses_to_change_or_delete(world):
    entry = AuditEntry.objects.first()
    entry.reason = "rewritten"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()


@pytest.mark.parametrize("sql", [
    "UPDATE core_auditentry SET reason = 'rewritten'",
    "DELETE FROM core_auditentry",
])
def test_database_refuses_to_change_or_delete(world, sql):
    count = AuditEntry.objects.count()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert AuditEntry.objects.count() == count
    assert not AuditEntry.objects.filter(reason="rewritten").exists()


def test_history_is_on_the_object_page(world):
    update_unit(world.users["admin"], world.unit_a, {"short_name": "经发"})
    page = world.client("office").get(f"/units/{world.unit_a.pk}/").content.decode()
    assert "经发" in page and ("简称" in page or "short name" in page)


def test_nobody_can_edit_the_trail_in_the_admin(world):
    from django.contrib.auth.models import Permission  # noqa: F401  (admin needs auth app)

    admin = world.users["admin"]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    entry = AuditEntry.objects.first()
    client = world.client("admin")
    assert client.get(f"/admin/core/auditentry/{entry.pk}/change/").status_code == 200
    response = client.post(f"/admin/core/auditentry/{entry.pk}/change/", {"reason": "x"})
    assert response.status_code == 403
    assert client.post(f"/admin/core/auditentry/{entry.pk}/delete/").status_code == 403


def test_history_shows_local_times_and_plain_values():
    from zoneops.core.templatetags.zoneops_tags import audit_value

    assert audit_value("2026-11-22T05:00:58.937960+00:00") == "2026-11-22 13:00:58"
    assert audit_value(None) == "—" and audit_value(["甲", "乙"]) == "甲、乙"
    assert audit_value("北京") == "北京"


def test_history_labels_survive_keys_that_name_reverse_relations(world):
    from zoneops.core.services.audit import record

    record(world.users["admin"], "update", world.unit_a, {"children": "x"}, {"children": "y"})
    entry = history_of(world.unit_a).first()
    assert entry.changed_fields() == [("children", "x", "y")]


def _recorded_action_arguments():
    """Every literal passed as an audit action anywhere in the code (record, entry,
    save_audited(action=...), the alert loop's transitions), with where it is."""
    import ast
    from pathlib import Path

    import zoneops

    calls = {"record": 1, "entry": 1, "_audit": 0, "_transition": 2}
    for path in Path(zoneops.__file__).parent.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
            if name not in {*calls, "save_audited"}:
                continue
            arguments = [k.value for k in node.keywords if k.arg == "action"]
            if name in calls and len(node.args) > calls[name]:
                arguments.append(node.args[calls[name]])
            for argument in arguments:
                yield argument, f"{path.name}:{node.lineno}"


def test_every_recorded_action_has_a_label():
    """No free text in the trail: every action passed is a member of a registered enum (so it
    has its zh-hans and en label), never a string, made-up or formatted."""
    import ast

    from zoneops.core.models.audit import ACTION_LABELS

    def literals(node):  # the bare strings an argument can evaluate to
        if isinstance(node, ast.IfExp):
            return [*literals(node.body), *literals(node.orelse)]
        if isinstance(node, ast.BoolOp):
            return [n for value in node.values for n in literals(value)]
        return [node] if isinstance(node, ast.Constant | ast.JoinedStr | ast.BinOp) else []

    seen = 0
    for argument, where in _recorded_action_arguments():
        seen += 1
        for literal in literals(argument):
            assert not isinstance(literal, ast.JoinedStr | ast.BinOp), f"{where}: formatted"
            assert literal.value in ACTION_LABELS, f"{where}: {literal.value!r} has no label"
            # A labelled value passed as text still drifts: pass the enum member.
            raise AssertionError(f"{where}: pass the enum member, not {literal.value!r}")
    assert seen > 30


def test_every_action_label_is_translated_to_chinese():
    from django.utils import translation

    from zoneops.core.models.audit import ACTION_LABELS

    assert {"raise", "close", "set cooperating units", "notice red", "hand over"} <= set(
        ACTION_LABELS)
    with translation.override("zh-hans"):
        for value, label in ACTION_LABELS.items():
            assert any("\u4e00" <= ch <= "\u9fff" for ch in str(label)), (value, str(label))
    with translation.override("en"):
        assert str(ACTION_LABELS["set cooperating units"]) == "Cooperating units set"


def test_a_module_cannot_relabel_an_action():
    from django.db import models
    from django.utils.translation import pgettext_lazy

    from zoneops.core.registry import add_audit_actions

    class Clash(models.TextChoices):
        CLOSE = "close", pgettext_lazy("audit action", "Shut")

    with pytest.raises(ValueError, match="already labelled"):
        add_audit_actions(Clash)


def test_the_admin_site_writes_channels_through_the_service(world):
    from zoneops.core.models import NotificationChannel

    client = world.client("admin")
    admin = world.users["admin"]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    url = "/admin/core/notificationchannel/add/"
    bad = client.post(url, {"unit": world.unit_a.pk, "kind": "email", "target": "not-an-address",
                            "enabled": "on"})
    assert bad.status_code == 200 and "target" in bad.context["adminform"].form.errors
    assert not NotificationChannel.objects.exists()
    good = client.post(url, {"unit": world.unit_a.pk, "kind": "email",
                             "target": " duty@zone.example ", "enabled": "on"})
    assert good.status_code == 302
    channel = NotificationChannel.objects.get()
    assert channel.target == "duty@zone.example"  # the service's cleaning, not the raw input
    assert history_of(channel).get().action == "create"


def test_create_and_update_are_separate_and_both_audited(world):
    from zoneops.core.models import Unit
    from zoneops.core.services.org import update_unit

    admin = world.users["admin"]
    unit = create_unit(admin, {"code": "F", "name": "财政局"}, aliases=["财政"])
    update_unit(admin, unit, {"short_name": "财政"})
    actions = list(history_of(unit).order_by("at", "id").values_list("action", flat=True))
    assert actions == ["create", "update", "update"]  # created, aliases set, renamed
    with pytest.raises(ValueError, match="create_"):
        update_unit(admin, Unit(code="G", name="新单位"), {"name": "x"})
    assert not Unit.objects.filter(code="G").exists()


def test_delete_audited_keeps_what_was_deleted(world):
    from zoneops.core.models import Unit
    from zoneops.core.services.audit import delete_audited

    unit = create_unit(world.users["admin"], {"code": "T", "name": "临时单位"})
    pk = unit.pk
    delete_audited(world.users["admin"], unit, "建错了")
    assert not Unit.objects.filter(pk=pk).exists()
    gone = AuditEntry.objects.get(action="delete", object_id=str(pk))
    assert gone.before["name"] == "临时单位" and gone.after is None and gone.reason == "建错了"


def test_an_empty_file_field_is_recorded_as_nothing(world):
    """A snapshot of an object whose file field is empty (an alert attachment not yet given a
    file) must not fail: the empty file has no url."""
    from django.db.models.fields.files import FieldFile

    from zoneops.core.models import AlertAttachment
    from zoneops.core.services.audit import _plain

    empty = FieldFile(AlertAttachment(), AlertAttachment._meta.get_field("file"), None)
    assert _plain(empty) == ""
