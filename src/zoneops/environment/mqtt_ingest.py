"""MQTT ingest for sensors that do not speak HJ 212.

Topic: ``zoneops/env/<MN>/data`` (subscribe filter ``zoneops/env/+/data``), QoS 1.
Payload (UTF-8 JSON)::

    {"pw": "station password",
     "time": "2026-03-01T16:00:00+08:00",      # ISO 8601; without an offset it is Beijing time
     "kind": "rtd",                            # rtd (default), min, hour or day
     "values": {"a21028": 0.012,               # HJ 212 code -> number, flag N
                "a24088": {"value": 1.3, "flag": "D"}}}

The message goes through the same authentication (MN + PW) and the same ingest service as
the HJ 212 gateway; a bad message is logged with its reason and stored nowhere. With QoS 1
the broker gets its PUBACK only after the callback returns, i.e. after the commit.
"""

from __future__ import annotations

import json
import logging
import math
from datetime import UTC, datetime
from typing import Any

from .convert import BEIJING, ReadingIn

log = logging.getLogger("zoneops.mqtt")
TOPIC_FILTER = "zoneops/env/+/data"
KINDS = {"rtd", "min", "hour", "day"}


class MessageError(ValueError):
    pass


def parse_message(topic: str, payload: bytes) -> tuple[str, str, list[ReadingIn]]:
    """(MN, PW, readings) from one message; MessageError says exactly what is wrong."""
    parts = topic.split("/")
    if len(parts) != 4 or parts[:2] != ["zoneops", "env"] or parts[3] != "data" or not parts[2]:
        raise MessageError(f"topic {topic!r} is not zoneops/env/<MN>/data")
    try:
        body: Any = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise MessageError(f"payload is not UTF-8 JSON: {exc}") from None
    if not isinstance(body, dict):
        raise MessageError("payload must be a JSON object")
    pw = body.get("pw")
    if not isinstance(pw, str) or not pw:
        raise MessageError("'pw' must be a non-empty string")
    kind = body.get("kind", "rtd")
    if kind not in KINDS:
        raise MessageError(f"'kind' must be one of {sorted(KINDS)}, got {kind!r}")
    try:
        when = datetime.fromisoformat(str(body.get("time")))
    except ValueError:
        raise MessageError(f"'time' must be ISO 8601, got {body.get('time')!r}") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=BEIJING)
    when = when.astimezone(UTC)
    values = body.get("values")
    if not isinstance(values, dict) or not values:
        raise MessageError("'values' must be a non-empty object of code -> value")
    readings = []
    for code, item in values.items():
        value, flag = (item.get("value"), item.get("flag", "N")) if isinstance(
            item, dict) else (item, "N")
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)
                                  or not math.isfinite(value)):
            raise MessageError(f"values.{code}: must be a finite number, got {value!r}")
        if not isinstance(flag, str) or not 1 <= len(flag) <= 4:
            raise MessageError(f"values.{code}: flag must be 1-4 letters, got {flag!r}")
        if not code or len(code) > 16:
            raise MessageError(f"values: bad factor code {code!r}")
        readings.append(ReadingIn(code, when, kind, None if value is None else float(value),
                                  flag))
    return parts[2], pw, readings


def handle(topic: str, payload: bytes) -> str:
    """Authenticate and ingest one message; returns "stored" or the reason it was not."""
    from .selectors import authenticate
    from .services import ingest

    try:
        mn, pw, readings = parse_message(topic, payload)
    except MessageError as exc:
        log.warning("MQTT %s rejected: %s", topic, exc)
        return f"bad_message: {exc}"
    station_id, reason = authenticate(mn, pw)
    if station_id is None:
        log.warning("MQTT %s rejected: %s", topic, reason)
        return reason
    ingest(station_id, readings, address="mqtt")
    return "stored"


def run(host: str = "127.0.0.1", port: int = 1883, *, client_id: str = "zoneops-ingest",
        stop=None) -> None:
    """Subscribe and ingest until ``stop`` (a threading.Event) is set or interrupted."""
    import paho.mqtt.client as mqtt
    from django.db import close_old_connections

    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id,
                         clean_session=False)

    def on_connect(client, userdata, flags, reason_code, properties):
        log.info("MQTT connected to %s:%s (%s); subscribing %s", host, port, reason_code,
                 TOPIC_FILTER)
        client.subscribe(TOPIC_FILTER, qos=1)

    def on_message(client, userdata, message):
        close_old_connections()
        try:
            handle(message.topic, message.payload)
        except Exception:  # noqa: BLE001 - one message must not stop the subscriber
            log.exception("MQTT %s: ingest failed", message.topic)

    client.on_connect = on_connect
    client.on_message = on_message
    client.connect(host, port, keepalive=30)
    client.loop_start()
    try:
        if stop is None:
            import threading

            threading.Event().wait()
        else:
            stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        client.loop_stop()
        client.disconnect()
