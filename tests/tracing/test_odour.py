"""Residents' odour reports: the public page (no session, CSP, photo re-encoded), abuse
limits, folding, the queue, clusters raising a traced alert, the reporter's outcome."""

from __future__ import annotations

import io
import math
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from PIL import Image

from zoneops.core.models import Alert, AuditEntry
from zoneops.tracing import jobs, services
from zoneops.tracing.models import OdourReport, Trace

from .conftest import ANCHOR, LAT0, LON0, WIND_FROM


def _form(**extra):
    now = timezone.localtime()
    data = {"latitude": "30.701", "longitude": "120.899",
            "observed_at": now.strftime("%Y-%m-%dT%H:%M"), "intensity": "3",
            "smell": "rotten_egg", "note": "臭鸡蛋味"}
    data.update(extra)
    return data


def _png(payload: bytes = b"") -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, format="PNG")
    f = io.BytesIO(out.getvalue() + payload)
    f.name = "smell.png"
    return f


@pytest.mark.django_db
def test_public_page_needs_no_login_no_session_and_keeps_the_csp():
    client = Client()
    response = client.get("/odour/")
    assert response.status_code == 200
    assert "sessionid" not in response.cookies
    csp = response["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    assert nonce
    html = response.content.decode()
    for tag in re.findall(r"<script[^>]*>", html):
        assert ("src=" in tag or f'nonce="{nonce}"' in tag
                or 'type="application/json"' in tag), tag
    assert "onclick" not in html and "onload" not in html
    assert 'data-testid="odour-map"' in html


@pytest.mark.django_db
def test_a_report_gets_a_tracking_code_and_later_the_outcome(world):
    client = Client(REMOTE_ADDR="203.0.113.7")
    response = client.post("/odour/", _form(photo=_png(b"<html><script>alert(1)</script>")))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "sessionid" not in response.cookies
    report = OdourReport.objects.get()
    assert response["Location"] == f"/odour/t/{report.code}/"
    assert report.address_hash and "203.0.113.7" not in report.address_hash
    stored = report.photo.read()
    assert stored.startswith(b"\x89PNG") and b"<script>" not in stored
    page = client.get(response["Location"])
    assert report.code in page.content.decode()
    assert "sessionid" not in page.cookies
    services.review_odour(world.users["duty"], report, status="closed",
                          outcome="经核查为某企业污水池臭气，已责令整改。")
    page = client.get(f"/odour/t/{report.code.lower()}/")
    assert "已责令整改" in page.content.decode()
    assert AuditEntry.objects.filter(action="tracing.odour review").count() == 1
    assert client.get("/odour/t/NOPE-NOPE/").status_code == 404


@pytest.mark.django_db
def test_bad_input_names_the_field_and_writes_nothing():
    client = Client(REMOTE_ADDR="203.0.113.8")
    response = client.post("/odour/", _form(latitude="", longitude="", intensity="9"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "field-error" in html
    response = client.post("/odour/", _form(photo=io.BytesIO(b"GIF89a not really")))
    assert response.status_code == 400
    assert not OdourReport.objects.exists()
    old = (timezone.localtime() - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    assert client.post("/odour/", _form(observed_at=old)).status_code == 400
    # A robot filling the hidden field is refused.
    assert client.post("/odour/", _form(website="http://spam")).status_code == 400
    assert not OdourReport.objects.exists()


@pytest.mark.django_db
def test_rate_limit_per_address_and_duplicates_fold():
    client = Client(REMOTE_ADDR="198.51.100.1")
    first = client.post("/odour/", _form())
    second = client.post("/odour/", _form(latitude="30.7012"))  # 22 m away, same address
    assert first["Location"] == second["Location"]  # folded: the first's tracking code
    assert OdourReport.objects.filter(folded_into__isnull=False).count() == 1
    third = client.post("/odour/", _form(latitude="30.75"))  # far away: its own report
    assert third.status_code == 302 and third["Location"] != first["Location"]
    assert client.post("/odour/", _form(latitude="30.76")).status_code == 429
    assert OdourReport.objects.count() == 3
    # Another address is not held back.
    assert Client(REMOTE_ADDR="198.51.100.2").post("/odour/", _form()).status_code == 302


def test_reports_cluster_raise_an_alert_and_are_traced_as_presence_evidence(park):
    park.write_readings(rate=0.0)  # wind only: no station sees anything
    to = math.radians(WIND_FROM + 180)
    tx, ty = park.projection.to_xy(park.truth.longitude, park.truth.latitude)
    for i, d in enumerate((500, 700, 900)):
        lon, lat = park.projection.to_lonlat(tx + d * math.sin(to) + 20 * i,
                                             ty + d * math.cos(to))
        services.submit_odour(latitude=lat, longitude=lon, observed_at=ANCHOR,
                              intensity=3, smell="rotten_egg", address=f"10.0.0.{i}",
                              now=ANCHOR + timedelta(minutes=2))
    # A resident upwind of another enterprise smelled nothing.
    lon, lat = park.projection.to_lonlat(700 - 600 * math.sin(to), -400 - 600 * math.cos(to))
    services.submit_odour(latitude=lat, longitude=lon, observed_at=ANCHOR, intensity=0,
                          smell="other", address="10.0.0.9", now=ANCHOR + timedelta(minutes=2))
    jobs.run_due(now=ANCHOR + timedelta(minutes=5))
    alert = Alert.objects.get(module="tracing")
    assert alert.key.startswith("odour:") and "3" in alert.title
    trace = Trace.objects.get(alert=alert)
    assert trace.state == Trace.State.DONE, trace.message
    assert trace.evidence["odour_present"] == 3
    top = trace.suspects.get(rank=1)
    assert top.release_point == park.truth
    assert top.rate_median is None  # presence/absence says nothing about the rate
    assert OdourReport.objects.filter(cluster__alert=alert).count() == 3


def test_a_single_faint_report_stays_in_the_queue_without_an_alert(park):
    services.submit_odour(latitude=LAT0, longitude=LON0, observed_at=ANCHOR, intensity=1,
                          smell="solvent", address="10.0.0.1", now=ANCHOR)
    jobs.run_due(now=ANCHOR + timedelta(minutes=1))
    assert not Alert.objects.filter(module="tracing").exists()
    assert OdourReport.objects.get().cluster is not None
