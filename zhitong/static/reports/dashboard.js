/* The appeals dashboard (reports/dashboard.html): bar charts by status, lead unit, category
   and month received, and a heat map of overdue appeals by lead unit × month received. The
   data is the page's JSON block "zt-dashboard-data" (reports/dashboard.py chart_data); a
   click on a bar or a cell opens the appeal list behind it (its `url`). No inline script
   (CSP). Labels are set as text by ECharts (no rich markup). */
(function () {
  "use strict";

  var COLOR = "#2f6db5";

  function data() {
    var el = document.getElementById("zt-dashboard-data");
    return el ? JSON.parse(el.textContent) : null;
  }

  function openUrl(params) {
    var url = params && params.data && params.data.url;
    if (url && url.charAt(0) === "/") {
      window.location.assign(url);
    }
  }

  function barOption(bars, horizontal) {
    var labels = bars.map(function (b) { return b.label; });
    var values = bars.map(function (b) { return { value: b.value, url: b.url }; });
    var category = {
      type: "category",
      data: labels,
      axisLabel: { interval: 0, width: horizontal ? 110 : 60, overflow: "truncate" },
      inverse: horizontal,
    };
    var value = { type: "value", minInterval: 1 };
    return {
      color: [COLOR],
      tooltip: { trigger: "item", formatter: "{b}：{c}" },
      grid: { left: horizontal ? 120 : 40, right: 24, top: 16, bottom: horizontal ? 24 : 60 },
      xAxis: horizontal ? value : Object.assign(category, { axisLabel: { rotate: 40, interval: 0 } }),
      yAxis: horizontal ? category : value,
      series: [{ type: "bar", data: values, cursor: "pointer", label: { show: true, position: horizontal ? "right" : "top" } }],
    };
  }

  function heatOption(heat) {
    return {
      tooltip: {
        formatter: function (p) {
          return heat.units[p.data.value[1]] + " · " + heat.months[p.data.value[0]] + "：" + p.data.value[2];
        },
      },
      grid: { left: 120, right: 24, top: 16, bottom: 70 },
      xAxis: { type: "category", data: heat.months, splitArea: { show: true }, axisLabel: { rotate: 40 } },
      yAxis: { type: "category", data: heat.units, splitArea: { show: true }, inverse: true,
               axisLabel: { width: 110, overflow: "truncate" } },
      visualMap: { min: 0, max: Math.max(1, heat.max), calculable: false, orient: "horizontal",
                   left: "center", bottom: 0, itemHeight: 80, inRange: { color: ["#fde0dc", "#c62828"] } },
      series: [{ type: "heatmap", data: heat.cells, label: { show: true }, cursor: "pointer" }],
    };
  }

  function draw() {
    var d = data();
    if (!d || !window.echarts) return;
    var charts = [];
    document.querySelectorAll("[data-zt-chart]").forEach(function (el) {
      var key = el.getAttribute("data-zt-chart");
      var option;
      if (key === "heat") {
        if (!d.heat.cells.length) { el.hidden = true; return; }
        el.style.height = Math.max(220, 60 + 28 * d.heat.units.length + 70) + "px";
        option = heatOption(d.heat);
      } else {
        var bars = d[key] || [];
        if (!bars.length) { el.hidden = true; return; }
        var horizontal = key === "unit" || key === "category";
        if (horizontal) el.style.height = Math.max(220, 40 + 26 * bars.length) + "px";
        option = barOption(bars, horizontal);
      }
      var chart = window.echarts.init(el);
      chart.setOption(option);
      chart.on("click", openUrl);
      charts.push(chart);
    });
    window.addEventListener("resize", function () {
      charts.forEach(function (c) { c.resize(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
