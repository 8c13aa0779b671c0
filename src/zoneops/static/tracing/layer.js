// Draws one trace (fan, 90 % region, suspects) on a Leaflet map; shared by the alert page
// and the live watch. Returns the layer group.
window.zoneopsTraceLayer = function (map, data, fit) {
  const group = L.layerGroup();
  const points = [];
  if (data.fan && data.fan.length) {
    L.polygon(data.fan, {color: "#0ea5e9", weight: 1, fillOpacity: 0.08, dashArray: "4 4",
                         className: "trace-fan"}).addTo(group);
    points.push(...data.fan);
  }
  if (data.region) {
    L.circle([data.region.lat, data.region.lon], {radius: Math.max(data.region.radius_90_m, 30),
      color: "#7c3aed", weight: 2, fillOpacity: 0.1, className: "trace-region"}).addTo(group);
    points.push([data.region.lat, data.region.lon]);
  }
  if (data.origin) {
    L.circleMarker(data.origin, {radius: 6, color: "#0f172a", weight: 2, fillColor: "#facc15",
                                 fillOpacity: 1}).addTo(group);
  }
  for (const s of data.suspects || []) {
    const m = L.circleMarker([s.lat, s.lon], {radius: s.rank === 1 ? 10 : 7, color: "#7f1d1d", weight: 2,
      fillColor: s.decision === "confirmed" ? "#16a34a" : (s.decision === "rejected" ? "#94a3b8" : "#dc2626"),
      fillOpacity: 0.9, className: `trace-suspect suspect-rank-${s.rank}`});
    m.bindTooltip(window.zoneopsText(`#${s.rank} ${s.name}`, `${Math.round(s.probability * 100)}%`));
    m.addTo(group);
    points.push([s.lat, s.lon]);
  }
  group.addTo(map);
  if (fit) {
    if (points.length) { map.fitBounds(L.latLngBounds(points).pad(0.15)); } else { map.setView([30.7, 120.9], 12); }
  }
  return group;
};
