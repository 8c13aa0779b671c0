// The air watch (/environment/): station map, open alarms and live updates. Station and
// area names are drawn as text (Leaflet would read a string as HTML).
(function () {
  const COLOURS = ["#16a34a", "#2563eb", "#ca8a04", "#ea580c", "#dc2626"];
  const config = JSON.parse(document.getElementById("watch-config").textContent);
  const KINDS = config.kinds;
  const esc = s => String(s ?? "").replace(/[&<>"]/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[c]));
  let status = JSON.parse(document.getElementById("status-data").textContent);
  const places = JSON.parse(document.getElementById("places-data").textContent);
  const mapEl = document.getElementById("map");
  // maxZoom bounds every fit: without tiles the map has no maximum, and fitting one station
  // (zero-size bounds) zoomed to infinity - a blank grey map with zero-size shapes.
  const map = L.map("map", {attributionControl: false, zoomControl: false, maxZoom: 18, minZoom: 3});
  L.control.zoom({zoomInTitle: config.labels.zoom_in, zoomOutTitle: config.labels.zoom_out}).addTo(map);
  window.zoneopsWatchMap = map;  // other modules' layers (source tracing) draw on it
  const tileUrl = config.tile_url;
  if (tileUrl) { L.tileLayer(tileUrl, {maxZoom: 18}).addTo(map); }
  L.geoJSON(places, {style: f => ({color: f.properties.kind === "block" ? "#16a34a" : "#2563eb", weight: f.properties.kind === "zone" ? 2 : 1, fillOpacity: 0.05}),
    onEachFeature: (f, layer) => layer.bindTooltip(window.zoneopsText(f.properties.name), {sticky: true})}).addTo(map);
  const markers = {};
  let seenAlert = status.max_alert_id;
  let audio = null;
  function beep() {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      for (const [i, f] of [[0, 880], [1, 660], [2, 880]]) {
        const o = audio.createOscillator(), g = audio.createGain();
        o.frequency.value = f; o.connect(g); g.connect(audio.destination);
        g.gain.value = 0.2; o.start(audio.currentTime + i * 0.25); o.stop(audio.currentTime + i * 0.25 + 0.2);
      }
      mapEl.dataset.beeps = String(Number(mapEl.dataset.beeps || 0) + 1);
    } catch (e) { /* no audio device: the visible cue remains */ }
  }
  document.getElementById("sound").addEventListener("click", () => { beep(); });
  function draw() {
    let worst = 0;
    for (const s of status.stations) {
      worst = Math.max(worst, s.level);
      const style = {radius: s.kind === "weather" ? 6 : 8, color: "#0f172a", weight: 1, fillColor: COLOURS[s.level] || COLOURS[4], fillOpacity: 0.9,
                     className: `station-marker st-${s.mn} level-${s.level}`};
      if (!markers[s.mn]) {
        markers[s.mn] = L.circleMarker([s.lat, s.lon], style).addTo(map);
        markers[s.mn].on("click", () => { window.location.href = s.url; });
      } else {
        markers[s.mn].setStyle(style);
        const el = markers[s.mn].getElement();
        if (el) { el.setAttribute("class", `leaflet-interactive station-marker st-${s.mn} level-${s.level}`); }
      }
      markers[s.mn].bindTooltip(window.zoneopsText(`${s.name} (${s.mn})`, s.last_seen || "-"));
    }
    mapEl.dataset.stations = String(status.stations.length);
    mapEl.dataset.worst = String(worst);
    document.getElementById("station-rows").innerHTML = status.stations.map(s =>
      `<tr data-mn="${esc(s.mn)}" data-level="${s.level}"><td class="mono">${esc(s.mn)}</td><td><a href="${s.url}">${esc(s.name)}</a></td><td>${esc(KINDS[s.kind] || s.kind)}</td><td><span class="pill level-${s.level}">${s.level}</span></td><td>${esc(s.last_seen || "-")}</td></tr>`).join("");
    document.getElementById("alarm-count").textContent = String(status.alerts.length);
    document.getElementById("alarm-list").innerHTML = status.alerts.map(a =>
      `<li data-alert-id="${a.id}" data-level="${a.level}" class="${a.cleared ? "cleared" : ""}"><span class="pill level-${a.level}">${a.level}</span><a href="${a.url}">${esc(a.title)}</a><small class="muted">${esc(a.raised_at)} · ${esc(a.status_label)}</small></li>`).join("");
  }
  // The view must be set before any marker is drawn: Leaflet cannot place circle markers on
  // a map without one (it threw here and stopped the live updates below).
  const points = status.stations.map(s => [s.lat, s.lon]);
  const bounds = points.length ? L.latLngBounds(points) : null;
  if (bounds && bounds.getNorthEast().distanceTo(bounds.getSouthWest()) > 50) {
    map.fitBounds(bounds.pad(0.3), {maxZoom: 16});
  } else if (bounds) {
    map.setView(bounds.getCenter(), 15);  // one station (or several at one spot)
  } else {
    const zone = L.geoJSON(places).getBounds();
    if (zone.isValid()) { map.fitBounds(zone); } else { map.setView([30.7, 120.9], 12); }
  }
  mapEl.dataset.zoom = String(map.getZoom());
  draw();
  async function refresh() {
    const response = await fetch(config.status_url, {headers: {"Accept": "application/json"}});
    if (!response.ok) { return; }
    status = await response.json();
    draw();
    const live = document.getElementById("live");
    live.dataset.updates = String(Number(live.dataset.updates) + 1);
    document.getElementById("last-update").textContent = new Date().toLocaleTimeString("zh-CN", {hour12: false, timeZone: "Asia/Shanghai"});
    if (status.max_alert_id > seenAlert) {
      const newest = status.alerts.find(a => a.id === status.max_alert_id);
      const banner = document.getElementById("new-alarm");
      banner.innerHTML = `<a style="color:#fff" href="${newest ? newest.url : "#"}">${esc(newest ? newest.title : "")}</a>`;
      banner.dataset.alertId = String(status.max_alert_id);
      banner.classList.remove("show"); void banner.offsetWidth; banner.classList.add("show");
      beep();
      seenAlert = status.max_alert_id;
    }
  }
  let pending = null;
  function soon() { if (!pending) { pending = setTimeout(() => { pending = null; refresh(); }, 300); } }
  const source = new EventSource(config.events_url);
  source.addEventListener("readings", soon);
  source.addEventListener("alerts", soon);
  source.addEventListener("open", () => { mapEl.dataset.live = "1"; });
})();
