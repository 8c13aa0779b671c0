// The unit and incident map: the unit's outline and, when one was drawn, its threat zones
// (AEGL-3 red, AEGL-2 orange, AEGL-1 yellow) and the source. Every name comes from data: drawn
// as text nodes (window.zoneopsText), never as HTML. The view is set before any layer is
// added (a vector layer needs the map's view to draw).
(function () {
  const el = document.getElementById("unit-map");
  if (!el) { return; }
  const outline = JSON.parse(document.getElementById("unit-outline").textContent);
  const zoneEl = document.getElementById("zone-data");
  const zone = zoneEl ? JSON.parse(zoneEl.textContent) : null;
  const map = L.map("unit-map", {attributionControl: false});  // SVG: a few polygons
  const layers = [];
  if (outline) {
    layers.push(L.geoJSON(outline, {style: {color: "#334155", weight: 2, fillOpacity: 0.2}}));
  }
  let drawn = 0;
  if (zone) {
    const colours = {"AEGL-3": "#dc2626", "AEGL-2": "#ea580c", "AEGL-1": "#ca8a04"};
    // Widest first, so the inner zones stay on top.
    const zones = zone.features.filter(f => f.properties.kind === "threat_zone" && f.geometry).reverse();
    for (const f of zones) {
      layers.unshift(L.geoJSON(f, {style: {color: colours[f.properties.level], weight: 2, fillOpacity: 0.25}})
        .bindTooltip(() => window.zoneopsText(f.properties.level, String(f.properties.threshold_ppm) + " ppm",
          String(f.properties.distance_m) + " m"), {sticky: true}));
      drawn += 1;
    }
    layers.reverse();
    const src = zone.features.find(f => f.properties.kind === "source");
    if (src) {
      layers.push(L.circleMarker([src.geometry.coordinates[1], src.geometry.coordinates[0]], {radius: 5, color: "#111827"}));
    }
  }
  const bounds = L.latLngBounds([]);
  for (const layer of layers) {
    bounds.extend(layer.getBounds ? layer.getBounds() : L.latLngBounds([layer.getLatLng()]));
  }
  if (bounds.isValid()) { map.fitBounds(bounds, {maxZoom: 16}); } else { map.setView([30.7, 120.8], 11); }
  for (const layer of layers) { layer.addTo(map); }
  el.dataset.zones = String(drawn);
})();
