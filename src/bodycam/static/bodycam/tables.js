// On a phone a list's rows become cards: each cell is shown under its column's name.
document.querySelectorAll("table.list").forEach((table) => {
  const names = [...table.querySelectorAll("thead th")].map((th) => th.textContent.trim());
  table.querySelectorAll("tbody tr").forEach((row) => {
    [...row.children].forEach((cell, i) => {
      if (names[i] && !cell.hasAttribute("colspan")) cell.dataset.label = names[i];
    });
  });
});
