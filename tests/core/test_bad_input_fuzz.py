"""Every URL pattern and every API operation answers a NUL character or an out-of-range number
with a 400 that names the field, and never with a 500 (issue 17, item 5)."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

from zoneops.api import api

HUGE = "99999999999999999999999"
SAMPLES = {"int": "1", "str": "x", "slug": "x", "path": "x",
           "uuid": "00000000-0000-0000-0000-000000000000"}
PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def site_urls(resolvers=None, prefix: str = "") -> list[tuple[str, str]]:
    """(route with <converter:name> placeholders, converter-free sample) for every path()."""
    found = []
    for entry in (resolvers if resolvers is not None else get_resolver().url_patterns):
        if not isinstance(entry.pattern, RoutePattern):
            continue  # a few admin regex routes; their path() siblings cover the views
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            found += site_urls(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            found.append(route)
    return sorted(set(found))


def fill(route: str, integer: str) -> str:
    return "/" + PARAM.sub(lambda m: integer if (m.group(1) or "str") == "int"
                           else SAMPLES.get(m.group(1) or "str", "x"), route)


def api_operations() -> list[tuple[str, str]]:
    schema = api.get_openapi_schema(path_prefix="/api")
    return sorted((method.upper(), path) for path, methods in schema["paths"].items()
                  for method in methods)


@pytest.fixture
def admin_client(world, settings):
    settings.ENVIRONMENT_SSE_LIFETIME_SECONDS = 0.05
    settings.ENVIRONMENT_SSE_POLL_SECONDS = 0.01
    client = Client(raise_request_exception=False)
    client.force_login(world.users["admin"])
    return client


def test_the_walk_covers_the_site():
    assert len(site_urls()) >= 100 and len(api_operations()) >= 20


def test_every_url_refuses_nul_and_huge_numbers_in_the_query(admin_client):
    for route in site_urls():
        url = fill(route, "1")
        nul = admin_client.get(url, {"q": "a\x00b"})
        assert nul.status_code == 400 and b"NUL" in nul.content, url
        huge = admin_client.get(url, {"offset": HUGE})
        assert huge.status_code == 400 and b"offset" in huge.content, url


def test_every_url_survives_a_huge_number_in_the_path(admin_client):
    failures = []
    for route in site_urls():
        if "<int:" not in route:
            continue
        url = fill(route, HUGE)
        for response in (admin_client.get(url), admin_client.post(url, {"a": "b"})):
            if response.status_code >= 500:
                failures.append((url, response.status_code))
    assert failures == []


def test_every_api_operation_refuses_nul_and_huge_numbers_in_the_body(admin_client):
    body = json.dumps({"name": "a\x00b"})
    for method, path in api_operations():
        url = PARAM.sub("1", path.replace("{", "<").replace("}", ">"))
        response = admin_client.generic(method, url, body, content_type="application/json")
        if method in ("POST", "PUT", "PATCH", "DELETE"):
            assert response.status_code == 400 and "NUL" in response.json()["detail"], url
        big = admin_client.generic(method, url, json.dumps({"value": int(HUGE)}),
                                   content_type="application/json")
        if method in ("POST", "PUT", "PATCH", "DELETE"):
            assert big.status_code == 400 and "body.value" in big.json()["detail"], url
        query = admin_client.generic(method, url + f"?offset={HUGE}")
        assert query.status_code == 400, url


def test_the_monthly_report_of_year_9999_is_a_clear_400(admin_client):
    response = admin_client.get("/supervision/monthly/9999-12.xlsx")
    assert response.status_code == 400 and b"month" in response.content


def test_huge_offset_in_the_supervision_api(admin_client):
    response = admin_client.get(f"/api/supervision/items?offset={HUGE}")
    assert response.status_code == 400 and "offset" in response.json()["detail"]
