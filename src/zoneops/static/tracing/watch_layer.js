// The live watch's tracing layer: each open alert's suspects, 90 % region and upwind fan on
// the watch map (window.zoneopsWatchMap), a list of them under it, and "trace now" for
// dispatchers. Refreshed every 15 s.
(function () {
  const panel = document.getElementById("trace-layer");
  const map = window.zoneopsWatchMap;
  if (!panel || !map || !window.L) { return; }
  const mapBox = document.getElementById("map");
  mapBox.parentNode.appendChild(panel);
  panel.hidden = false;
  const csrf = (JSON.parse(document.body.getAttribute("hx-headers") || "{}"))["X-CSRFToken"] || "";
  let groups = [];
  function text(tag, value, attrs) {
    const el = document.createElement(tag);
    el.textContent = value;
    for (const [k, v] of Object.entries(attrs || {})) { el.setAttribute(k, v); }
    return el;
  }
  async function requestTrace(alertId, button) {
    button.disabled = true;
    await fetch(`/tracing/alerts/${alertId}/trace/`, {method: "POST", headers: {"X-CSRFToken": csrf, "Accept": "application/json"}});
    setTimeout(refresh, 1500);
  }
  async function refresh() {
    const response = await fetch(panel.dataset.url, {headers: {"Accept": "application/json"}});
    if (!response.ok) { return; }
    const data = await response.json();
    for (const g of groups) { map.removeLayer(g); }
    groups = data.traces.map(t => window.zoneopsTraceLayer(map, t, false));
    panel.replaceChildren(text("h3", panel.dataset.labelSuspects));
    const list = document.createElement("ul");
    list.className = "plain";
    for (const t of data.traces) {
      const li = document.createElement("li");
      li.dataset.alertId = String(t.alert);
      li.appendChild(text("a", t.title, {href: t.url}));
      const top = t.suspects[0];
      li.appendChild(text("span", top ? ` → #1 ${top.name} ${Math.round(top.probability * 100)}%` : ` · ${panel.dataset.labelNone}`,
                          {"data-testid": "watch-top-suspect"}));
      if (data.can_request) {
        const b = text("button", panel.dataset.labelRequest, {type: "button", "class": "link", "data-testid": "watch-trace-now"});
        b.addEventListener("click", () => requestTrace(t.alert, b));
        li.appendChild(text("span", " "));
        li.appendChild(b);
      }
      list.appendChild(li);
    }
    panel.appendChild(list);
    panel.dataset.traces = String(data.traces.length);
  }
  refresh();
  setInterval(refresh, 15000);
})();
