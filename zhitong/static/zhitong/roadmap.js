/* The roadmap chart (推进路径图) of a project's page: one row per milestone, its planned
   bar (planned start → planned due), its actual completion (planned start → actual day),
   the overrun of an overdue milestone (due → today) in red, and a dashed line for today.
   The data is the page's JSON block named by data-zt-roadmap (projects/roadmap/selectors.py
   roadmap_chart); the page carries no inline script (CSP). Text in the tooltip is set as
   text, never as markup. */
(function () {
  "use strict";

  var DAY = 86400000;
  var COLORS = {
    green: "#7aa7d9", // planned, on track
    yellow: "#f2b705", // planned, due soon
    red: "#c62828", // planned, overdue
    none: "#bcd2ea", // planned, done
    actual: "#1e7b34",
    late: "#b26a00",
    overrun: "#e57373",
    today: "#c62828",
  };

  function day(iso) {
    // Dates are days in Asia/Shanghai; noon keeps them on their day in any time zone.
    return Date.parse(iso + "T12:00:00+08:00");
  }

  function escapeText(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function bar(height) {
    // One horizontal bar of a row: value = [row, from, to]; `height` is its share of the row.
    return function (params, api) {
      var from = api.coord([api.value(1), api.value(0)]);
      var to = api.coord([api.value(2) + DAY / 2, api.value(0)]);
      var h = api.size([0, 1])[1] * height;
      var shift = api.value(3) || 0; // -1: upper half of the row, 1: lower half
      var shape = window.echarts.graphic.clipRectByRect(
        { x: from[0] - 1, y: from[1] - h / 2 + shift * h * 0.55, width: Math.max(to[0] - from[0], 3), height: h },
        { x: params.coordSys.x, y: params.coordSys.y, width: params.coordSys.width, height: params.coordSys.height }
      );
      return shape && { type: "rect", transition: ["shape"], shape: shape, style: { fill: api.visual("color") } };
    };
  }

  function draw(el) {
    var source = document.getElementById(el.getAttribute("data-zt-roadmap"));
    if (!source || !window.echarts) return;
    var data = JSON.parse(source.textContent);
    var rows = data.rows, L = data.labels || {};
    var today = day(data.today);
    var planned = [], actual = [], overrun = [];
    rows.forEach(function (r, i) {
      planned.push({ value: [i, day(r.start), day(r.due), r.actual ? -1 : 0], itemStyle: { color: COLORS[r.done ? "none" : r.light] || COLORS.green } });
      if (r.actual) {
        actual.push({ value: [i, day(r.start), day(r.actual), 1], itemStyle: { color: r.late ? COLORS.late : COLORS.actual } });
      }
      if (!r.done && r.light === "red") {
        overrun.push({ value: [i, day(r.due) + DAY, today, 0], itemStyle: { color: COLORS.overrun } });
      }
    });
    var first = Math.min.apply(null, rows.map(function (r) { return day(r.start); }).concat([today]));
    var last = Math.max.apply(null, rows.map(function (r) { return day(r.actual || r.due); }).concat([today]));
    var pad = Math.max((last - first) * 0.03, 3 * DAY);
    var narrow = el.clientWidth < 600;
    el.style.height = Math.max(rows.length * (narrow ? 30 : 34) + 70, 220) + "px";

    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    function tooltip(p) {
      var r = rows[p.value[0]];
      var lines = [r.name + "（" + r.workdays + (L.workdays || "") + "）",
        (L.planned || "") + "：" + r.start + " → " + r.due + (r.provisional ? (L.provisional || "") : "")];
      if (r.actual) lines.push((r.late ? L.late : L.actual) + "：" + r.actual);
      else if (r.light === "red") lines.push(L.overrun || "");
      return lines.map(escapeText).join("<br>");
    }
    chart.setOption({
      animation: false,
      grid: { left: narrow ? 8 : 12, right: narrow ? 12 : 24, top: 28, bottom: 24, containLabel: true },
      tooltip: { trigger: "item", formatter: tooltip, confine: true },
      xAxis: {
        type: "time",
        min: first - pad,
        max: last + pad,
        position: "top",
        splitLine: { show: true, lineStyle: { color: "#eef1f5" } },
        axisLabel: { hideOverlap: true, fontSize: narrow ? 10 : 12 },
      },
      yAxis: {
        type: "category",
        inverse: true,
        data: rows.map(function (r) { return r.name; }),
        axisTick: { show: false },
        axisLabel: { fontSize: narrow ? 11 : 12, width: narrow ? 72 : 120, overflow: "truncate" },
      },
      series: [
        {
          name: L.planned, type: "custom", renderItem: bar(0.38), encode: { x: [1, 2], y: 0 }, data: planned,
          markLine: {
            silent: true, symbol: "none",
            label: { formatter: L.today || "", color: COLORS.today, position: "end" },
            lineStyle: { color: COLORS.today, type: "dashed", width: 1.5 },
            data: [{ xAxis: today }],
          },
        },
        { name: L.actual, type: "custom", renderItem: bar(0.38), encode: { x: [1, 2], y: 0 }, data: actual },
        { name: L.overrun, type: "custom", renderItem: bar(0.38), encode: { x: [1, 2], y: 0 }, data: overrun },
      ],
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function start() {
    var charts = document.querySelectorAll("[data-zt-roadmap]");
    for (var i = 0; i < charts.length; i++) draw(charts[i]);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
