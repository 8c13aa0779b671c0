// The lot page's live price: poll the lot's price every two seconds while it can change.
(function () {
  "use strict";
  var box = document.querySelector("[data-price-url]");
  if (!box) { return; }
  var labels = {};
  var phaseNode = box.querySelector("[data-field=phase]");
  function set(name, value) {
    var node = box.querySelector("[data-field=" + name + "]");
    if (node && value !== null && value !== undefined) { node.textContent = value; }
  }
  function poll() {
    fetch(box.getAttribute("data-price-url"), {credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (s) {
        if (!s) { return; }
        set("leading", s.leading === null ? "—" : s.leading);
        set("bids", String(s.bids));
        set("low", s.low);
        set("high", s.high === null ? "" : s.high);
        set("closes_at", s.closes_at);
        var mine = box.querySelector("[data-field=mine]");
        if (mine) { mine.hidden = !s.leader_is_me; }
        if (phaseNode && labels.phase !== s.phase) {
          labels.phase = s.phase;
          if (s.phase !== "open" && s.phase !== "waiting") { window.location.reload(); return; }
        }
        if (s.phase === "open" || s.phase === "waiting") { window.setTimeout(poll, 2000); }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  labels.phase = box.getAttribute("data-phase");
  if (labels.phase === "open" || labels.phase === "waiting") { window.setTimeout(poll, 2000); }
})();
