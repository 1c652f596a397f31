// The finance/director dashboard: three ECharts charts fed by json_script blocks.
(function () {
  "use strict";
  if (!window.echarts) return;

  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  function empty(el) {
    el.classList.add("d-flex", "align-items-center", "justify-content-center", "text-body-secondary");
    el.textContent = el.dataset.empty || "-";
  }

  var charts = [];
  function chart(id, option, hasData) {
    var el = document.getElementById(id);
    if (!el) return;
    if (!hasData) { empty(el); return; }
    var c = window.echarts.init(el);
    c.setOption(option);
    charts.push(c);
  }

  var stages = data("data-stages");
  chart("chart-stages", {
    tooltip: { trigger: "item" },
    legend: { type: "scroll", bottom: 0 },
    series: [{
      type: "pie", radius: ["35%", "65%"], top: -20,
      data: stages.labels.map(function (l, i) { return { name: l, value: stages.values[i] }; })
    }]
  }, stages.values.length > 0);

  var approvals = data("data-approvals");
  var apEl = document.getElementById("chart-approvals");
  chart("chart-approvals", {
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { bottom: 0 },
    grid: { left: 8, right: 16, top: 16, bottom: 40, containLabel: true },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", data: approvals.labels },
    series: [
      { name: apEl.dataset.waiting, type: "bar", stack: "n", barMaxWidth: 48, data: approvals.waiting, itemStyle: { color: "#0d6efd" } },
      { name: apEl.dataset.overdue, type: "bar", stack: "n", barMaxWidth: 48, data: approvals.overdue, itemStyle: { color: "#dc3545" } }
    ]
  }, approvals.labels.length > 0);

  var pipeline = data("data-pipeline");
  var plEl = document.getElementById("chart-pipeline");
  chart("chart-pipeline", {
    tooltip: { trigger: "axis" },
    grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
    xAxis: { type: "category", data: pipeline.labels },
    yAxis: { type: "value" },
    series: [{ name: plEl.dataset.series, type: "bar", barMaxWidth: 64, data: pipeline.values.map(Number), itemStyle: { color: "#198754" } }]
  }, pipeline.labels.length > 0);

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
