// The zone map (/map/): areas, blocks and enterprises over the zone's own GeoJSON. Names come
// from data people typed (places import, enterprise records): they are drawn as text, never
// as HTML.
(function () {
  const el = document.getElementById("map");
  const places = JSON.parse(document.getElementById("places-data").textContent);
  const enterprises = JSON.parse(document.getElementById("enterprise-data").textContent);
  const labels = JSON.parse(document.getElementById("map-labels").textContent);
  const map = L.map("map", {preferCanvas: true, attributionControl: false, zoomControl: false, maxZoom: 18});
  L.control.zoom({zoomInTitle: labels.zoom_in, zoomOutTitle: labels.zoom_out}).addTo(map);
  const tileUrl = el.dataset.tileUrl;
  if (tileUrl) { L.tileLayer(tileUrl, {maxZoom: 18}).addTo(map); }
  const colours = {zone: "#334155", area: "#2563eb", block: "#16a34a"};
  const layers = {};
  for (const kind of ["zone", "area", "block"]) {
    layers[kind] = L.geoJSON({type: "FeatureCollection", features: places.features.filter(f => f.properties.kind === kind)}, {
      style: {color: colours[kind], weight: kind === "block" ? 1 : 2, fillOpacity: kind === "block" ? 0.15 : 0.05},
      onEachFeature: (f, layer) => layer.bindTooltip(window.zoneopsText(f.properties.name), kind === "area"
        ? {permanent: true, direction: "center", className: "area-label"} : {sticky: true})
    }).addTo(map);
  }
  function popup(e) {
    const box = document.createElement("div");
    const link = document.createElement("a");
    link.href = e.url;
    link.textContent = e.name;
    box.append(link, document.createElement("br"), document.createTextNode(e.industry ?? ""));
    return box;
  }
  const dots = L.layerGroup(enterprises.map(e => L.circleMarker([e.lat, e.lon], {radius: 3, color: "#b45309"})
    .bindPopup(() => popup(e)))).addTo(map);
  L.control.layers(null, {[labels.areas]: layers.area, [labels.blocks]: layers.block, [labels.enterprises]: dots}).addTo(map);
  const bounds = layers.zone.getBounds().isValid() ? layers.zone.getBounds() : layers.block.getBounds();
  if (bounds.isValid()) { map.fitBounds(bounds); } else { map.setView([30.7, 120.8], 11); }
  el.dataset.features = String(places.features.length);
})();
