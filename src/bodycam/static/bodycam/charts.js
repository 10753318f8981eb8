// Each figure's chart is drawn from the table beside it (the first column the categories, the
// others the series), so the picture never says anything the numbers do not.
(function () {
  "use strict";
  if (!window.echarts) {
    return;
  }
  function cells(row) {
    return Array.from(row.querySelectorAll("th, td")).map(function (cell) {
      return cell.textContent.trim();
    });
  }
  document.querySelectorAll("figure.chart").forEach(function (figure) {
    const table = figure.querySelector("table");
    const box = figure.querySelector(".canvas");
    const head = cells(table.querySelector("thead tr"));
    const rows = Array.from(table.querySelectorAll("tbody tr")).map(cells)
      .filter(function (row) { return row.length === head.length; });
    if (!rows.length) {
      box.hidden = true;
      return;
    }
    const chart = window.echarts.init(box, null, { renderer: "canvas" });
    const kind = figure.dataset.kind;
    let option;
    if (kind === "pie") {
      option = {
        tooltip: { trigger: "item" },
        series: [{ type: "pie", radius: "65%", data: rows.map(function (row) {
          return { name: row[0], value: Number(row[1]) };
        }) }],
      };
    } else {
      option = {
        tooltip: { trigger: "axis" },
        legend: { data: head.slice(1) },
        grid: { left: 48, right: 16, bottom: 48, top: 40 },
        xAxis: { type: "category", data: rows.map(function (row) { return row[0]; }) },
        yAxis: { type: "value" },
        series: head.slice(1).map(function (name, index) {
          return { name: name, type: kind, data: rows.map(function (row) { return Number(row[index + 1]); }) };
        }),
      };
    }
    chart.setOption(option);
    figure.dataset.drawn = "true";
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
