// Draws the dashboard's two stacked bar charts from the JSON the page embeds.
(function () {
  var el = document.getElementById("dashboard-data");
  if (!el || !window.echarts) { return; }
  var data = JSON.parse(el.textContent);
  var colours = ["#16a34a", "#2563eb", "#0ea5e9", "#dc2626"];
  var dark = document.body.classList.contains("screen");
  function draw(id, block) {
    var node = document.getElementById(id);
    if (!node) { return; }
    var chart = echarts.init(node, dark ? "dark" : null, {renderer: "canvas"});
    chart.setOption({
      backgroundColor: "transparent",
      animation: false,  // office PCs and big screens: draw once, at once
      color: colours,
      tooltip: {trigger: "axis", axisPointer: {type: "shadow"}},
      legend: {data: data.buckets, top: 0},
      grid: {left: 8, right: 16, bottom: 8, top: 36, containLabel: true},
      xAxis: {type: "value", minInterval: 1},
      yAxis: {type: "category", data: block.names, inverse: true},
      series: data.buckets.map(function (name, i) {
        return {name: name, type: "bar", stack: "all", data: block.series[i],
                label: {show: true, formatter: function (p) { return p.value || ""; }}};
      })
    });
    node.dataset.drawn = "1";
    window.addEventListener("resize", function () { chart.resize(); });
  }
  draw("chart-list", data.by_list);
  draw("chart-domain", data.by_domain);
})();
