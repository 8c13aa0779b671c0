// The searchable assignee picker of the alert page: one search box over units, people and
// enterprises, the alarm's own enterprise and unit proposed first. It only sets the form's
// three plain <select>s (which stay the form without JavaScript). Names are drawn as text.
(function () {
  const box = document.querySelector("[data-assignee-picker]");
  const dataEl = document.getElementById("assignee-data");
  if (!box || !dataEl) { return; }
  const data = JSON.parse(dataEl.textContent);
  const labels = JSON.parse(document.getElementById("assignee-labels").textContent);
  const form = box.closest("form");
  const selects = {unit: form.elements.unit, user: form.elements.user, enterprise: form.elements.enterprise};
  const search = box.querySelector(".picker-search");
  const list = box.querySelector(".picker-options");
  const chosen = box.querySelector(".picker-chosen");
  const byKey = new Map(data.items.map(item => [`${item.kind}:${item.id}`, item]));
  const suggested = data.suggested.filter(key => byKey.has(key));
  const MAX = 30;
  let active = 0, shown = [];

  function choose(item) {
    for (const [kind, select] of Object.entries(selects)) {
      select.value = kind === item.kind ? String(item.id) : "";
    }
    chosen.textContent = `${labels.chosen} ${labels[item.kind]} · ${item.label}`;
    chosen.dataset.value = `${item.kind}:${item.id}`;
    draw();
  }
  function current() {
    for (const [kind, select] of Object.entries(selects)) {
      if (select.value) { return byKey.get(`${kind}:${select.value}`); }
    }
    return null;
  }
  function matches(query) {
    const q = query.trim().toLowerCase();
    const first = suggested.map(key => byKey.get(key));
    if (!q) { return first.concat(data.items.filter(i => !suggested.includes(`${i.kind}:${i.id}`))).slice(0, MAX); }
    const hit = i => `${i.label} ${i.hint || ""}`.toLowerCase().includes(q);
    return first.filter(hit).concat(data.items.filter(i => hit(i) && !suggested.includes(`${i.kind}:${i.id}`))).slice(0, MAX);
  }
  function draw() {
    shown = matches(search.value);
    active = Math.min(active, Math.max(shown.length - 1, 0));
    list.replaceChildren(...shown.map((item, n) => {
      const li = document.createElement("li");
      const key = `${item.kind}:${item.id}`;
      li.setAttribute("role", "option");
      li.dataset.value = key;
      li.setAttribute("aria-selected", String(chosen.dataset.value === key));
      if (n === active) { li.classList.add("active"); }
      const kind = document.createElement("span");
      kind.className = "pill";
      kind.textContent = labels[item.kind];
      const hint = document.createElement("small");
      hint.className = "muted";
      hint.textContent = item.hint || "";
      li.append(kind, " ", document.createTextNode(item.label), " ", hint);
      if (suggested.includes(key)) {
        const tag = document.createElement("em");
        tag.textContent = ` ${labels.suggested}`;
        li.append(tag);
      }
      li.addEventListener("mousedown", e => { e.preventDefault(); choose(item); });
      return li;
    }));
    if (!shown.length) {
      const li = document.createElement("li");
      li.className = "muted";
      li.textContent = labels.none;
      list.append(li);
    }
  }
  search.addEventListener("input", () => { active = 0; draw(); });
  search.addEventListener("keydown", e => {
    if (e.key === "ArrowDown") { active = Math.min(active + 1, shown.length - 1); draw(); e.preventDefault(); }
    else if (e.key === "ArrowUp") { active = Math.max(active - 1, 0); draw(); e.preventDefault(); }
    else if (e.key === "Enter") { if (shown[active]) { choose(shown[active]); } e.preventDefault(); }
  });
  form.querySelector(".picker-fallback").hidden = true;
  box.hidden = false;
  const start = current();
  if (start) { choose(start); } else { draw(); }
})();
