// The live wastewater chain (/water/): a schematic (SVG, upstream left to downstream right,
// coloured by state), the anomalies and the points on the park map. Every name and text from
// the data is set as text (textContent, Leaflet tooltips through zoneopsText), never as HTML.
(function () {
  const SVG = "http://www.w3.org/2000/svg";
  const COLOURS = {"-1": "#94a3b8", "0": "#16a34a", "1": "#2563eb", "2": "#ca8a04", "3": "#dc2626"};
  const COLUMNS = {source: 0, network: 1, plant_inlet: 2, plant_outlet: 3, outfall: 4, river: 5};
  const config = JSON.parse(document.getElementById("water-config").textContent);
  let status = JSON.parse(document.getElementById("status-data").textContent);
  const places = JSON.parse(document.getElementById("places-data").textContent);
  const svg = document.getElementById("schematic");

  function el(name, attrs, text) {
    const node = document.createElementNS(SVG, name);
    for (const [k, v] of Object.entries(attrs || {})) { node.setAttribute(k, String(v)); }
    if (text !== undefined) { node.textContent = String(text); }
    return node;
  }
  function fmt(x, digits) { return x === null || x === undefined ? "-" : Number(x).toFixed(digits); }

  function layout(points) {
    // Column by kind; within a column, points follow the order of what they flow into, so
    // an enterprise sits beside its network point.
    const cols = [[], [], [], [], [], []];
    const rowOf = {};
    for (const kind of ["river", "outfall", "plant_outlet", "plant_inlet", "network", "source"]) {
      const here = points.filter(p => p.kind === kind);
      here.sort((a, b) => (rowOf[a.downstream] ?? 0) - (rowOf[b.downstream] ?? 0) || a.code.localeCompare(b.code));
      here.forEach((p, i) => {
        rowOf[p.code] = i;
        // A river section above the outfall sits beside it, the one below after it.
        cols[kind === "river" && p.downstream ? 4 : COLUMNS[kind]].push(p);
      });
    }
    const height = Math.max(...cols.map(c => c.length), 1) * 62 + 30;
    const pos = {};
    cols.forEach((col, c) => {
      const gap = height / (col.length + 1);
      col.forEach((p, i) => { pos[p.code] = {x: 16 + c * 182, y: gap * (i + 1) - 25}; });
    });
    return {pos, height};
  }

  function drawSchematic() {
    while (svg.firstChild) { svg.removeChild(svg.firstChild); }
    const {pos, height} = layout(status.points);
    svg.setAttribute("viewBox", `0 0 1120 ${height}`);
    svg.setAttribute("height", String(height));
    for (const p of status.points) {
      if (!p.downstream || !pos[p.downstream]) { continue; }
      const a = pos[p.code], b = pos[p.downstream];
      svg.appendChild(el("line", {class: "edge", x1: a.x + 150, y1: a.y + 25, x2: b.x, y2: b.y + 25, "marker-end": "url(#arrow)"}));
      if (p.travel_minutes) {
        svg.appendChild(el("text", {class: "small", x: (a.x + 150 + b.x) / 2 - 12, y: (a.y + b.y) / 2 + 20}, `${Math.round(p.travel_minutes)} ${config.labels.travel}`));
      }
    }
    const defs = el("defs");
    const marker = el("marker", {id: "arrow", viewBox: "0 0 10 10", refX: 10, refY: 5, markerWidth: 6, markerHeight: 6, orient: "auto"});
    marker.appendChild(el("path", {d: "M0,0 L10,5 L0,10 z", fill: "#64748b"}));
    defs.appendChild(marker);
    svg.appendChild(defs);
    for (const p of status.points) {
      const at = pos[p.code];
      const link = el("a", {href: p.url});
      const g = el("g", {class: `node state-${p.state}`, "data-point": p.code, "data-state": p.state, "data-testid": `node-${p.code}`, transform: `translate(${at.x},${at.y})`});
      g.appendChild(el("rect", {width: 150, height: 50, class: `state-${p.state}`, stroke: COLOURS[p.state]}));
      g.appendChild(el("text", {x: 6, y: 15}, `${p.code} ${p.name}`.slice(0, 12)));
      const latest = p.latest || {};
      const line = p.monitored ? `${fmt(latest.flow_l_s, 1)} L/s · COD ${fmt(latest.cod_kg_h, 2)} kg/h` : config.labels.no_monitor;
      g.appendChild(el("text", {class: "small", x: 6, y: 30}, line));
      if (latest.residual_kg_h !== null && latest.residual_kg_h !== undefined) {
        g.appendChild(el("text", {class: "small", x: 6, y: 44}, `Δ ${fmt(latest.residual_kg_h, 2)} kg/h`));
      }
      const title = el("title", {}, `${p.kind_label} · ${p.name}${latest.time ? " · " + latest.time : ""}`);
      g.appendChild(title);
      link.appendChild(g);
      svg.appendChild(link);
    }
    svg.dataset.points = String(status.points.length);
    svg.dataset.findings = String(status.points.filter(p => p.state === 3).map(p => p.code).join(","));
  }

  function cell(tr, text, cls) {
    const td = document.createElement("td");
    td.textContent = String(text ?? "-");
    if (cls) { td.className = cls; }
    tr.appendChild(td);
    return td;
  }
  function drawTables() {
    const body = document.getElementById("anomaly-rows");
    body.replaceChildren();
    for (const a of status.anomalies) {
      const tr = document.createElement("tr");
      tr.dataset.point = a.point; tr.dataset.kind = a.kind; tr.dataset.pollutant = a.pollutant;
      const td = cell(tr, "");
      const link = document.createElement("a");
      link.href = a.url; link.textContent = `${a.point} ${a.name}`;
      td.appendChild(link);
      cell(tr, a.kind_label); cell(tr, a.pollutant); cell(tr, `${a.start} – ${a.end}`);
      cell(tr, fmt(a.residual_kg_h, 2)); cell(tr, fmt(a.score, 1)); cell(tr, a.why, "small");
      body.appendChild(tr);
    }
    document.getElementById("anomaly-count").textContent = String(status.anomalies.length);
    const gaps = document.getElementById("gap-list");
    gaps.replaceChildren();
    for (const g of status.gaps) {
      const li = document.createElement("li");
      li.textContent = g.why;
      gaps.appendChild(li);
    }
  }

  const map = L.map("map", {attributionControl: false});
  if (config.tile_url) { L.tileLayer(config.tile_url, {maxZoom: 18}).addTo(map); }
  L.geoJSON(places, {style: f => ({color: f.properties.kind === "block" ? "#16a34a" : "#2563eb", weight: f.properties.kind === "zone" ? 2 : 1, fillOpacity: 0.04}),
    onEachFeature: (f, layer) => layer.bindTooltip(window.zoneopsText(f.properties.name), {sticky: true})}).addTo(map);
  const layer = L.layerGroup().addTo(map);
  function drawMap() {
    layer.clearLayers();
    const at = {};
    for (const p of status.points) { if (p.lat !== null && p.lon !== null) { at[p.code] = [p.lat, p.lon]; } }
    for (const p of status.points) {
      if (at[p.code] && p.downstream && at[p.downstream]) {
        L.polyline([at[p.code], at[p.downstream]], {color: "#64748b", weight: 2, opacity: 0.7}).addTo(layer);
      }
    }
    for (const p of status.points) {
      if (!at[p.code]) { continue; }
      const m = L.circleMarker(at[p.code], {radius: p.kind === "source" ? 6 : 8, color: "#0f172a", weight: 1, fillColor: COLOURS[p.state], fillOpacity: 0.9, className: `water-marker wp-${p.code}`});
      m.bindTooltip(window.zoneopsText(`${p.code} ${p.name}`, p.kind_label));
      m.on("click", () => { window.location.href = p.url; });
      m.addTo(layer);
    }
    document.getElementById("map").dataset.points = String(Object.keys(at).length);
    return Object.values(at);
  }
  const located = drawMap();
  if (located.length) { map.fitBounds(L.latLngBounds(located).pad(0.2)); } else { map.setView([30.68, 120.93], 13); }
  drawSchematic();
  drawTables();

  async function refresh() {
    const response = await fetch(config.status_url, {headers: {"Accept": "application/json"}});
    if (!response.ok) { return; }
    status = await response.json();
    drawSchematic(); drawTables(); drawMap();
    document.getElementById("window").textContent = `${status.from} – ${status.to}`;
    const live = document.getElementById("live");
    live.dataset.updates = String(Number(live.dataset.updates) + 1);
  }
  setInterval(refresh, 60000);
})();
