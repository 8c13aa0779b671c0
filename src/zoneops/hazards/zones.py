"""Threat zones on the platform: the release form of a unit's page turned into the pure
``threatzone`` RELEASE document, with the wind now (the nearest weather mast, or entered), the
unit's centre as the source, and the park's receptors (active monitoring stations, sensitive
places). Read-only: drawing a zone writes nothing."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zoneops.dispersion import InputError

from . import aegl
from .models import HazardUnit, Holding, SensitivePlace
from .threatzone import PHASES, substance, threat_zone

STABILITY_CHOICES = [("", _("Automatic")), *[(c, c) for c in "ABCDEF"]]
PHASE_LABELS = {"gas": _("Gas"), "liquid": _("Liquid"), "liquefied_gas": _("Liquefied gas")}
INSOLATION_CHOICES = [("", "—"), ("strong", _("Strong sun")), ("moderate", _("Moderate sun")),
                      ("slight", _("Slight sun"))]
EXPOSURE_LABELS = {"10min": _("10 min"), "30min": _("30 min"), "60min": _("60 min"),
                   "4h": _("4 h"), "8h": _("8 h")}
EXPOSURE_CHOICES = [(d, EXPOSURE_LABELS.get(d, d)) for d in aegl.DURATIONS]


class ZoneForm(forms.Form):
    """What a person says about a release; the rest comes from the unit and the park."""

    zone = forms.CharField(widget=forms.HiddenInput, initial="1")
    cas = forms.ChoiceField(label=_("chemical"))
    phase = forms.ChoiceField(label=_("phase in the tank"),
                              choices=[(p, PHASE_LABELS[p]) for p in PHASES])
    hole_diameter_mm = forms.FloatField(label=_("hole diameter (mm)"), min_value=0.1,
                                        max_value=5000, initial=25)
    pressure_kpa = forms.FloatField(label=_("gauge pressure (kPa)"), min_value=0,
                                    required=False)
    temperature_c = forms.FloatField(label=_("temperature in the tank (°C)"), initial=20,
                                     min_value=-200, max_value=500)
    pool_area_m2 = forms.FloatField(label=_("pool (dike) area (m²)"), min_value=0.1,
                                    required=False)
    wind_speed_m_s = forms.FloatField(label=_("wind speed (m/s)"), min_value=0, max_value=60,
                                      required=False)
    wind_from_deg = forms.FloatField(label=_("wind from (°)"), min_value=0, max_value=360,
                                     required=False)
    stability = forms.ChoiceField(label=_("stability class"), choices=STABILITY_CHOICES,
                                  required=False)
    insolation = forms.ChoiceField(label=_("sunshine (by day)"), choices=INSOLATION_CHOICES,
                                   required=False)
    exposure = forms.ChoiceField(label=_("exposure duration"), choices=EXPOSURE_CHOICES,
                                 initial="60min")

    def __init__(self, *args: Any, unit: HazardUnit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cas"].choices = chemicals_with_levels(unit)


def chemicals_with_levels(unit: HazardUnit) -> list[tuple[str, str]]:
    """The unit's chemicals that have a level of concern to draw (others cannot be drawn)."""
    listed = set(aegl.listed())
    seen: dict[str, str] = {}
    for holding in Holding.objects.filter(equipment__unit=unit).select_related("chemical"):
        chem = holding.chemical
        if chem.cas in listed:
            seen.setdefault(chem.cas, f"{chem.name} ({chem.cas})")
    return sorted(seen.items(), key=lambda kv: kv[1])


def unit_centre(unit: HazardUnit) -> tuple[float, float] | None:
    """The mean of the outline's vertices (lon, lat), else the enterprise's point."""
    geometry = unit.geometry or {}
    rings: list = []
    if geometry.get("type") == "Polygon":
        rings = geometry["coordinates"][:1]
    elif geometry.get("type") == "MultiPolygon":
        rings = [poly[0] for poly in geometry["coordinates"]]
    points = [pt for ring in rings for pt in ring[:-1]]
    if points:
        return (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))
    enterprise = unit.enterprise
    if enterprise.longitude is not None and enterprise.latitude is not None:
        return float(enterprise.longitude), float(enterprise.latitude)
    return None


def receptors() -> list[dict]:
    from zoneops.environment.models import Station

    out = [{"id": f"station-{s.pk}", "kind": "station", "name": s.name,
            "lon": s.longitude, "lat": s.latitude}
           for s in Station.objects.filter(is_active=True)
           if s.longitude is not None and s.latitude is not None]
    out += [{"id": f"place-{p.pk}", "kind": p.kind, "name": p.name, "lon": p.longitude,
             "lat": p.latitude, "population": p.population}
            for p in SensitivePlace.objects.all()]
    return out


def wind_now(lon: float, lat: float) -> dict[str, Any]:
    """The last wind (≤ 30 min old) of the weather mast nearest the point, or {}."""
    from zoneops.environment import alarms
    from zoneops.environment.clock import SYSTEM

    wind = alarms.wind_at(alarms.weather_station_nearest(lat, lon), SYSTEM.now())
    return wind if "speed" in wind and "direction" in wind else {}


def draw(unit: HazardUnit, data: dict[str, Any]) -> dict[str, Any]:
    """A zone from a valid form's ``cleaned_data``. Returns {"zone"} or {"error"}, and "wind"
    saying where the wind came from."""
    centre = unit_centre(unit)
    if centre is None:
        return {"error": _("The unit has no outline and its enterprise no location.")}
    wind_source = "entered"
    speed, direction = data.get("wind_speed_m_s"), data.get("wind_from_deg")
    if speed is None or direction is None:
        wind = wind_now(*centre)
        if not wind:
            return {"error": _("No recent wind from a weather mast: enter the wind.")}
        speed, direction = float(wind["speed"]), float(wind["direction"])
        wind_source = wind["station_name"]
    tank: dict[str, Any] = {"phase": data["phase"], "hole_diameter_mm": data["hole_diameter_mm"],
                            "temperature_c": data["temperature_c"]}
    for key in ("pressure_kpa", "pool_area_m2"):
        if data.get(key) is not None:
            tank[key] = data[key]
    tonnes = sum(h.design_max_t for h in Holding.objects.filter(
        equipment__unit=unit, chemical__cas=data["cas"]))
    if tonnes:
        tank["mass_kg"] = float(tonnes) * 1000.0
    met: dict[str, Any] = {"wind_speed_m_s": speed, "wind_from_deg": direction % 360.0,
                           "stability": data.get("stability") or None}
    if data.get("insolation"):
        met.update({"daytime": True, "insolation": data["insolation"]})
    release = {"chemical": {"cas": data["cas"]},
               "source": {"lon": centre[0], "lat": centre[1], "height_m": 1.0},
               "release": {"tank": tank}, "met": met, "exposure": data["exposure"],
               "receptors": receptors()}
    if substance(data["cas"]) is None:
        return {"error": _("The physical properties of this chemical are not recorded.")}
    try:
        zone = threat_zone(release)
    except InputError as exc:
        return {"error": f"{exc.field}: {str(exc).split(': ', 1)[-1]}"}
    return {"zone": zone, "wind": wind_source}
