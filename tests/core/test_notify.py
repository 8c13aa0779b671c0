"""Notification channels against real servers on 127.0.0.1: SMTP (aiosmtpd) and HTTP robots."""

from __future__ import annotations

import email
import email.policy
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from tests.net import free_port
from zoneops.core.models import Delivery, Notification, NotificationChannel, User
from zoneops.core.services import notify


class Robot:
    """A tiny HTTP server that records what it receives and answers like a group robot."""

    def __init__(self, answer: dict | None = None, status: int = 200):
        self.received: list[tuple[str, dict]] = []
        robot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                robot.received.append((self.path, json.loads(body)))
                payload = json.dumps(answer or {"errcode": 0, "errmsg": "ok"}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/robot/send?access_token=t"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def robot():
    r = Robot()
    yield r
    r.close()


class Mailbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp(settings):
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    yield mailbox
    controller.stop()




def channel(world, kind, target, secret=""):
    return NotificationChannel.objects.create(unit=world.unit_a, kind=kind, target=target,
                                              secret=secret)


def test_in_app_notification_once_per_person(world):
    staff = world.users["staff_a"]
    count = notify.notify(title="t", users=[staff, staff, world.users["duty"]])
    assert count == 2
    assert Notification.objects.filter(recipient=staff, title="t").count() == 1
    assert notify.mark_read(staff) >= 1
    assert not Notification.objects.filter(recipient=staff, read_at__isnull=True).exists()


def test_a_queryset_of_people_is_notified_once_each_without_loading_them(world):
    """Alarms pass querysets (one INSERT ... SELECT); overlapping selections still give
    each person one notice, and an empty selection none."""
    staff, duty = world.users["staff_a"], world.users["duty"]
    overlapping = (User.objects.filter(pk__in=[staff.pk, duty.pk])
                   | User.objects.filter(pk=staff.pk))
    assert notify.notify(title="qs", body="b", link="/x/", users=overlapping) == 2
    rows = Notification.objects.filter(title="qs")
    assert sorted(rows.values_list("recipient_id", flat=True)) == sorted([staff.pk, duty.pk])
    assert {(n.body, n.link, n.read_at) for n in rows} == {("b", "/x/", None)}
    assert notify.notify(title="none", users=User.objects.none()) == 0
    assert notify.notify(title="inactive", users=User.objects.filter(is_active=False)) == 0


def test_email_is_sent_through_smtp(world, smtp):
    channel(world, "email", "jingfa@zone.example")
    notify.notify(title="节点即将到期", body="请于3日内报送", link="/alerts/1/",
                  units=[world.unit_a])
    assert smtp.messages == []  # notify only queues; the caller never waits for SMTP
    sent, failed = notify.send_due()
    assert (sent, failed) == (1, 0)
    message = smtp.messages[0]
    assert message.rcpt_tos == ["jingfa@zone.example"]
    parsed = email.message_from_bytes(message.content, policy=email.policy.default)
    assert parsed["Subject"] == "节点即将到期"
    assert "请于3日内报送" in parsed.get_content() and "/alerts/1/" in parsed.get_content()
    assert Delivery.objects.get().status == "sent"


def test_dingtalk_markdown_and_signature(world, robot):
    channel(world, "dingtalk", robot.url, secret="SEC123")
    notify.notify(title="红色告警", body="H2S 超标", link="/alerts/9/", units=[world.unit_a])
    assert notify.send_due() == (1, 0)
    path, payload = robot.received[0]
    assert payload["msgtype"] == "markdown"
    assert payload["markdown"]["title"] == "红色告警"
    assert "H2S 超标" in payload["markdown"]["text"]
    query = parse_qs(urlparse(path).query)
    assert query["access_token"] == ["t"] and query["timestamp"] and query["sign"]


def test_wecom_markdown(world, robot):
    channel(world, "wecom", robot.url)
    notify.notify(title="逾期", body="正文", units=[world.unit_a])
    assert notify.send_due() == (1, 0)
    assert robot.received[0][1] == {"msgtype": "markdown",
                                    "markdown": {"content": "### 逾期\n\n正文"}}


def test_generic_webhook(world, robot):
    channel(world, "webhook", robot.url)
    notify.notify(title="t", body="b", link="/x", units=[world.unit_a])
    notify.send_due()
    assert robot.received[0][1] == {"title": "t", "body": "b", "link": "/x",
                                    "unit": world.unit_a.name}


def test_failed_delivery_is_logged_retried_and_finally_given_up(world, settings, caplog):
    settings.NOTIFY_MAX_ATTEMPTS = 2
    channel(world, "wecom", f"http://127.0.0.1:{free_port()}/dead")
    started = time.monotonic()
    notify.notify(title="t", units=[world.unit_a])
    assert time.monotonic() - started < 1  # nothing is sent in the caller
    assert notify.send_due() == (0, 1)
    delivery = Delivery.objects.get()
    assert delivery.status == "pending" and delivery.attempts == 1
    assert "failed" in delivery.last_error and delivery.next_attempt_at > timezone.now()
    assert "delivery" in caplog.text
    assert notify.send_due() == (0, 0)  # not due yet
    assert notify.send_due(now=delivery.next_attempt_at) == (0, 1)
    delivery.refresh_from_db()
    assert delivery.status == "failed" and delivery.attempts == 2


def test_robot_refusal_counts_as_failure(world):
    refusing = Robot(answer={"errcode": 310000, "errmsg": "sign not match"})
    try:
        channel(world, "dingtalk", refusing.url)
        notify.notify(title="t", units=[world.unit_a])
        assert notify.send_due() == (0, 1)
        assert "310000" in Delivery.objects.get().last_error
    finally:
        refusing.close()


def test_disabled_channels_get_nothing(world, robot):
    ch = channel(world, "webhook", robot.url)
    ch.enabled = False
    ch.save()
    notify.notify(title="t", units=[world.unit_a])
    assert not Delivery.objects.exists()


def test_alert_raise_reaches_the_units_channels(world, robot):
    from zoneops.core.services.alerts import raise_alert

    channel(world, "wecom", robot.url)
    raise_alert(module="test", key="new", level=4, title="氯气泄漏", unit=world.unit_a)
    notify.send_due()
    assert "氯气泄漏" in robot.received[0][1]["markdown"]["content"]


def test_worker_command_runs_one_cycle(world, robot):
    from io import StringIO

    from django.core.management import call_command

    channel(world, "webhook", robot.url)
    notify.notify(title="t", units=[world.unit_a])
    out = StringIO()
    call_command("worker", once=True, stdout=out)
    assert "sent 1" in out.getvalue() and len(robot.received) == 1


def test_notices_by_role_reach_exactly_their_people(world):
    """notify_roles (the alerts of an ingest batch): every notice to the active holders of
    the roles, a notice naming a unit also to that unit's active staff (not a child unit's,
    not another unit's), and each person once per notice."""
    from zoneops.core.models import Role

    User.objects.filter(pk=world.users["office"].pk).update(is_active=False)
    written = notify.notify_roles(
        [notify.Notice("甲单位告警", "详情", "/notice-test/", world.unit_a.pk),
         notify.Notice("诱因已消除", "", "/notice-test/")],
        roles=[Role.DUTY_OFFICER, Role.OFFICE], staff_role=Role.UNIT_STAFF)
    got = sorted(Notification.objects.filter(link="/notice-test/").values_list(
        "recipient__username", "title"))
    assert got == [("duty", "甲单位告警"), ("duty", "诱因已消除"), ("staff_a", "甲单位告警")]
    assert written == 3
    assert notify.notify_roles([], roles=[Role.DUTY_OFFICER], staff_role=Role.UNIT_STAFF) == 0
