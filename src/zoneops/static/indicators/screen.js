// The leader's screen: progress bars from their data attributes, and a line chart per
// indicator of this year's single months against last year's (ECharts, vendored).
(function () {
  "use strict";
  document.querySelectorAll(".ind-progress").forEach(function (box) {
    var bar = box.querySelector(".bar"), mark = box.querySelector(".mark");
    bar.style.setProperty("--done", Math.min(100, parseFloat(bar.dataset.done)) + "%");
    mark.style.left = Math.min(100, parseFloat(mark.dataset.time)) + "%";
  });
  drawMap();
  var data = document.getElementById("trend-data");
  if (!data || !window.echarts) { return; }
  var trends = JSON.parse(data.textContent);
  document.querySelectorAll(".ind-chart").forEach(function (node) {
    var t = trends[parseInt(node.dataset.index, 10)];
    var chart = window.echarts.init(node, "dark", {renderer: "canvas"});
    chart.setOption({
      backgroundColor: "transparent",
      animation: false,  // a wall screen redraws every five minutes: show it whole at once
      title: {text: t.name, left: 12, top: 8, textStyle: {fontSize: 16}},
      legend: {right: 12, top: 8},
      grid: {left: 50, right: 20, top: 44, bottom: 28},
      tooltip: {trigger: "axis"},
      xAxis: {type: "category", data: t.labels},
      yAxis: {type: "value"},
      series: [
        {name: t.last_label, type: "line", data: t.last, lineStyle: {type: "dashed"}},
        {name: t.this_label, type: "line", data: t.this}
      ]
    });
    node.dataset.drawn = "1";
    window.addEventListener("resize", function () { chart.resize(); });
  });

  // The park map: outlines from the zone's own GeoJSON and a dot per open alert with a place.
  // Titles are data people typed: drawn as tooltip text, never as HTML.
  function drawMap() {
    var el = document.getElementById("ind-map");
    if (!el || !window.L) { return; }
    var places = JSON.parse(document.getElementById("places-data").textContent);
    var points = JSON.parse(document.getElementById("alert-points").textContent);
    var map = window.L.map(el, {attributionControl: false, zoomControl: false,
      dragging: false, scrollWheelZoom: false, doubleClickZoom: false, boxZoom: false,
      keyboard: false, preferCanvas: true});
    var outline = {zone: "#64748b", area: "#38bdf8", block: "#334155"};
    var layer = window.L.geoJSON(places, {style: function (f) {
      return {color: outline[f.properties.kind] || "#334155", weight: f.properties.kind === "zone" ? 2 : 1,
        fillOpacity: 0.05};
    }});
    // The view first: a canvas renderer cannot draw before the map knows where it is.
    var bounds = layer.getBounds();
    if (bounds.isValid()) { map.fitBounds(bounds, {padding: [8, 8]}); } else { map.setView([30.7, 120.8], 11); }
    layer.addTo(map);
    var colours = {4: "#f87171", 3: "#fb923c", 2: "#facc15", 1: "#60a5fa"};
    points.forEach(function (p) {
      var dot = window.L.circleMarker([p.lat, p.lon], {radius: 7, color: colours[p.level] || "#f87171",
        fillOpacity: 0.8}).addTo(map);
      var label = document.createElement("span");
      label.textContent = p.title;
      dot.bindTooltip(label);
    });
    el.dataset.features = String(places.features.length);
    el.dataset.alerts = String(points.length);
  }
})();
