"""MQTT ingest against the real local Mosquitto (127.0.0.1:1883)."""

from __future__ import annotations

import json
import threading
import time
import uuid

import paho.mqtt.client as mqtt
import pytest
from django.db import OperationalError

from zoneops.environment.models import Reading
from zoneops.environment.mqtt_ingest import MessageError, parse_message, run


def test_parse_reports_exact_reasons():
    ok = json.dumps({"pw": "p", "time": "2026-03-01T16:00:00", "values": {
        "a21028": 0.01, "a24088": {"value": 1.2, "flag": "D"}}}).encode()
    mn, pw, readings = parse_message("zoneops/env/M1/data", ok)
    assert (mn, pw) == ("M1", "p")
    assert readings[0].time.isoformat() == "2026-03-01T08:00:00+00:00"
    assert readings[1].flag == "D"
    for topic, payload, reason in [
        ("zoneops/env/M1", ok, "topic"),
        ("zoneops/env/M1/data", b"{", "JSON"),
        ("zoneops/env/M1/data", b'{"pw": "p", "time": "x", "values": {"a": 1}}', "time"),
        ("zoneops/env/M1/data", b'{"pw": "p", "time": "2026-03-01", "values": {"a": "1"}}',
         "finite number"),
        ("zoneops/env/M1/data", b'{"time": "2026-03-01", "values": {"a": 1}}', "pw"),
    ]:
        with pytest.raises(MessageError, match=reason):
            parse_message(topic, payload)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_messages_through_the_real_broker_are_stored_once(env):
    stop = threading.Event()
    subscriber = threading.Thread(target=run, kwargs={
        "client_id": f"test-{uuid.uuid4().hex[:8]}", "stop": stop}, daemon=True)
    subscriber.start()
    time.sleep(1.0)  # connected and subscribed
    publisher = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
    publisher.connect("127.0.0.1", 1883)
    publisher.loop_start()
    good = {"pw": "pw-plant", "time": "2026-03-01T16:00:00+08:00",
            "values": {"a21028": 0.01, "a24088": 1.5}}
    for payload in (good, good, {**good, "pw": "wrong"}):
        publisher.publish("zoneops/env/PLANT0001/data", json.dumps(payload), qos=1
                          ).wait_for_publish(5)
    publisher.publish("zoneops/env/PLANT0001/data", b"not json", qos=1).wait_for_publish(5)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:  # in-memory SQLite (tests) locks tables across threads; just ask again
            if Reading.objects.count() >= 2:
                break
        except OperationalError:
            pass
        time.sleep(0.1)
    time.sleep(0.5)
    publisher.loop_stop()
    publisher.disconnect()
    stop.set()
    subscriber.join(10)
    assert sorted(Reading.objects.values_list("factor__code", "value")) == [
        ("a21028", 0.01), ("a24088", 1.5)]
