// The leader's screen: progress bars from their data attributes, and a line chart per
// indicator of this year's single months against last year's (ECharts, vendored).
(function () {
  "use strict";
  document.querySelectorAll(".ind-progress").forEach(function (box) {
    var bar = box.querySelector(".bar"), mark = box.querySelector(".mark");
    bar.style.setProperty("--done", Math.min(100, parseFloat(bar.dataset.done)) + "%");
    mark.style.left = Math.min(100, parseFloat(mark.dataset.time)) + "%";
  });
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
})();
