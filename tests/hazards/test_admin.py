"""The admin site keeps sensitive places, resources and plans through the services: their
refusals land on the form and nothing is written; a good entry is audited once."""

from __future__ import annotations

from zoneops.core.selectors import history_of
from zoneops.hazards.models import Resource, SensitivePlace


def _admin(world):
    admin = world.users["admin"]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    return world.client("admin")


def test_admin_site_writes_through_the_services(world):
    client = _admin(world)
    url = "/admin/hazards/sensitiveplace/add/"
    bad = client.post(url, {"name": "澄湾小学", "kind": "school", "population": "800",
                            "latitude": "95", "longitude": "120.9"})
    assert bad.status_code == 200 and "latitude" in bad.context["adminform"].form.errors
    assert not SensitivePlace.objects.exists()
    good = client.post(url, {"name": "澄湾小学", "kind": "school", "population": "800",
                             "latitude": "30.69", "longitude": "120.9"})
    assert good.status_code == 302
    place = SensitivePlace.objects.get()
    assert [e.action for e in history_of(place)] == ["create"]
    change = client.post(f"/admin/hazards/sensitiveplace/{place.pk}/change/", {
        "name": "澄湾小学", "kind": "school", "population": "900", "latitude": "30.69",
        "longitude": "120.9"})
    assert change.status_code == 302 and SensitivePlace.objects.get().population == 900
    assert sorted(e.action for e in history_of(place)) == ["create", "update"]
    resource = client.post("/admin/hazards/resource/add/", {
        "kind": "team", "name": "园区消防站", "quantity": "1", "measure": "支", "contact": "",
        "phone": "", "latitude": "30.68", "longitude": "120.92"})
    assert resource.status_code == 302 and Resource.objects.get().name == "园区消防站"
