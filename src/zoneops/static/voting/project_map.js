// The project's place on the zone's own outline: no tiles, nothing from the internet.
(function () {
  const box = document.getElementById("project-map");
  if (!box || !window.L) { return; }
  const outline = JSON.parse(document.getElementById("zone-outline").textContent);
  const here = [parseFloat(box.dataset.lat), parseFloat(box.dataset.lon)];
  const map = L.map(box, {attributionControl: false, scrollWheelZoom: false});
  const shapes = L.geoJSON(outline, {style: f => ({color: f.properties.kind === "zone" ? "#334155" : "#2563eb",
    weight: f.properties.kind === "zone" ? 2 : 1, fillOpacity: 0.05})});
  // Leaflet needs a view before vector layers are added.
  const bounds = shapes.getBounds();
  if (bounds.isValid()) { map.fitBounds(bounds.extend(here)); } else { map.setView(here, 14); }
  shapes.addTo(map);
  L.circleMarker(here, {radius: 9, color: "#b91c1c", weight: 3, fillOpacity: 0.6}).addTo(map);
  box.dataset.ready = "1";
})();
