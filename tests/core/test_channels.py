from zoneops.core.models import AuditEntry, Delivery, NotificationChannel
from zoneops.core.selectors import history_of


def test_only_the_administrator_manages_a_units_channels(world):
    url = f"/units/{world.unit_a.pk}/channels/new/"
    data = {"kind": "wecom", "target": "https://qyapi.example/cgi-bin/webhook/send?key=k",
            "secret": "", "enabled": "on"}
    for role in ("office", "leader", "staff_a", "duty", "enterprise_a"):
        assert world.client(role).post(url, data).status_code == 403, role
    assert not NotificationChannel.objects.exists()
    response = world.client("admin").post(url, data)
    assert response.status_code == 302
    channel = NotificationChannel.objects.get()
    assert channel.unit == world.unit_a and history_of(channel).get().action == "create"
    page = world.client("admin").get(f"/units/{world.unit_a.pk}/").content.decode()
    assert "qyapi.example" in page
    # Other roles see the unit but not its channels (targets may carry robot keys).
    assert "qyapi.example" not in world.client("office").get(
        f"/units/{world.unit_a.pk}/").content.decode()


def test_bad_targets_are_refused_with_the_field_named(world):
    client = world.client("admin")
    url = f"/units/{world.unit_a.pk}/channels/new/"
    before = AuditEntry.objects.count()
    for kind, target in [("email", "not-an-address"), ("dingtalk", "oapi.dingtalk/robot"),
                         ("webhook", "ftp://x.example/")]:
        response = client.post(url, {"kind": kind, "target": target, "enabled": "on"})
        assert response.status_code == 200
        assert "target" in response.context["form"].errors, kind
    assert AuditEntry.objects.count() == before and not NotificationChannel.objects.exists()


def test_test_message_is_queued_for_the_worker(world):
    channel = NotificationChannel.objects.create(unit=world.unit_a, kind="email",
                                                 target="a@zone.example")
    url = f"/units/{world.unit_a.pk}/channels/{channel.pk}/"
    assert world.client("office").post(url, {"send_test": "1"}).status_code == 403
    assert not Delivery.objects.exists()
    assert world.client("admin").post(url, {"send_test": "1"}).status_code == 302
    delivery = Delivery.objects.get()
    assert delivery.channel == channel and delivery.status == "pending"
    assert world.unit_a.name in delivery.body


def test_the_signing_secret_is_never_shown_and_kept_when_left_empty(world):
    channel = NotificationChannel.objects.create(unit=world.unit_a, kind="dingtalk",
                                                 target="https://oapi.example/robot/send",
                                                 secret="SECsecret123")
    url = f"/units/{world.unit_a.pk}/channels/{channel.pk}/"
    assert "SECsecret123" not in world.client("admin").get(url).content.decode()
    world.client("admin").post(url, {"kind": "dingtalk", "target": channel.target,
                                     "secret": "", "enabled": ""})
    channel.refresh_from_db()
    assert channel.secret == "SECsecret123" and channel.enabled is False
    assert "SECsecret123" not in str(history_of(channel).get().after)
