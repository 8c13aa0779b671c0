// Suspects of one alert on a map: the upwind fan, the region holding 90 % of the
// probability, the ranked release points. Names are drawn as text (never as HTML).
(function () {
  const box = document.getElementById("trace-map");
  if (!box || !window.L) { return; }
  const data = JSON.parse(document.getElementById("trace-data").textContent);
  window.zoneopsTraceLayer(L.map(box, {attributionControl: false}), data, true);
  box.dataset.ready = "1";
})();
