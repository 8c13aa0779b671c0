// A water point's page: hourly load, load expected from upstream and residual (kg/h), and
// the flow-weighted concentration against the point's limit, per pollutant. Gaps stay gaps.
(function () {
  const url = JSON.parse(document.getElementById("series-url").textContent);
  const labels = JSON.parse(document.getElementById("chart-labels").textContent);
  const loadChart = echarts.init(document.getElementById("chart-load"));
  const concChart = echarts.init(document.getElementById("chart-conc"));
  let data = null, pollutant = "COD";
  function draw() {
    const s = data.pollutants[pollutant];
    const times = data.times;
    const pairs = values => times.map((t, i) => [t, values[i]]);
    const series = [{name: `${labels.load} kg/h`, type: "line", showSymbol: false, connectNulls: false, data: pairs(s.load_kg_h)}];
    if (s.expected_kg_h.some(v => v !== null)) {
      series.push({name: labels.expected, type: "line", showSymbol: false, lineStyle: {type: "dashed"}, data: pairs(s.expected_kg_h)});
      series.push({name: labels.residual, type: "bar", data: pairs(s.residual_kg_h), itemStyle: {color: "#dc2626"}});
    }
    loadChart.setOption({title: {text: `${pollutant} kg/h`, left: 8, textStyle: {fontSize: 13}}, tooltip: {trigger: "axis"},
      legend: {top: 4, right: 8}, grid: {left: 50, right: 30, top: 40, bottom: 30},
      xAxis: {type: "category", data: times}, yAxis: {type: "value"}, series, animation: false}, true);
    const limit = data.limits[pollutant];
    concChart.setOption({title: {text: `${pollutant} mg/L`, left: 8, textStyle: {fontSize: 13}}, tooltip: {trigger: "axis"},
      grid: {left: 50, right: 60, top: 40, bottom: 30}, xAxis: {type: "category", data: times}, yAxis: {type: "value"},
      series: [{type: "line", showSymbol: false, data: pairs(s.conc_mg_l),
        markLine: limit ? {symbol: "none", data: [{yAxis: limit, label: {formatter: `${labels.limit} ${limit}`}, lineStyle: {color: "#dc2626", type: "dashed"}}]} : undefined}],
      animation: false}, true);
    const box = document.getElementById("chart-load");
    box.dataset.pollutant = pollutant;
    box.dataset.points = String(s.load_kg_h.filter(v => v !== null).length);
  }
  for (const a of document.querySelectorAll("#pollutants a")) {
    a.addEventListener("click", e => {
      e.preventDefault();
      pollutant = a.dataset.pollutant;
      for (const b of document.querySelectorAll("#pollutants a")) { b.removeAttribute("aria-current"); }
      a.setAttribute("aria-current", "page");
      if (data) { draw(); }
    });
  }
  fetch(url).then(r => r.json()).then(d => { data = d; draw(); });
})();
