import pytest
from django.db import DatabaseError, connection, transaction

from zoneops.core.models import AuditEntry
from zoneops.core.selectors import history_of
from zoneops.core.services.org import save_unit


def test_update_records_before_after_and_actor(world):
    admin = world.users["admin"]
    save_unit(admin, {"name": "经济发展和科技局"}, world.unit_a)
    entry = history_of(world.unit_a).filter(action="update").first()
    assert entry.actor == admin and entry.actor_name == str(admin)
    assert entry.before["name"] == "经济发展局" and entry.after["name"] == "经济发展和科技局"
    label, old, new = entry.changed_fields()[0]
    assert (old, new) == ("经济发展局", "经济发展和科技局") and label in ("name", "名称")


def test_saving_without_a_change_records_nothing(world):
    before = AuditEntry.objects.count()
    save_unit(world.users["admin"], {"name": "经济发展局"}, world.unit_a)
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
    save_unit(world.users["admin"], {"short_name": "经发"}, world.unit_a)
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
