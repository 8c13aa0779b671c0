"""Notifications: in-app rows at once; e-mail and webhook deliveries queued and sent by the worker.

A caller never waits for SMTP or HTTP: `notify` only writes rows (after its transaction commits,
the worker sends). A failed delivery is logged and retried with a growing delay.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import time
import urllib.parse
import urllib.request
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.core.mail import send_mail
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Delivery, Notification, NotificationChannel, Unit, User

log = logging.getLogger(__name__)


def notify(*, title: str, body: str = "", link: str = "", users: Iterable[User] = (),
           units: Iterable[Unit] = (), i18n: dict[str, Any] | None = None) -> int:
    """In-app notice to each person once, plus a delivery to each enabled channel of each unit.
    ``users`` may be a queryset: then the people are never loaded. ``i18n``: the title and
    body as message ids and parameters (shown in each reader's language, see
    Notification.display_title); title and body are the texts in the platform's language."""
    now = timezone.now()
    if isinstance(users, models.QuerySet):
        count = _notify_selected(users, title[:200], body, link, now, i18n or {})
    else:
        rows = [Notification(recipient_id=pk, title=title[:200], body=body, link=link,
                             i18n=i18n or {})
                for pk in dict.fromkeys(u.pk for u in users if u is not None)]  # once each
        Notification.objects.bulk_create(rows)
        count = len(rows)
    _deliver([(Notice(title, body, link), {u.pk for u in units if u is not None})], now)
    return count


def _deliver(notices: Sequence[tuple[Notice, set[int]]], now: datetime) -> None:
    """A delivery of each notice to each enabled channel of its units."""
    unit_ids = {pk for _notice, units in notices for pk in units}
    if not unit_ids:
        return
    channels: dict[int, list[NotificationChannel]] = defaultdict(list)
    for channel in NotificationChannel.objects.filter(unit_id__in=unit_ids, enabled=True):
        channels[channel.unit_id].append(channel)
    Delivery.objects.bulk_create([
        Delivery(channel=channel, title=n.title[:200], body=n.body, link=n.link,
                 next_attempt_at=now)
        for n, units in notices for pk in units for channel in channels[pk]])


def _json_param() -> str:
    """The placeholder of a JSON value in raw SQL (jsonb needs a cast on PostgreSQL)."""
    return "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"


def _notify_selected(users: models.QuerySet[User], title: str, body: str, link: str,
                     now: datetime, i18n: dict[str, Any]) -> int:
    """One INSERT ... SELECT for everyone the queryset selects, each once."""
    try:
        sql, params = users.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:  # User.objects.none()
        return 0
    table, people = Notification._meta.db_table, User._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (recipient_id, title, body, link, i18n, created_at, read_at) "  # noqa: S608 - table names from the models
            f"SELECT id, %s, %s, %s, {_json_param()}, %s, NULL FROM {people} "
            f"WHERE id IN ({sql})",
            [title, body, link, json.dumps(i18n, ensure_ascii=False),
             connection.ops.adapt_datetimefield_value(now), *params])
        return cursor.rowcount


@dataclass(frozen=True, slots=True)
class Notice:
    """A notice for :func:`notify_roles`."""

    title: str
    body: str = ""
    link: str = ""
    unit_id: int | None = None  # also to this unit's staff, and to its channels
    i18n: dict[str, Any] | None = None  # title and body as message ids (see notify)


def notify_roles(notices: Sequence[Notice], *, roles: Sequence[str], staff_role: str) -> int:
    """Each notice to every active person holding one of ``roles`` and, where it names a
    unit, to that unit's active ``staff_role`` people and channels: one INSERT ... SELECT
    (the people are never loaded) and at most two statements for deliveries, whatever the
    number of notices (the alerts of one ingest batch). Returns the in-app notices written."""
    if not notices:
        return 0
    table, people = Notification._meta.db_table, User._meta.db_table
    now = timezone.now()
    rows = ", ".join(["(%s, %s, %s, %s, %s)"] * len(notices))
    params: list[Any] = [value for n in notices
                         for value in (n.title[:200], n.body, n.link, n.unit_id,
                                       json.dumps(n.i18n or {}, ensure_ascii=False))]
    # VALUES columns are column1.. on both SQLite and PostgreSQL; the unit is cast because a
    # column of only NULLs would otherwise be text on PostgreSQL.
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (recipient_id, title, body, link, i18n, created_at, read_at) "  # noqa: S608 - table names from the models
            f"SELECT u.id, v.column1, v.column2, v.column3, {_json_param() % 'v.column5'}, %s, "
            f"NULL FROM (VALUES {rows}) AS v "
            f"JOIN {people} AS u ON u.is_active AND (u.role IN "
            f"({', '.join(['%s'] * len(roles))}) OR (u.role = %s AND "
            "u.unit_id = CAST(v.column4 AS INTEGER)))",
            [connection.ops.adapt_datetimefield_value(now), *params, *roles, staff_role])
        count = cursor.rowcount
    _deliver([(n, {n.unit_id}) for n in notices if n.unit_id is not None], now)
    return count


def mark_read(user: User, *, notification_ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=timezone.now())


# --- sending ----------------------------------------------------------------------------------

class DeliveryError(Exception):
    pass


def _post_json(url: str, payload: dict) -> dict:
    request = urllib.request.Request(
        url, data=json.dumps(payload, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=settings.NOTIFY_TIMEOUT_SECONDS) as resp:
            text = resp.read().decode("utf-8", "replace")
    except OSError as exc:  # URLError, HTTPError, timeouts, refused connections
        raise DeliveryError(f"POST {url.split('?')[0]} failed: {exc}") from exc
    try:
        return json.loads(text) if text.strip() else {}
    except ValueError:
        return {}


def _dingtalk_url(url: str, secret: str) -> str:
    """DingTalk robots with 加签: timestamp + "\\n" + secret, HMAC-SHA256, base64, URL-encoded."""
    if not secret:
        return url
    timestamp = str(round(time.time() * 1000))
    mac = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(mac))
    return f"{url}{'&' if '?' in url else '?'}timestamp={timestamp}&sign={sign}"


def payload_for(channel: NotificationChannel, title: str, body: str, link: str) -> dict:
    """The message body in each robot's own format (markdown for both group robots)."""
    text = f"### {title}\n\n{body}".strip()
    if link:
        text += f"\n\n{link}"
    if channel.kind == NotificationChannel.Kind.DINGTALK:
        return {"msgtype": "markdown", "markdown": {"title": title, "text": text}}
    if channel.kind == NotificationChannel.Kind.WECOM:
        return {"msgtype": "markdown", "markdown": {"content": text}}
    return {"title": title, "body": body, "link": link, "unit": channel.unit.name}


def send(delivery: Delivery) -> None:
    channel = delivery.channel
    if channel.kind == NotificationChannel.Kind.EMAIL:
        body = delivery.body + (f"\n\n{delivery.link}" if delivery.link else "")
        try:
            send_mail(delivery.title, body, settings.DEFAULT_FROM_EMAIL, [channel.target])
        except OSError as exc:
            raise DeliveryError(f"SMTP {settings.EMAIL_HOST}:{settings.EMAIL_PORT}: {exc}") from exc
        return
    url = channel.target
    if channel.kind == NotificationChannel.Kind.DINGTALK:
        url = _dingtalk_url(url, channel.secret)
    answer = _post_json(url, payload_for(channel, delivery.title, delivery.body, delivery.link))
    # Both robots answer HTTP 200 with errcode != 0 when they refuse a message.
    if answer.get("errcode", 0) not in (0, "0"):
        raise DeliveryError(f"robot refused: errcode={answer.get('errcode')} "
                            f"{answer.get('errmsg', '')}")


def retry_delay(attempts: int) -> timedelta:
    return timedelta(seconds=min(30 * 2 ** (attempts - 1), 3600))


def send_due(now=None, limit: int = 50) -> tuple[int, int]:
    """Send deliveries that are due. Returns (sent, failed attempts)."""
    now = now or timezone.now()
    sent = failed = 0
    due = list(Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now)
               .order_by("next_attempt_at").values_list("pk", flat=True)[:limit])
    for pk in due:
        with transaction.atomic():
            # Claim the row so that two workers never send the same delivery.
            claimed = Delivery.objects.filter(pk=pk, status=Delivery.Status.PENDING,
                                              next_attempt_at__lte=now).update(
                next_attempt_at=now + timedelta(minutes=10))
        if not claimed:
            continue
        delivery = Delivery.objects.select_related("channel__unit").get(pk=pk)
        delivery.attempts += 1
        try:
            send(delivery)
        except DeliveryError as exc:
            failed += 1
            delivery.last_error = str(exc)[:2000]
            log.warning("delivery %s to %s failed (attempt %s): %s", delivery.pk,
                        delivery.channel, delivery.attempts, exc)
            if delivery.attempts >= settings.NOTIFY_MAX_ATTEMPTS:
                delivery.status = Delivery.Status.FAILED
            else:
                delivery.next_attempt_at = timezone.now() + retry_delay(delivery.attempts)
        else:
            sent += 1
            delivery.status = Delivery.Status.SENT
            delivery.sent_at = timezone.now()
            delivery.last_error = ""
        delivery.save()
    return sent, failed


# --- channels ---------------------------------------------------------------------------------

CHANNEL_FIELDS = {"kind", "target", "secret", "enabled"}


def create_channel(actor: User, unit: Unit, data: Mapping[str, Any]) -> NotificationChannel:
    """A new channel (e-mail or DingTalk/WeCom robot) for a unit; administrators only."""
    return _write_channel(actor, unit, data)


def update_channel(actor: User, channel: NotificationChannel,
                   data: Mapping[str, Any]) -> NotificationChannel:
    """Change a channel; an empty secret keeps the current one."""
    if channel.pk is None:
        raise ValueError("update a saved channel; create_channel makes a new one")
    return _write_channel(actor, channel.unit, data, channel)


def _write_channel(actor: User, unit: Unit, data: Mapping[str, Any],
                   channel: NotificationChannel | None = None) -> NotificationChannel:
    """One of a unit's channels created or changed (administrators only), audited."""
    from django.core.exceptions import ValidationError
    from django.core.validators import EmailValidator, URLValidator

    from .. import permissions as perm
    from .audit import save_audited

    perm.require(perm.can_manage_registry(actor))
    unknown = set(data) - CHANNEL_FIELDS
    if unknown:
        raise ValidationError({name: "unknown field" for name in sorted(unknown)})
    kind = data.get("kind", channel.kind if channel else "")
    target = (data.get("target", channel.target if channel else "") or "").strip()
    try:
        if kind == NotificationChannel.Kind.EMAIL:
            EmailValidator(message=_("Enter a valid e-mail address."))(target)
        else:
            URLValidator(schemes=["http", "https"],
                         message=_("Enter the robot's full http(s) address."))(target)
    except ValidationError as exc:
        raise ValidationError({"target": exc.messages}) from exc
    changes = {**data, "target": target}
    if channel is not None and not changes.get("secret"):
        changes.pop("secret", None)  # the form never shows the secret: empty means "keep it"
    with transaction.atomic():
        return save_audited(actor, channel or NotificationChannel(unit=unit), changes)


def queue_test_message(actor: User, channel: NotificationChannel) -> Delivery:
    from .. import permissions as perm

    perm.require(perm.can_manage_registry(actor))
    return Delivery.objects.create(
        channel=channel, title=_("ZoneOps test message"),
        body=_("If you can read this, %(unit)s receives ZoneOps notifications here.")
        % {"unit": channel.unit.name}, next_attempt_at=timezone.now())
