// The public odour page: tap the map or use the phone's location to fill the hidden
// latitude/longitude fields. No tiles from the internet: the zone's own outline is drawn.
(function () {
  const box = document.getElementById("odour-map");
  if (!box || !window.L) { return; }
  const lat = document.getElementById("id_latitude");
  const lon = document.getElementById("id_longitude");
  const where = document.getElementById("where-text");
  const outline = JSON.parse(document.getElementById("zone-outline").textContent);
  const map = L.map(box, {attributionControl: false});
  const shapes = L.geoJSON(outline, {style: f => ({color: f.properties.kind === "zone" ? "#334155" : "#2563eb",
    weight: f.properties.kind === "zone" ? 2 : 1, fillOpacity: 0.05})});
  const bounds = shapes.getBounds();
  if (bounds.isValid()) { map.fitBounds(bounds); } else { map.setView([30.7, 120.9], 12); }
  shapes.addTo(map);
  let marker = null;
  function place(la, lo, how) {
    lat.value = la.toFixed(6);
    lon.value = lo.toFixed(6);
    if (marker) { marker.setLatLng([la, lo]); } else {
      marker = L.circleMarker([la, lo], {radius: 10, color: "#b91c1c", weight: 3, fillOpacity: 0.6}).addTo(map);
    }
    where.textContent = `${la.toFixed(5)}, ${lo.toFixed(5)}${how ? " · " + how : ""}`;
    box.dataset.placed = "1";
  }
  if (lat.value && lon.value) { place(parseFloat(lat.value), parseFloat(lon.value)); }
  map.on("click", e => place(e.latlng.lat, e.latlng.lng));
  document.getElementById("use-location").addEventListener("click", () => {
    if (!navigator.geolocation) { where.textContent = where.dataset.denied; return; }
    navigator.geolocation.getCurrentPosition(
      p => { place(p.coords.latitude, p.coords.longitude, "GPS"); map.setView([p.coords.latitude, p.coords.longitude], 15); },
      () => { where.textContent = where.dataset.denied; }, {enableHighAccuracy: true, timeout: 10000});
  });
  box.dataset.ready = "1";
})();
