// policykg pages: filters submit on change; the responsibility matrix sorts by any column.
// Data is only ever put into the page with textContent / DOM nodes, never innerHTML.
"use strict";

document.querySelectorAll("select.autosubmit").forEach((select) => {
  select.addEventListener("change", () => select.form && select.form.submit());
});

function taskKey(text) {
  // "4.10.2" sorts after "4.9.1": compare numbers part by part.
  return text.split(/[^0-9]+/).filter(Boolean).map((n) => n.padStart(6, "0")).join(".") || text;
}

document.querySelectorAll("table.sortable").forEach((table) => {
  const body = table.tBodies[0];
  const heads = Array.from(table.tHead.rows[0].cells);
  heads.forEach((th, column) => {
    const button = th.querySelector("button");
    if (!button) return;
    button.addEventListener("click", () => {
      const type = th.dataset.type || "text";
      const descending = th.getAttribute("aria-sort") === "ascending" || (type === "num" && !th.hasAttribute("aria-sort"));
      heads.forEach((h) => h.removeAttribute("aria-sort"));
      th.setAttribute("aria-sort", descending ? "descending" : "ascending");
      const value = (row) => {
        const cell = row.cells[column];
        const raw = cell.dataset.value ?? cell.textContent.trim();
        return type === "num" ? Number(raw) : type === "id" ? taskKey(raw) : raw;
      };
      const rows = Array.from(body.rows).map((row, index) => ({ row, index, key: value(row) }));
      rows.sort((a, b) => {
        const cmp = a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
        return (descending ? -cmp : cmp) || a.index - b.index;
      });
      rows.forEach(({ row }) => body.appendChild(row));
    });
  });
});
