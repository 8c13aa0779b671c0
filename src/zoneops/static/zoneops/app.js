// Small behaviours for every page, kept out of the templates so the Content-Security-Policy
// can forbid inline script: <select data-autosubmit> submits its form when changed.
document.addEventListener("change", (event) => {
  const field = event.target.closest && event.target.closest("[data-autosubmit]");
  if (field && field.form) { field.form.submit(); }
});

// Leaflet treats a string as HTML: anything drawn from data goes in as a text node instead.
window.zoneopsText = function (...parts) {
  const span = document.createElement("span");
  parts.forEach((part, i) => {
    if (i) { span.appendChild(document.createElement("br")); }
    span.appendChild(document.createTextNode(String(part ?? "")));
  });
  return span;
};

// <input type="checkbox" data-select-all> ticks every box of its table (bulk actions).
document.addEventListener("change", (event) => {
  if (!event.target.matches || !event.target.matches("[data-select-all]")) { return; }
  const table = event.target.closest("table");
  for (const box of table.querySelectorAll("tbody input[type=checkbox]")) { box.checked = event.target.checked; }
});
