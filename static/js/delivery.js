// The 实施 plan page: Gantt of plan vs actual, burn-up of man-days, risk matrix (ECharts).
(function () {
  "use strict";
  if (!window.echarts) return;

  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  function day(s) { return s ? new Date(s + "T00:00:00").getTime() : null; }
  var DAY = 86400000;
  var charts = [];
  function chart(id, option, hasData) {
    var el = document.getElementById(id);
    if (!el) return;
    if (!hasData) {
      el.classList.add("d-flex", "align-items-center", "justify-content-center", "text-body-secondary");
      el.textContent = el.dataset.empty || "-";
      return;
    }
    var c = window.echarts.init(el);
    c.setOption(option);
    charts.push(c);
  }

  var g = data("data-gantt");
  if (g) {
    var names = g.tasks.map(function (t) { return t.name; });
    var planned = g.tasks.map(function (t, i) { return [i, day(t.start), day(t.finish) + DAY, t.percent]; });
    var actual = g.tasks.filter(function (t) { return t.actual_start; }).map(function (t) {
      return [names.indexOf(t.name), day(t.actual_start), day(t.actual_finish) + DAY, t.actual_md];
    });
    function bars(color, offset, height) {
      return function (params, api) {
        var y = api.value(0), s = api.coord([api.value(1), y]), e = api.coord([api.value(2), y]);
        var h = api.size([0, 1])[1] * height;
        return { type: "rect", shape: { x: s[0], y: s[1] + offset * h - h / 2, width: Math.max(e[0] - s[0], 2), height: h * 0.9 },
                 style: { fill: color } };
      };
    }
    chart("chart-gantt", {
      tooltip: { formatter: function (p) {
        var v = p.value; return names[v[0]] + "<br>" + p.seriesName + ": " +
          new Date(v[1]).toISOString().slice(0, 10) + " → " + new Date(v[2] - DAY).toISOString().slice(0, 10);
      } },
      legend: { bottom: 0 },
      grid: { left: 10, right: 20, top: 10, bottom: 40, containLabel: true },
      xAxis: { type: "time" },
      yAxis: { type: "category", data: names, inverse: true },
      series: [
        { name: g.labels.plan, type: "custom", renderItem: bars("#9ec5fe", -0.2, 0.4), encode: { x: [1, 2], y: 0 }, data: planned },
        { name: g.labels.actual, type: "custom", renderItem: bars("#198754", 0.25, 0.35), encode: { x: [1, 2], y: 0 }, data: actual },
        { name: g.labels.milestone, type: "scatter", symbol: "diamond", symbolSize: 12, itemStyle: { color: "#dc3545" },
          data: g.milestones.map(function (m) { return { value: [day(m.due), names.length - 1], name: m.name }; }),
          tooltip: { formatter: function (p) { return p.name + " " + new Date(p.value[0]).toISOString().slice(0, 10); } } }
      ]
    }, g.tasks.length > 0);
  }

  var b = data("data-burnup");
  if (b) {
    var series = [
      { name: b.labels.planned, type: "line", data: b.planned.map(Number) },
      { name: b.labels.actual, type: "line", data: b.actual.map(Number) }
    ];
    if (b.total) {
      series.push({ name: b.labels.total, type: "line", symbol: "none", lineStyle: { type: "dashed" },
                    data: b.weeks.map(function () { return Number(b.total); }) });
    }
    chart("chart-burnup", {
      tooltip: { trigger: "axis" }, legend: { bottom: 0 },
      grid: { left: 10, right: 20, top: 20, bottom: 40, containLabel: true },
      xAxis: { type: "category", data: b.weeks }, yAxis: { type: "value" }, series: series
    }, b.weeks.length > 0);
  }

  var m = data("data-matrix");
  var mEl = document.getElementById("chart-risks");
  if (m && mEl) {
    var cells = [];
    for (var p = 0; p < 5; p++) for (var i = 0; i < 5; i++) cells.push([i, p, m[p][i]]);
    chart("chart-risks", {
      tooltip: { formatter: function (x) { return mEl.dataset.y + " " + (x.value[1] + 1) + " · " + mEl.dataset.x + " " + (x.value[0] + 1) + ": " + x.value[2]; } },
      grid: { left: 40, right: 10, top: 10, bottom: 40 },
      xAxis: { type: "category", data: [1, 2, 3, 4, 5], name: mEl.dataset.x, nameLocation: "middle", nameGap: 25 },
      yAxis: { type: "category", data: [1, 2, 3, 4, 5], name: mEl.dataset.y },
      visualMap: { show: false, min: 0, max: 25, dimension: 3, inRange: { color: ["#d1e7dd", "#fff3cd", "#f8d7da"] } },
      series: [{ type: "heatmap", label: { show: true, formatter: function (x) { return x.value[2] || ""; } },
                 data: cells.map(function (c) { return [c[0], c[1], c[2], (c[0] + 1) * (c[1] + 1)]; }) }]
    }, true);
  }
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
