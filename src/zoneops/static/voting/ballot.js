// Live count (approval) or running total (budget) on the residents' ballot. The server checks
// every rule again; this only helps the voter. Plain JavaScript: old messaging-app browsers.
(function () {
  var form = document.getElementById("ballot");
  if (!form) return;
  var boxes = Array.prototype.slice.call(form.querySelectorAll("input[name=choice]"));
  var rule = form.getAttribute("data-rule");
  var max = parseInt(form.getAttribute("data-max"), 10);
  var budget = parseFloat(form.getAttribute("data-budget"));
  var over = form.querySelector("[data-testid=over]");
  var submit = form.querySelector("[data-testid=cast]");
  function update() {
    var chosen = boxes.filter(function (b) { return b.checked; });
    var tooMany = false;
    if (rule === "approval") {
      form.querySelector("[data-testid=count]").textContent = chosen.length;
      var perCategory = {};
      chosen.forEach(function (b) {
        var c = b.getAttribute("data-category");
        perCategory[c] = (perCategory[c] || 0) + 1;
      });
      boxes.forEach(function (b) {
        var cap = parseInt(b.getAttribute("data-cap"), 10);
        var full = chosen.length >= max ||
          (!isNaN(cap) && (perCategory[b.getAttribute("data-category")] || 0) >= cap);
        b.disabled = !b.checked && full;
      });
      tooMany = chosen.length > max;
    } else {
      var total = chosen.reduce(function (s, b) { return s + parseFloat(b.getAttribute("data-cost")); }, 0);
      form.querySelector("[data-testid=total]").textContent = total.toLocaleString("zh-CN");
      tooMany = total > budget;
    }
    over.hidden = !tooMany;
    submit.disabled = tooMany || chosen.length === 0;
  }
  boxes.forEach(function (b) { b.addEventListener("change", update); });
  update();
})();
