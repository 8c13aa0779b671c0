// The air alarm's part of the alert page: the readings around the alarm per factor (one line
// per station) with the rule's tier lines, and the wind arrow. Times arrive shifted to Beijing
// time and are drawn as UTC, so the axis reads Beijing time in any browser's zone.
(function () {
  const config = JSON.parse(document.getElementById("alarm-chart-data").textContent);
  const COLOURS = ["#16a34a", "#2563eb", "#ca8a04", "#ea580c", "#dc2626"];
  for (const arrow of document.querySelectorAll(".wind-arrow")) {
    arrow.setAttribute("transform", `rotate(${Number(arrow.dataset.rotate) || 0})`);
  }
  const charts = [];
  for (const c of config.charts) {
    const el = document.getElementById(`alarm-chart-${c.factor}`);
    if (!el || !window.echarts) { continue; }
    const lines = c.limits.map(l => ({yAxis: l.value, lineStyle: {color: COLOURS[l.level] || "#dc2626", type: "dashed"},
      label: {formatter: `${l.name} ${l.value}`}}));
    const chart = echarts.init(el);
    chart.setOption({
      useUTC: true, animation: false,
      title: {text: `${c.name} (${c.factor})`, subtext: c.unit, left: 8, textStyle: {fontSize: 13}},
      tooltip: {trigger: "axis"}, legend: {type: "scroll", bottom: 0},
      grid: {left: 50, right: 70, top: 50, bottom: 50},
      // The axis reaches the highest tier line, so the limits show beside the readings.
      xAxis: {type: "time"}, yAxis: {type: "value", min: 0,
        max: v => Number((Math.max(v.max, ...c.limits.map(l => l.value)) * 1.1).toPrecision(2))},
      series: c.series.map((s, i) => ({type: "line", name: s.name, showSymbol: false, data: s.data,
        markLine: i === 0 ? {symbol: "none", data: lines} : undefined})),
    });
    el.dataset.points = String(c.series.reduce((n, s) => n + s.data.length, 0));
    el.dataset.limits = String(lines.length);
    charts.push(chart);
  }
  document.getElementById("alarm-charts").dataset.ready = "1";
  window.addEventListener("resize", () => charts.forEach(c => c.resize()));
})();
