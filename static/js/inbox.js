// The inbox without the mouse: j / ArrowDown next row, k / ArrowUp previous, x chooses the row for a bulk
// decision, o / Enter opens its task; and a checkbox that chooses every task on the page.
(function () {
  "use strict";
  var table = document.getElementById("inbox-table");
  if (!table) { return; }
  var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr"));
  var all = document.getElementById("select-all");
  var boxes = rows.map(function (row) { return row.querySelector("input[name=tasks]"); });

  function syncAll() {
    var chosen = boxes.filter(function (box) { return box.checked; }).length;
    all.checked = chosen === boxes.length;
    all.indeterminate = chosen > 0 && chosen < boxes.length;
  }
  all.addEventListener("change", function () {
    boxes.forEach(function (box) { box.checked = all.checked; });
    syncAll();
  });
  boxes.forEach(function (box) { box.addEventListener("change", syncAll); });

  var current = -1;
  function focusRow(index) {
    if (index < 0 || index >= rows.length) { return; }
    if (current >= 0) { rows[current].classList.remove("current"); }
    current = index;
    rows[current].classList.add("current");
    rows[current].focus();
  }
  rows.forEach(function (row, index) {
    row.addEventListener("focusin", function () {
      if (current >= 0) { rows[current].classList.remove("current"); }
      current = index;
      row.classList.add("current");
    });
  });
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var typing = target && (target.tagName === "TEXTAREA" || target.tagName === "SELECT" ||
      (target.tagName === "INPUT" && target.type !== "checkbox" && target.type !== "radio"));
    if (typing || event.altKey || event.ctrlKey || event.metaKey) { return; }
    var key = event.key;
    if (key === "j" || key === "ArrowDown") { focusRow(current + 1); event.preventDefault(); }
    else if (key === "k" || key === "ArrowUp") { focusRow(Math.max(current - 1, 0)); event.preventDefault(); }
    else if (key === "x" && current >= 0) { boxes[current].click(); event.preventDefault(); }
    else if ((key === "o" || (key === "Enter" && target === rows[current])) && current >= 0) {
      window.location.href = rows[current].querySelector("a.open-task").href;
      event.preventDefault();
    }
  });
}());
