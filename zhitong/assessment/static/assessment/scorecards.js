/* The scorecard page's charts (assessment/scorecards.html): the ranking of each group and
   the three rates over six months. The data is the page's JSON block "scorecard-charts";
   a click on a bar opens the unit's scorecard table row, a click on a month opens that
   month's scorecard (each chart's list is linked under it too). No inline script (CSP). */
(function () {
  "use strict";
  function init() {
    var block = document.getElementById("scorecard-charts");
    if (!block || !window.echarts) return;
    var data = JSON.parse(block.textContent);
    document.querySelectorAll("[data-zt-chart]").forEach(function (el) {
      var chart = window.echarts.init(el);
      if (el.dataset.ztChart === "ranking") {
        var r = data.ranking[el.dataset.ztGroup];
        // One bar per unit: the chart grows with the group (CSSOM, allowed by the CSP).
        el.style.height = Math.max(200, r.labels.length * 30 + 40) + "px";
        chart.resize();
        chart.setOption({
          grid: { left: 8, right: 24, top: 10, bottom: 20, containLabel: true },
          xAxis: { type: "value" },
          yAxis: {
            type: "category",
            inverse: true,
            data: r.labels,
            axisLabel: { width: el.clientWidth < 600 ? 96 : 220, overflow: "truncate" },
          },
          series: [{ type: "bar", data: r.scores, itemStyle: { color: "#1e6fb8" } }],
          tooltip: { trigger: "axis" },
        });
        chart.on("click", function () {
          location.hash = "table-" + el.dataset.ztGroup;
        });
      } else {
        var t = data.trend;
        var keys = ["response_rate", "resolution_rate", "satisfaction_rate"];
        chart.setOption({
          grid: { left: 8, right: 16, top: 36, bottom: 24, containLabel: true },
          legend: { data: keys.map(function (k) { return data.labels[k]; }) },
          xAxis: { type: "category", data: t.map(function (p) { return p.month; }) },
          yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
          tooltip: { trigger: "axis" },
          series: keys.map(function (k) {
            return { name: data.labels[k], type: "line", connectNulls: false, data: t.map(function (p) { return p[k]; }) };
          }),
        });
        chart.on("click", function (p) {
          location.search = "?month=" + encodeURIComponent(p.name);
        });
      }
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
